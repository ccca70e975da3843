/* ISC license. */
/* progdir.c: find the directory of helper programs; see progdir.h. */
#include "sysdeps.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progdir.h"
#include "sa.h"

static int	progdir_has(const char *, const char *);
static int	progdir_self(struct sa *, const char *, const char *);

/* 1 if dir/probe is executable */
static int
progdir_has(const char *dir, const char *probe)
{
	struct sa	 fn = SA_ZERO;
	int		 r;

	r = sa_catf(&fn, "%s/%s", dir, probe) == 0 && sa_0(&fn) == 0 &&
	    access(fn.s, X_OK) == 0;
	sa_free(&fn);
	return r;
}

/* dirname(/proc/self/exe)/rel into out, if it holds probe: 1, else 0 */
static int
progdir_self(struct sa *out, const char *rel, const char *probe)
{
	char	*slash;
	ssize_t	 n;

	out->len = 0;
	if (sa_ready(out, PATH_MAX) == -1)
		return -1;
	n = readlink("/proc/self/exe", out->s, PATH_MAX - 1);
	if (n <= 0)
		return 0;
	out->len = (size_t)n;
	if (sa_0(out) == -1)
		return -1;
	if ((slash = strrchr(out->s, '/')) == NULL)
		return 0;
	out->len = (size_t)(slash - out->s) + 1;
	if (sa_cats(out, rel) == -1 || sa_0(out) == -1)
		return -1;
	return progdir_has(out->s, probe);
}

int
progdir_find(struct sa *out, const char *opt, const char *rel,
    const char *dflt, const char *probe)
{
	struct sa	 try = SA_ZERO;
	char		*abs = NULL;
	int		 r = 0, e;

	if (opt == NULL)
		r = progdir_self(&try, rel, probe);
	if (r == 0)
		r = sa_copys(&try, opt != NULL ? opt : dflt);
	if (r != -1)
		r = sa_0(&try);
	if (r != -1 && (abs = realpath(try.s, NULL)) == NULL &&
	    (errno != ENOENT || opt != NULL))
		r = -1;
	if (r != -1)
		r = sa_copys(out, abs != NULL ? abs : try.s) == -1 ||
		    sa_0(out) == -1 ? -1 : progdir_has(out->s, probe);
	e = errno;
	if (r == -1 && try.s != NULL && sa_copyb(out, try.s, try.len) == 0)
		(void)sa_0(out);
	free(abs);
	sa_free(&try);
	errno = e;
	return r;
}
