/* ISC license. */
/* cav.c: libclamav behind a small fail-closed interface; see cav.h. */
#include "sysdeps.h"

#include <sys/types.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clamav.h>

#include "cav.h"

#define CAV_ZIP64	0xFFFFFFFFUL
#define CAV_SHORTSZ	64

struct cav_engine {
	struct cl_engine	*cl;
	unsigned long long	 maxfilesize;
	unsigned int		 dbversion;
	long long		 dbtime;
	unsigned int		 sigs;
	char			 db[CAV_SHORTSZ];
};

/* one scan: the callbacks' context */
struct cav_scan {
	const struct cav_engine	*e;
	struct scanres	*r;
	const char		*buf;		/* after SCANRES_MAILPREFIX */
	size_t			 len;
	unsigned int		 toplayers;	/* level-0 inspections seen */
	char			 error[SCANRES_WHATSZ];	/* libclamav's first */
};

static void	cav_errf(struct cav_err *, const char *, ...) MW_PRINTF(2, 3);
static void	cav_msg(enum cl_msg, const char *, const char *, void *);
static int	cav_limits_set(struct cl_engine *, const struct cav_limits *,
		    struct cav_err *);
static int	cav_readback(struct cav_engine *, struct cav_err *);
static void	cav_addname(struct cav_scan *, const char *);
static void	cav_found(int, const char *, void *);
static cl_error_t cav_meta(const char *, unsigned long, const char *,
		    unsigned long, int, unsigned int, void *);
static cl_error_t cav_inspect(int, const char *, const char **, size_t,
		    const char *, size_t, const char *, uint32_t, uint32_t,
		    void *);
static off_t	cav_pread(void *, void *, size_t, off_t);
static void	cav_options(struct cl_scan_options *);
static enum scanres_verdict cav_run(struct cav_scan *, cl_fmap_t *);
static enum scanres_verdict cav_verdict(struct cav_scan *, cl_error_t);
static void	cav_start(struct cav_scan *, const struct cav_engine *,
		    struct scanres *);

static void
cav_errf(struct cav_err *err, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err->s, sizeof err->s, fmt, ap);	/* may cut */
	va_end(ap);
}

/* libclamav's log: dropped, except that the first error during a scan
 * goes into that scan (context is the scan's, NULL outside scans) */
static void
cav_msg(enum cl_msg sev, const char *full, const char *msg, void *ctx)
{
	struct cav_scan	*s = ctx;
	size_t		 n;

	(void)full;
	if (s == NULL || sev != CL_MSG_ERROR || s->error[0] != '\0' ||
	    msg == NULL)
		return;
	scanres_copy(s->error, sizeof s->error, msg);
	n = strlen(s->error);
	while (n > 0 && (s->error[n - 1] == '\n' || s->error[n - 1] == '.'))
		s->error[--n] = '\0';
}

int
cav_init(struct cav_err *err)
{
	cl_error_t	 rc;

	cl_set_clcb_msg(cav_msg);
	if ((rc = cl_init(CL_INIT_DEFAULT)) != CL_SUCCESS) {
		cav_errf(err, "cl_init: %s", cl_strerror(rc));
		return -1;
	}
	return 0;
}

void
cav_limits_default(struct cav_limits *l)
{
	l->maxscansize = 100ULL << 20;
	l->maxfilesize = 100ULL << 20;
	l->maxrecursion = 17;
	l->maxfiles = 10000;
	l->maxscantime = 60000;
	l->pcrematch = 100000;
	l->pcrerecmatch = 2000;
	l->pcremaxfilesize = 100ULL << 20;
	l->nocache = 0;
}

static int
cav_limits_set(struct cl_engine *cl, const struct cav_limits *l,
    struct cav_err *err)
{
	static const struct {
		enum cl_engine_field	 f;
		const char		*name;
	} tab[] = {
		{ CL_ENGINE_MAX_SCANSIZE, "maxscansize" },
		{ CL_ENGINE_MAX_FILESIZE, "maxfilesize" },
		{ CL_ENGINE_MAX_RECURSION, "maxrecursion" },
		{ CL_ENGINE_MAX_FILES, "maxfiles" },
		{ CL_ENGINE_MAX_SCANTIME, "maxscantime" },
		{ CL_ENGINE_PCRE_MATCH_LIMIT, "pcrematch" },
		{ CL_ENGINE_PCRE_RECMATCH_LIMIT, "pcrerecmatch" },
		{ CL_ENGINE_PCRE_MAX_FILESIZE, "pcremaxfilesize" },
	};
	unsigned long long	 v[sizeof tab / sizeof tab[0]] = {
		l->maxscansize, l->maxfilesize, l->maxrecursion, l->maxfiles,
		l->maxscantime, l->pcrematch, l->pcrerecmatch,
		l->pcremaxfilesize,
	};
	size_t			 i;
	cl_error_t		 rc;

	for (i = 0; i < sizeof tab / sizeof tab[0]; i++) {
		if (v[i] == 0 || v[i] > (unsigned long long)INT64_MAX ||
		    (tab[i].f == CL_ENGINE_MAX_SCANTIME && v[i] > UINT32_MAX)) {
			cav_errf(err, "limit %s: %llu out of range",
			    tab[i].name, v[i]);
			return -1;
		}
		rc = cl_engine_set_num(cl, tab[i].f, (long long)v[i]);
		if (rc != CL_SUCCESS) {
			cav_errf(err, "limit %s: %s", tab[i].name,
			    cl_strerror(rc));
			return -1;
		}
	}
	return 0;
}

/* the database's version, time and size after compiling */
static int
cav_readback(struct cav_engine *e, struct cav_err *err)
{
	int		 e1 = CL_SUCCESS, e2 = CL_SUCCESS;
	long long	 v, t;
	int		 n;

	v = cl_engine_get_num(e->cl, CL_ENGINE_DB_VERSION, &e1);
	t = cl_engine_get_num(e->cl, CL_ENGINE_DB_TIME, &e2);
	if (e1 != CL_SUCCESS || e2 != CL_SUCCESS || v < 0 || v > UINT32_MAX) {
		cav_errf(err, "unable to read the database version");
		return -1;
	}
	e->dbversion = (unsigned int)v;
	e->dbtime = t;
	n = snprintf(e->db, sizeof e->db, "%u.%lld.%u", e->dbversion,
	    e->dbtime, e->sigs);
	if (n < 0 || (size_t)n >= sizeof e->db) {
		cav_errf(err, "database version too long");
		return -1;
	}
	return 0;
}

int
cav_engine_load(const char *dir, const struct cav_limits *l,
    struct cav_engine **out, struct cav_err *err)
{
	struct cav_engine	*e;
	cl_error_t		 rc;

	*out = NULL;
	if ((e = calloc(1, sizeof *e)) == NULL ||
	    (e->cl = cl_engine_new()) == NULL) {
		free(e);
		cav_errf(err, "cl_engine_new: out of memory");
		return -1;
	}
	e->maxfilesize = l->maxfilesize;
	if (cav_limits_set(e->cl, l, err) == -1)
		goto fail;
	if (l->nocache && (rc = cl_engine_set_num(e->cl,
	    CL_ENGINE_DISABLE_CACHE, 1)) != CL_SUCCESS) {
		cav_errf(err, "nocache: %s", cl_strerror(rc));
		goto fail;
	}
	if ((rc = cl_load(dir, e->cl, &e->sigs, CL_DB_STDOPT)) != CL_SUCCESS) {
		cav_errf(err, "cl_load %s: %s", dir, cl_strerror(rc));
		goto fail;
	}
	if (e->sigs == 0) {
		cav_errf(err, "cl_load %s: no signatures", dir);
		goto fail;
	}
	cl_engine_set_clcb_virus_found(e->cl, cav_found);
	cl_engine_set_clcb_meta(e->cl, cav_meta);
	cl_engine_set_clcb_file_inspection(e->cl, cav_inspect);
	if ((rc = cl_engine_compile(e->cl)) != CL_SUCCESS) {
		cav_errf(err, "cl_engine_compile %s: %s", dir, cl_strerror(rc));
		goto fail;
	}
	if (cav_readback(e, err) == -1)
		goto fail;
	*out = e;
	return 0;
fail:
	cav_engine_free(e);
	return -1;
}

void
cav_engine_info(const struct cav_engine *e, struct cav_info *i)
{
	i->engine = cl_retver();
	i->db = e->db;
	i->dbversion = e->dbversion;
	i->dbtime = e->dbtime;
	i->sigs = e->sigs;
}

int
cav_set_tmpdir(struct cav_engine *e, const char *dir)
{
	if (dir == NULL || *dir == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (cl_engine_set_str(e->cl, CL_ENGINE_TMPDIR, dir) != CL_SUCCESS) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
cav_engine_free(struct cav_engine *e)
{
	if (e == NULL)
		return;
	if (e->cl != NULL)
		(void)cl_engine_free(e->cl);
	free(e);
}

/* one name libclamav reported, except ours (cav_meta, cav_inspect
 * said why) */
static void
cav_addname(struct cav_scan *s, const char *name)
{
	if (strncmp(name, "Detected.By.Callback", 20) != 0)
		scanres_addname(s->r, name);
}

static void
cav_found(int fd, const char *name, void *ctx)
{
	(void)fd;
	if (ctx != NULL && name != NULL)
		cav_addname(ctx, name);
}

/* an archive member: sizes libclamav cannot handle, or encrypted.
 * CL_VIRUS ("Detected.By.Callback") keeps the container out of the
 * clean cache, so the next scan of the same bytes sees this again. */
static cl_error_t
cav_meta(const char *ctype, unsigned long csize, const char *name,
    unsigned long rsize, int encrypted, unsigned int pos, void *ctx)
{
	struct cav_scan	*s = ctx;

	(void)name;
	(void)pos;
	if (s == NULL)
		return CL_CLEAN;
	if (csize == CAV_ZIP64 || rsize == CAV_ZIP64)
		scanres_note(s->r, SCANRES_F_UNSCANNABLE, "zip64");
	else if (rsize > s->e->maxfilesize)
		scanres_note(s->r, SCANRES_F_UNSCANNABLE, "filesize");
	else if (encrypted)
		scanres_note(s->r, SCANRES_F_ENCRYPTED, ctype != NULL &&
		    strncmp(ctype, "CL_TYPE_", 8) == 0 ? ctype + 8 : "member");
	else
		return CL_CLEAN;
	return CL_VIRUS;
}

/* every layer, cached or not: count the top one (proof that libclamav
 * looked at all) and refuse RAR, which this build cannot open */
static cl_error_t
cav_inspect(int fd, const char *type, const char **ancestors, size_t psize,
    const char *name, size_t size, const char *fbuf, uint32_t level,
    uint32_t attrs, void *ctx)
{
	struct cav_scan	*s = ctx;

	(void)fd, (void)ancestors, (void)psize, (void)name, (void)size;
	(void)fbuf, (void)attrs;
	if (s == NULL)
		return CL_CLEAN;
	if (level == 0)
		s->toplayers++;
	if (type == NULL || strncmp(type, "CL_TYPE_RAR", 11) != 0)
		return CL_CLEAN;
	scanres_note(s->r, SCANRES_F_UNSCANNABLE, "rar");
	return CL_VIRUS;
}

/* the fmap of cav_scan_message(): SCANRES_MAILPREFIX, then the message */
static off_t
cav_pread(void *handle, void *buf, size_t count, off_t off)
{
	const struct cav_scan	*s = handle;
	size_t			 plen = sizeof SCANRES_MAILPREFIX - 1;
	size_t			 o, done = 0, n;

	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	o = (size_t)off;
	if (o < plen) {
		n = plen - o < count ? plen - o : count;
		memcpy(buf, SCANRES_MAILPREFIX + o, n);
		done = n;
		o += n;
	}
	if (done < count && o - plen < s->len) {
		n = s->len - (o - plen);
		if (n > count - done)
			n = count - done;
		memcpy((char *)buf + done, s->buf + (o - plen), n);
		done += n;
	}
	return (off_t)done;
}

static void
cav_options(struct cl_scan_options *o)
{
	memset(o, 0, sizeof *o);
	/* all matches: names for the log, and a real virus is named even
	 * where a limit was hit too; no heuristic precedence for the same
	 * reason: a limit must not stop the search for a signature */
	o->general = CL_SCAN_GENERAL_ALLMATCHES | CL_SCAN_GENERAL_HEURISTICS;
	o->parse = CL_SCAN_PARSE_ARCHIVE | CL_SCAN_PARSE_ELF |
	    CL_SCAN_PARSE_PDF | CL_SCAN_PARSE_SWF | CL_SCAN_PARSE_HWP3 |
	    CL_SCAN_PARSE_XMLDOCS | CL_SCAN_PARSE_MAIL | CL_SCAN_PARSE_OLE2 |
	    CL_SCAN_PARSE_HTML | CL_SCAN_PARSE_PE | CL_SCAN_PARSE_ONENOTE |
	    CL_SCAN_PARSE_IMAGE | CL_SCAN_PARSE_IMAGE_FUZZY_HASH;
	o->heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX |
	    CL_SCAN_HEURISTIC_ENCRYPTED_ARCHIVE |
	    CL_SCAN_HEURISTIC_ENCRYPTED_DOC;
}

static void
cav_start(struct cav_scan *s, const struct cav_engine *e,
    struct scanres *r)
{
	memset(s, 0, sizeof *s);
	scanres_start(r);
	s->e = e;
	s->r = r;
}

static enum scanres_verdict
cav_run(struct cav_scan *s, cl_fmap_t *map)
{
	struct cl_scan_options	 o;
	const char		*vir = NULL;
	unsigned long		 scanned = 0;
	cl_error_t		 rc;

	if (map == NULL)
		return scanres_fail(s->r,
		    "unable to map the data: out of memory");
	cav_options(&o);
	rc = cl_scanmap_callback(map, NULL, &vir, &scanned, s->e->cl, &o, s);
	cl_fmap_close(map);
	if (rc == CL_VIRUS && vir != NULL)
		cav_addname(s, vir);
	return cav_verdict(s, rc);
}

/* libclamav's answer and what the callbacks saw -> one verdict */
static enum scanres_verdict
cav_verdict(struct cav_scan *s, cl_error_t rc)
{
	struct scanres	*r = s->r;

	if (rc == CL_ETIMEOUT)
		scanres_note(r, SCANRES_F_LIMIT, "MaxScanTime");
	else if (rc != CL_CLEAN && rc != CL_VIRUS)
		return s->error[0] != '\0' ? scanres_fail(r, "%s: %s",
		    cl_strerror(rc), s->error) : scanres_fail(r, "%s",
		    cl_strerror(rc));
	if (rc == CL_VIRUS && r->flags == 0)	/* a name not heard of */
		scanres_note(r, SCANRES_F_VIRUS, "");
	if (scanres_settle(r) != SCANRES_CLEAN)
		return r->verdict;
	/* CLEAN is believed only if libclamav saw the data, without error */
	if (s->toplayers > 0 && s->error[0] == '\0')
		return SCANRES_CLEAN;
	return scanres_fail(r, "%s", s->error[0] != '\0' ? s->error :
	    "libclamav did not scan (temporary directory?)");
}

enum scanres_verdict
cav_scan_message(const struct cav_engine *e, const char *buf, size_t len,
    struct scanres *r)
{
	struct cav_scan	 s;

	cav_start(&s, e, r);
	s.buf = buf;
	s.len = len;
	if (len > SIZE_MAX - (sizeof SCANRES_MAILPREFIX - 1))
		return scanres_fail(r, "message too large");
	return cav_run(&s, cl_fmap_open_handle(&s, 0,
	    sizeof SCANRES_MAILPREFIX - 1 + len, cav_pread, 0));
}

enum scanres_verdict
cav_scan_leaf(const struct cav_engine *e, const char *buf, size_t len,
    struct scanres *r)
{
	struct cav_scan	 s;

	cav_start(&s, e, r);
	/* nothing to map, or less than libclamav looks at (it answers
	 * CLEAN for 5 bytes or fewer without inspecting them) */
	if (len <= CAV_TINY)
		return r->verdict = SCANRES_CLEAN;
	if (len >= 6 && memcmp(buf, "Rar!\x1a\x07", 6) == 0)
		scanres_note(s.r, SCANRES_F_UNSCANNABLE, "rar");	/* however typed */
	return cav_run(&s, cl_fmap_open_memory(buf, len));
}

static enum scanres_verdict
cav_message_fn(const void *e, const char *buf, size_t len, struct scanres *r)
{
	return cav_scan_message(e, buf, len, r);
}

static enum scanres_verdict
cav_leaf_fn(const void *e, const char *buf, size_t len, struct scanres *r)
{
	return cav_scan_leaf(e, buf, len, r);
}

void
cav_scanner(const struct cav_engine *e, struct scanner *sc)
{
	sc->st = e;
	sc->message = cav_message_fn;
	sc->leaf = cav_leaf_fn;
}
