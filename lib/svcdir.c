/* ISC license. */
/* svcdir.c: an s6 service directory with its logger; see svcdir.h. */
#include "sysdeps.h"

#include <sys/types.h>
#include <errno.h>
#include <string.h>

#include "afile.h"
#include "mwuser.h"
#include "sa.h"
#include "svcdir.h"

static int	svcdir_fail(struct sa *, const char *, const struct sa *);
static int	svcdir_valid(const struct svcdir *, struct sa *);
static int	svcdir_dirs(const struct svcdir *, struct sa *, struct sa *);
static int	svcdir_text(const struct svcdir *, int, struct sa *);
static int	svcdir_file(const struct svcdir *, int, struct sa *,
		    struct sa *, struct sa *);

int
svcdir_wordok(const char *s)
{
	if (*s == '\0' || strlen(s) > 1024)
		return 0;
	for (; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+,:@%=-",
		    *s) == NULL)
			return 0;
	return 1;
}

/* "unable to VERB PATH: reason" into err; keeps errno. */
static int
svcdir_fail(struct sa *err, const char *verb, const struct sa *fn)
{
	int	 e = errno;

	err->len = 0;
	(void)sa_catf(err, "unable to %s %.*s: %s", verb, (int)fn->len,
	    fn->s, strerror(e));
	errno = e;
	return -1;
}

static int
svcdir_valid(const struct svcdir *d, struct sa *err)
{
	if (svcdir_wordok(d->name) && strchr(d->name, '/') == NULL &&
	    svcdir_wordok(d->home) && d->home[0] == '/' &&
	    (d->user == NULL || svcdir_wordok(d->user)) &&
	    (d->loguser == NULL || svcdir_wordok(d->loguser)))
		return 0;
	err->len = 0;
	(void)sa_catf(err, "service %s: a name, home or user run scripts "
	    "cannot hold", d->name);
	errno = EINVAL;
	return -1;
}

/* service/, log/, service/NAME/, service/NAME/log/, log/NAME/ (owned) */
static int
svcdir_dirs(const struct svcdir *d, struct sa *fn, struct sa *err)
{
	static const struct {
		const char	*pre;
		int		 named;
		const char	*post;
	} dir[] = {
		{ "service", 0, "" }, { "log", 0, "" }, { "service/", 1, "" },
		{ "service/", 1, "/log" },
		{ "log/", 1, "" },		/* the last: owned by loguser */
	};
	uid_t	 uid = AFILE_KEEP;
	gid_t	 gid = (gid_t)-1;
	size_t	 i, last = sizeof dir / sizeof dir[0] - 1;

	if (d->loguser != NULL &&
	    mwuser_ids(d->loguser, NULL, &uid, &gid, err) == -1) {
		errno = ENOENT;
		return -1;
	}
	for (i = 0; i <= last; i++) {
		fn->len = 0;
		if (sa_cats(fn, dir[i].pre) == -1 || (dir[i].named &&
		    sa_cats(fn, d->name) == -1) || sa_cats(fn, dir[i].post) ==
		    -1 || sa_0(fn) == -1 || afile_mkdir(fn->s, i == last ?
		    0750 : 0755, i == last ? uid : AFILE_KEEP, i == last ?
		    gid : (gid_t)-1) == -1)
			return svcdir_fail(err, "make directory", fn);
	}
	return 0;
}

/* The text of service/NAME/run, or of service/NAME/log/run, into s. */
static int
svcdir_text(const struct svcdir *d, int log, struct sa *s)
{
	const char	*lu = d->loguser;
	int		 r;

	s->len = 0;
	if (log)
		return sa_catf(s, "#!/bin/sh\nexec %s%s%ss6-log t n20 s1000000 "
		    "%s/log/%s\n", lu ? "s6-setuidgid " : "", lu ? lu : "",
		    lu ? " " : "", d->home, d->name);
	r = sa_catf(s, "#!/bin/sh\n# mailward %s: service %s, written by "
	    "mailward-setup(1); rerun it to change this file\nexec 2>&1\n"
	    "cd %s || exit 111\nexec ", d->role, d->name, d->home);
	if (r == 0 && d->softlimit > 0)
		r = sa_catf(s, "s6-softlimit -m %lu \\\n    ", d->softlimit);
	if (r == 0 && d->user != NULL)
		r = sa_catf(s, "s6-setuidgid %s ", d->user);
	return r == 0 ? sa_catf(s, "%s\n", d->cmd) : -1;
}

/* service/NAME/run or service/NAME/log/run, mode 0755, atomically */
static int
svcdir_file(const struct svcdir *d, int log, struct sa *s, struct sa *fn,
    struct sa *err)
{
	fn->len = 0;
	if (sa_catf(fn, "service/%s/%srun", d->name, log ? "log/" : "") ==
	    -1 || sa_0(fn) == -1 || svcdir_text(d, log, s) == -1 ||
	    afile_write(fn->s, s->s, s->len, 0755, AFILE_KEEP, (gid_t)-1) == -1)
		return svcdir_fail(err, "write", fn);
	return 0;
}

int
svcdir_write(const struct svcdir *d, struct sa *err)
{
	struct sa	 s = SA_ZERO, fn = SA_ZERO;
	int		 r;

	if (svcdir_valid(d, err) == -1)
		return -1;
	r = svcdir_dirs(d, &fn, err);
	if (r == 0)
		r = svcdir_file(d, 0, &s, &fn, err);
	if (r == 0)
		r = svcdir_file(d, 1, &s, &fn, err);
	sa_free(&s);
	sa_free(&fn);
	return r;
}
