/* ISC license. */
/* cav.h: a thin wrapper over libclamav (1.4); cav.c is the only file in
 * mailward that includes clamav.h.
 *
 * cav_init() once per process, then cav_engine_load() reads every
 * database in a directory (CL_DB_STDOPT), sets every limit, compiles,
 * and returns an engine to share (copy-on-write) with forked workers;
 * each worker gives it its own temporary directory (cav_set_tmpdir).
 * Two scans, all parsers on, all matches collected, heuristics for
 * limits and encryption on (without heuristic precedence, so a limit
 * does not hide a signature found elsewhere):
 *	cav_scan_message()	a whole message, always typed as mail by
 *				libclamav: a "Received: from mailward" line
 *				is served in front of it (a pread callback,
 *				no copy);
 *	cav_scan_leaf()		one decoded MIME part, from memory.
 * Both fail closed: SCANRES_CLEAN only when libclamav looked at the data,
 * found nothing, hit no limit, met nothing it cannot open, and logged no
 * error.  The holes where libclamav 1.4.6 itself answers CLEAN are closed
 * here and give SCANRES_UNSCANNABLE or SCANRES_ERROR: RAR (no unrar in Debian's
 * build), ZIP64 entries (sizes 0xFFFFFFFF), archive members over
 * maxfilesize (libclamav scans their first maxfilesize bytes only), an
 * unusable temporary directory.  The callbacks that see these answer
 * libclamav "virus", so the container never enters its clean cache.
 *
 * Not closed here: libclamav's quoted-printable decoder adds a newline
 * to every decoded part, so a whole-message scan can miss a QP-encoded
 * binary (hash signatures, some unpackers); cav_scan_leaf() on the
 * caller's own decoding does not.
 *
 * No global state here: libclamav's message callback (set by cav_init)
 * drops libclamav's log lines and keeps the first error of a scan in that
 * scan's context.  lib/ never prints. */
#ifndef MW_CAV_H
#define MW_CAV_H

#include <stddef.h>

#include "scanres.h"

#define CAV_ERRSZ	256
#define CAV_TINY	5	/* leaves this small are CLEAN unscanned:
				 * libclamav 1.4 ignores them too */

/* libclamav's limits; every limit must be non-zero (0 would mean "no
 * limit" to libclamav).  cav_limits_default() fills libclamav 1.4's own
 * defaults except scansize (100 MiB) and scantime (60 s), and leaves
 * libclamav's clean-file cache on (nocache 0). */
struct cav_limits {
	unsigned long long	 maxscansize;	/* bytes read from one scan */
	unsigned long long	 maxfilesize;	/* bytes of a file or member */
	unsigned int		 maxrecursion;	/* nesting of containers */
	unsigned int		 maxfiles;	/* members of one scan */
	unsigned int		 maxscantime;	/* milliseconds */
	unsigned long long	 pcrematch;	/* PCRE match limit */
	unsigned long long	 pcrerecmatch;	/* PCRE recursion limit */
	unsigned long long	 pcremaxfilesize; /* bytes for PCRE */
	int			 nocache;	/* 1: no clean-file cache
						 * (benchmarks); default 0 */
};

struct cav_err {
	char	 s[CAV_ERRSZ];		/* "cl_load DIR: reason" */
};

/* engine and database versions, for logs and the "scanned" key:
 * engine "1.4.6"; db "DBVERSION.DBTIME.SIGS" (decimal; 0.0.N for
 * databases without a .cvd header) */
struct cav_info {
	const char		*engine;
	const char		*db;
	unsigned int		 dbversion;
	long long		 dbtime;
	unsigned int		 sigs;
};

struct cav_engine;

int	cav_init(struct cav_err *);			/* 0 or -1 */
void	cav_limits_default(struct cav_limits *);
/* 0 and *e = a compiled engine; -1 and err on any failure */
int	cav_engine_load(const char *, const struct cav_limits *,
	    struct cav_engine **, struct cav_err *);
void	cav_engine_info(const struct cav_engine *, struct cav_info *);
/* libclamav's temporary directory for this engine (a worker's own);
 * 0, or -1 with errno */
int	cav_set_tmpdir(struct cav_engine *, const char *);
/* in the process that loaded it; a forked worker _exit()s instead (a
 * free there copies every page of the engine) */
void	cav_engine_free(struct cav_engine *);

/* Scan len bytes at buf; the verdict, also in r->verdict.  The engine
 * is not changed (callbacks see only this scan's context), so forked
 * workers share it. */
enum scanres_verdict cav_scan_message(const struct cav_engine *, const char *,
	    size_t, struct scanres *);
enum scanres_verdict cav_scan_leaf(const struct cav_engine *, const char *,
	    size_t, struct scanres *);
/* The engine as a scanner (scanres.h) for lib/scanmsg. */
void	cav_scanner(const struct cav_engine *, struct scanner *);


#endif
