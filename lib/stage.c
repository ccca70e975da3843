/* ISC license. */
/* stage.c: the scan stages' common part: control files, one message,
 * filter mode; see stage.h.  Daemon mode is in stagepool.c. */
#include "sysdeps.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bio.h"
#include "control.h"
#include "envelope.h"
#include "mime.h"
#include "mw_exit.h"
#include "rmtree.h"
#include "spool.h"
#include "stage.h"
#include "wpool.h"

/* the longest "viruses" value written: an envelope line is at most
 * ENVELOPE_MAXLINE bytes, and a longer one would fail every retry */
#define VIRUSES_MAX	(ENVELOPE_MAXLINE - 64)

void
stage_log(const struct stage *sg, enum mwlog_level level, const char *fmt,
    ...)
{
	char	 line[MWLOG_MAX];
	va_list	 ap;

	if (sg->eng->log == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof line, fmt, ap);	/* mwlog caps too */
	va_end(ap);
	sg->eng->log(sg->eng->ctx, level, line);
}

/* --- configuration ------------------------------------------------------- */

static int
stage_mode(struct stage *sg, struct sa *err)
{
	struct sa	 v = SA_ZERO;
	int		 r = control_readline("control/unscannable", &v, err);

	if (r == 1 && sa_eqs(&v, "quarantine"))
		sg->scan.unscannable_quarantine = 1;
	else if (r == 1 && !sa_eqs(&v, "remove")) {
		(void)sa_copys(err, "control/unscannable line 1: not remove "
		    "or quarantine");
		r = -1;
	}
	sa_free(&v);
	return r == -1 ? -1 : 0;
}

int
stage_config(struct stage *sg, struct sa *err)
{
	unsigned long	 depth, parts;
	struct qrunconf_num tab[] = {
		{ "databytes", 0, 1, 1UL << 30, 35UL << 20, &sg->databytes },
		{ "mimedepth", 0, 1, MIME_HARDDEPTH, MIME_MAXDEPTH, &depth },
		{ "mimeparts", 0, 1, 100000, MIME_MAXPARTS, &parts },
		{ "scanworkers", 0, 1, WPOOL_MAXWORKERS, 2, &sg->workers },
		{ "scanpermessages", 0, 0, 1000000, 100, &sg->permessages },
		{ "scantimeout", 0, 1, 86400, 180, &sg->timeout },
		{ "scanmaxcrash", 0, 1, 100, 3, &sg->maxcrash },
		{ "scanmaxfail", 0, 1, 1000, 10, &sg->maxfail },
	};

	scanmsg_conf_default(&sg->scan);
	if (qrunconf_read(&sg->q, err) == -1 ||
	    qrunconf_readtab(tab, sizeof tab / sizeof tab[0], NULL, err) == -1 ||
	    stage_mode(sg, err) == -1)
		return -1;
	sg->scan.maxdepth = (unsigned int)depth;
	sg->scan.maxparts = parts;
	if (sg->eng->config(sg->eng->ctx, sg->databytes, &sg->lim, err) == -1)
		return -1;
	sg->scan.maxdecode = sg->lim.maxdecode;
	if (sg->lim.maxinput < sg->databytes ||
	    sg->lim.maxdecode < sg->databytes) {
		err->len = 0;
		(void)sa_catf(err, "the %s engine's limits (%zu bytes whole, "
		    "%zu a part) are below control/databytes (%lu)",
		    sg->eng->name, sg->lim.maxinput, sg->lim.maxdecode,
		    sg->databytes);
		return -1;
	}
	return 0;
}

/* --- one message --------------------------------------------------------- */

/* Cut a list of names longer than VIRUSES_MAX after a whole name, and
 * say so with "...". */
static int
names_cut(struct sa *v)
{
	size_t	 n;

	if (v->len <= VIRUSES_MAX)
		return 0;
	for (n = VIRUSES_MAX - 4; n > 0 && v->s[n] != ','; n--)
		;
	v->len = n;
	return sa_cats(v, n > 0 ? ",..." : "...");
}

/* Record the stage's findings in the envelope; desc is "ENGINE/DB". */
static int
envelope_note(const struct stage *sg, struct envelope *e,
    const struct sa *desc, const struct scanmsg_result *res)
{
	struct sa	 v = SA_ZERO;
	const char	*old, *vn = scanmsg_verdictname(res->verdict);
	size_t		 n;
	int		 r = -1;

	old = envelope_get(e, "verdict", &n);
	if (res->verdict == SCANMSG_CLEAN && old != NULL && n == 7 &&
	    memcmp(old, "cleaned", 7) == 0)
		;	/* an earlier stage cut something: it stays cleaned */
	else if (envelope_set(e, "verdict", vn, strlen(vn)) == -1)
		goto out;
	if (res->viruses.len > 0) {
		if ((old = envelope_get(e, "viruses", &n)) != NULL &&
		    (sa_catb(&v, old, n) == -1 || sa_catc(&v, ',') == -1))
			goto out;
		if (sa_cat(&v, &res->viruses) == -1 || names_cut(&v) == -1 ||
		    envelope_set(e, "viruses", v.s, v.len) == -1)
			goto out;
		/* which stage found what: "clamav:A,B clamd:C" */
		v.len = 0;
		if ((old = envelope_get(e, "found", &n)) != NULL &&
		    (sa_catb(&v, old, n) == -1 || sa_catc(&v, ' ') == -1))
			goto out;
		if (sa_catf(&v, "%s:", sg->eng->name) == -1 ||
		    sa_cat(&v, &res->viruses) == -1 || names_cut(&v) == -1 ||
		    envelope_set(e, "found", v.s, v.len) == -1)
			goto out;
	}
	v.len = 0;
	if ((old = envelope_get(e, "scanned", &n)) != NULL &&
	    (sa_catb(&v, old, n) == -1 || sa_catc(&v, ' ') == -1))
		goto out;
	if (sa_cats(&v, sg->eng->name) == -1 || sa_catc(&v, '/') == -1 ||
	    sa_cat(&v, desc) == -1 ||
	    envelope_set(e, "scanned", v.s, v.len) == -1)
		goto out;
	if (res->verdict == SCANMSG_QUARANTINE &&
	    envelope_set(e, "quarantine", res->reason.s, res->reason.len) == -1)
		goto out;
	r = 0;
out:
	sa_free(&v);
	return r;
}

static void
logresult(const struct stage *sg, const char *id,
    const struct scanmsg_result *res, size_t bytes, struct timespec *t0)
{
	struct timespec	 t1;
	char		 vir[400], why[300];
	long long	 ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0->tv_sec) * 1000LL +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
	stage_log(sg, res->verdict == SCANMSG_TEMP ? MWLOG_WARN : MWLOG_INFO,
	    "%s verdict=%s viruses=%s removed=%zu scans=%zu bytes=%zu ms=%lld"
	    " reason=%s", id, scanmsg_verdictname(res->verdict),
	    mwlog_esc(vir, sizeof vir, res->viruses.s, res->viruses.len),
	    res->removed, res->scans, bytes, ms,
	    mwlog_esc(why, sizeof why, res->reason.s, res->reason.len));
}

int
stage_process(const struct stage *sg, const void *st, const char *id,
    const struct sa *buf, struct sa *out, int *bare)
{
	struct envelope		 e = ENVELOPE_ZERO;
	struct scanmsg_result	 res = SCANMSG_RESULT_ZERO;
	struct scanner		 sc;
	struct sa		 desc = SA_ZERO;
	struct timespec		 t0;
	const char		*msg = buf->s;
	size_t			 len = buf->len, hl = 0;
	int			 r, code;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	r = envelope_parse(&e, buf->s, buf->len, &hl);
	*bare = r == ENVELOPE_BARE;
	if (r != ENVELOPE_OK && !*bare) {
		stage_log(sg, MWLOG_WARN, "%s malformed %s", id,
		    envelope_strerror(r));
		envelope_free(&e);
		/* quarantined as it came: out must not be empty */
		out->len = 0;
		return r == ENVELOPE_NOMEM || sa_cat(out, buf) == -1 ?
		    MW_TEMP : MW_PERM;
	}
	if (!*bare) {
		if (sa_0(&e.id) == 0)
			id = e.id.s;
		msg += hl;
		len -= hl;
	}
	sg->eng->scanner(st, &sc);
	(void)scanmsg_run(&sc, &sg->scan, msg, len, id, &res);
	/* what scanned it, before the log line says what became of it */
	if (res.verdict != SCANMSG_TEMP && !*bare &&
	    sg->eng->describe(st, &desc) == -1) {
		res.verdict = SCANMSG_TEMP;
		res.reason.len = 0;
		(void)sa_cats(&res.reason, "the engine's version is unknown");
	}
	logresult(sg, id, &res, len, &t0);
	code = res.verdict == SCANMSG_TEMP ? MW_TEMP :
	    res.verdict == SCANMSG_QUARANTINE ? MW_PERM : MW_OK;
	out->len = 0;
	if (code != MW_TEMP && ((!*bare && (envelope_note(sg, &e, &desc, &res) ==
	    -1 || envelope_fmt(&e, out) == -1)) ||
	    (res.verdict == SCANMSG_CLEANED ? sa_cat(out, &res.out) :
	    sa_catb(out, msg, len)) == -1))
		code = MW_TEMP;
	envelope_free(&e);
	scanmsg_free(&res);
	sa_free(&desc);
	return code;
}

/* --- filter mode ------------------------------------------------------- */

/* A private directory under $TMPDIR for the engine's files, into *dir;
 * 0, or -1 with err. */
static int
stage_tmpdir(void *st, const struct stage *sg, struct sa *dir,
    struct sa *err)
{
	const char	*t = getenv("TMPDIR");

	if (sg->eng->worker_init == NULL)
		return 0;
	if (sa_catf(dir, "%s/scan-stage.XXXXXX", t != NULL && *t != '\0' ?
	    t : "/tmp") == -1 || sa_0(dir) == -1)
		return sa_copys(err, "out of memory"), -1;
	if (mkdtemp(dir->s) == NULL) {
		(void)sa_catf(err, "unable to create %s: %s", dir->s,
		    strerror(errno));
		dir->len = 0;
		return -1;
	}
	if (sg->eng->worker_init(sg->eng->ctx, st, dir->s) == -1) {
		(void)sa_catf(err, "unable to use %s: %s", dir->s,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
stage_filter(const struct stage *sg, int fdin, int fdout, struct sa *err)
{
	void		*st;
	struct sa	 in = SA_ZERO, out = SA_ZERO, dir = SA_ZERO;
	struct bio	 b;
	char		 buf[8192];
	int		 code = -1, bare;

	err->len = 0;
	if ((st = sg->eng->load(sg->eng->ctx, err)) == NULL) {
		if (err->len == 0)
			(void)sa_copys(err, "unable to load the engine");
		return -1;
	}
	if (stage_tmpdir(st, sg, &dir, err) == -1)
		goto out;
	if (spool_slurp(fdin, &in, sg->lim.maxinput + ENVELOPE_MAXBLOCK) ==
	    -1) {
		if (errno == EFBIG) {
			stage_log(sg, MWLOG_WARN, "- verdict=quarantined "
			    "reason=\"limit input over %zu bytes\"",
			    sg->lim.maxinput);
			code = MW_PERM;
		} else
			(void)sa_catf(err, "unable to read the input: %s",
			    strerror(errno));
		goto out;
	}
	code = stage_process(sg, st, "-", &in, &out, &bare);
	if (code == MW_OK) {
		bio_init(&b, fdout, bio_op_write, buf, sizeof buf);
		if (bio_put(&b, out.s, out.len) == -1 || bio_flush(&b) == -1) {
			(void)sa_catf(err, "unable to write the output: %s",
			    strerror(errno));
			code = -1;
		}
	}
out:
	sg->eng->unload(sg->eng->ctx, st);
	if (dir.len > 0 && rmtree(dir.s) == -1)
		stage_log(sg, MWLOG_WARN, "- unable to remove %s: %s", dir.s,
		    strerror(errno));
	sa_free(&in);
	sa_free(&out);
	sa_free(&dir);
	return code;
}

/* --- main ------------------------------------------------------------------ */

static int
stage_fatal(const struct stage_engine *eng, const char *what,
    const struct sa *err)
{
	char	 line[MWLOG_MAX];

	if (err != NULL && err->len > 0)
		(void)snprintf(line, sizeof line, "%s%s%.*s", what,
		    what[0] != '\0' ? ": " : "", (int)err->len, err->s);
	else
		(void)snprintf(line, sizeof line, "%s", what);
	eng->log(eng->ctx, MWLOG_FATAL, line);
	return MW_TEMP;
}

int
stage_main(struct stage_engine *eng, int argc, char **argv)
{
	struct stage	 sg;
	struct sa	 err = SA_ZERO;
	char		 opts[64];
	int		 c, daemon = 0, code;

	memset(&sg, 0, sizeof sg);
	sg.eng = eng;
	sg.in = "queue/scan";
	sg.out = "queue/stamp";
	sg.quar = "queue/quarantine";
	(void)snprintf(opts, sizeof opts, "%sDi:o:q:h", eng->opts);
	while ((c = getopt(argc, argv, opts)) != -1)
		switch (c) {
		case 'D': daemon = 1; break;
		case 'i': sg.in = optarg; break;
		case 'o': sg.out = optarg; break;
		case 'q': sg.quar = optarg; break;
		case 'h':
		case '?':
			return stage_fatal(eng, eng->usage, NULL);
		default:
			if (eng->option(eng->ctx, c, optarg) == -1)
				return stage_fatal(eng, eng->usage, NULL);
		}
	if (optind != argc)
		return stage_fatal(eng, eng->usage, NULL);
	if (geteuid() == 0)
		return stage_fatal(eng, "refusing to run as root", NULL);
	if (stage_config(&sg, &err) == -1)
		code = stage_fatal(eng, "", &err);
	else if (!daemon) {
		if ((code = stage_filter(&sg, 0, 1, &err)) == -1)
			code = stage_fatal(eng, "", &err);
	} else {
		if (eng->daemon_init != NULL)
			eng->daemon_init(eng->ctx, eng);
		code = stage_daemon(&sg, &err) == -1 ?
		    stage_fatal(eng, "unable to run", &err) : MW_OK;
	}
	sa_free(&err);
	return code;
}
