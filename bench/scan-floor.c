/* ISC license. */
/* scan-floor: the floor of the scan stage's cost, libclamav alone.
 *
 *	scan-floor [-C] [-n N] [-t SECONDS] [-T TMPDIR] [-e FILE] DBDIR FILE...
 *
 * Loads DBDIR once (lib/cav, the scan stage's limits), then scans each
 * FILE (a spool file or a bare message; the envelope block is skipped)
 * up to N times (default 100), or until SECONDS (default none) have
 * passed for that file, with cav_scan_message(): the presentation
 * scan-stage-clamav uses for the whole-message scan, the one scan a
 * clean message costs.  libclamav's clean-file cache is off unless -C,
 * or a repeated message would cost only its md5.  -T sets libclamav's
 * temporary directory (as a worker's); -e FILE must come out VIRUS
 * (checked once, untimed: the database works).  One line per result:
 *
 *	load ms=MS sigs=N db=DB engine=VER rss_kb=KB hwm_kb=KB
 *	check file=F verdict=V names=NAMES
 *	scan file=F bytes=B n=N s=SECONDS per_s=MSGS mb_s=MB verdict=V
 *
 * A benchmark tool (bench/scan.sh), not a test; never installed. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cav.h"
#include "envelope.h"
#include "mw_exit.h"
#include "sa.h"
#include "spool.h"

#define USAGE	"usage: scan-floor [-C] [-n N] [-t SECONDS] [-T TMPDIR] " \
		"[-e FILE] DBDIR FILE..."
#define MAXMSG	(200UL << 20)

struct opts {
	unsigned long	 n;
	double		 secs;
	int		 cache;
	const char	*tmpdir;
	const char	*check;
};

static void	die(const char *, const char *) MW_NORETURN;
static void	die_usage(void) MW_NORETURN;
static double	now(void);
static long	status_kb(const char *);
static void	slurp(const char *, struct sa *, size_t *);
static struct cav_engine *load(const char *, const struct opts *);
static void	check(const struct cav_engine *, const char *);
static void	bench(const struct cav_engine *, const char *,
		    const struct opts *);
static unsigned long num(const char *);

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "scan-floor: fatal: %s%s%s\n", what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	exit(MW_TEMP);
}

static void
die_usage(void)
{
	die(USAGE, NULL);
}

static double
now(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* a "Key:   N kB" line of /proc/self/status, or -1 */
static long
status_kb(const char *key)
{
	FILE	*f = fopen("/proc/self/status", "re");
	char	 line[256];
	size_t	 n = strlen(key);
	long	 kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			kb = strtol(line + n + 1, NULL, 10);
			break;
		}
	(void)fclose(f);
	return kb;
}

/* fn's message: all of it, *off past an envelope block if any */
static void
slurp(const char *fn, struct sa *buf, size_t *off)
{
	struct envelope	 e = ENVELOPE_ZERO;
	int		 fd, r;

	*off = 0;
	if ((fd = open(fn, O_RDONLY | O_CLOEXEC)) == -1 ||
	    spool_slurp(fd, buf, MAXMSG) == -1)
		die(fn, strerror(errno));
	(void)close(fd);
	r = envelope_parse(&e, buf->s, buf->len, off);
	if (r == ENVELOPE_BARE)
		*off = 0;
	else if (r != ENVELOPE_OK)
		die(fn, envelope_strerror(r));
	envelope_free(&e);
}

static struct cav_engine *
load(const char *dir, const struct opts *o)
{
	struct cav_engine	*eng;
	struct cav_limits	 l;
	struct cav_info		 info;
	struct cav_err		 err;
	double			 t0;

	if (cav_init(&err) == -1)
		die("unable to initialise libclamav", err.s);
	cav_limits_default(&l);
	l.nocache = !o->cache;
	t0 = now();
	if (cav_engine_load(dir, &l, &eng, &err) == -1)
		die("unable to load the databases", err.s);
	cav_engine_info(eng, &info);
	printf("load ms=%.0f sigs=%u db=%s engine=%s rss_kb=%ld hwm_kb=%ld\n",
	    (now() - t0) * 1000, info.sigs, info.db, info.engine,
	    status_kb("VmRSS"), status_kb("VmHWM"));
	if (o->tmpdir != NULL && cav_set_tmpdir(eng, o->tmpdir) == -1)
		die("unable to set the temporary directory", strerror(errno));
	return eng;
}

static void
check(const struct cav_engine *eng, const char *fn)
{
	struct sa		 buf = SA_ZERO;
	struct scanres	 r;
	size_t			 off;

	slurp(fn, &buf, &off);
	(void)cav_scan_message(eng, buf.s + off, buf.len - off, &r);
	printf("check file=%s verdict=%s names=%s\n", fn,
	    scanres_name(r.verdict), r.nnames > 0 ? r.names : "-");
	if (r.verdict != SCANRES_VIRUS)
		die("the database did not detect", fn);
	sa_free(&buf);
}

static void
bench(const struct cav_engine *eng, const char *fn, const struct opts *o)
{
	struct sa		 buf = SA_ZERO;
	struct scanres	 r;
	enum scanres_verdict	 v = SCANRES_CLEAN;
	unsigned long		 i;
	size_t			 off;
	double			 t0, dt;

	slurp(fn, &buf, &off);
	t0 = now();
	for (i = 0; i < o->n; i++) {
		if (cav_scan_message(eng, buf.s + off, buf.len - off, &r) !=
		    SCANRES_CLEAN)
			v = r.verdict;
		if (o->secs > 0 && now() - t0 >= o->secs) {
			i++;
			break;
		}
	}
	dt = now() - t0;
	printf("scan file=%s bytes=%zu n=%lu s=%.3f per_s=%.2f mb_s=%.2f "
	    "verdict=%s\n", fn, buf.len - off, i, dt, (double)i / dt,
	    (double)(buf.len - off) * (double)i / dt / 1e6,
	    scanres_name(v));
	(void)fflush(stdout);
	sa_free(&buf);
}

static unsigned long
num(const char *s)
{
	char		*end;
	unsigned long	 u;

	errno = 0;
	u = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || u == 0)
		die_usage();
	return u;
}

int
main(int argc, char **argv)
{
	struct opts		 o = { 100, 0, 0, NULL, NULL };
	struct cav_engine	*eng;
	int			 c;

	while ((c = getopt(argc, argv, "Cn:t:T:e:")) != -1)
		switch (c) {
		case 'C': o.cache = 1; break;
		case 'n': o.n = num(optarg); break;
		case 't': o.secs = (double)num(optarg); break;
		case 'T': o.tmpdir = optarg; break;
		case 'e': o.check = optarg; break;
		default: die_usage();
		}
	if (argc - optind < 1)
		die_usage();
	eng = load(argv[optind++], &o);
	if (o.check != NULL)
		check(eng, o.check);
	for (; optind < argc; optind++)
		bench(eng, argv[optind], &o);
	cav_engine_free(eng);
	return 0;
}
