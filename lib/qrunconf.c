/* ISC license. */
/* qrunconf.c: the control files of a qrun daemon; see qrunconf.h. */
#include "sysdeps.h"

#include <errno.h>
#include <string.h>

#include "control.h"
#include "qrun.h"
#include "qrunconf.h"
#include "sa.h"

int
qrunconf_readtab(const struct qrunconf_num *t, size_t n, const char *suffix,
    struct sa *err)
{
	struct sa	 fn = SA_ZERO;
	size_t		 i;
	int		 r = 0, e;

	for (i = 0; i < n && r == 0; i++) {
		if (t[i].instance && suffix == NULL) {
			(void)sa_copys(err, "control files: no instance name");
			errno = EINVAL;
			r = -1;
			break;
		}
		fn.len = 0;
		if (sa_cats(&fn, "control/") == -1 ||
		    sa_cats(&fn, t[i].name) == -1 || (t[i].instance &&
		    (sa_catc(&fn, '-') == -1 || sa_cats(&fn, suffix) == -1)) ||
		    sa_0(&fn) == -1) {
			(void)sa_copys(err, "out of memory");
			errno = ENOMEM;
			r = -1;
		} else if (control_readuint(fn.s, t[i].min, t[i].max,
		    t[i].dflt, t[i].val, err) == -1)
			r = -1;
	}
	e = errno;
	sa_free(&fn);
	errno = e;
	return r;
}

int
qrunconf_read(struct qrunconf *c, struct sa *err)
{
	const struct qrunconf_num shared[] = {
		{ "queuelifetime",	0, 0, 31536000,	432000,	&c->lifetime },
		{ "retrybase",		0, 1, 86400,	60,	&c->retrybase },
		{ "retrymax",		0, 1, 604800,	3600,	&c->retrymax },
		{ "rescan",		0, 1, 86400,	60,	&c->rescan },
	};

	if (qrunconf_readtab(shared, sizeof shared / sizeof shared[0], NULL,
	    err) == -1)
		return -1;
	if (c->retrymax < c->retrybase) {
		if (sa_copys(err, "control/retrymax line 1: less than "
		    "control/retrybase") != -1)
			errno = EINVAL;
		return -1;
	}
	return 0;
}

void
qrunconf_apply(const struct qrunconf *c, struct qrun *q)
{
	q->concurrency = (unsigned int)c->concurrency;
	q->timeout = (unsigned int)c->timeout;
	q->rescan = (unsigned int)c->rescan;
	q->retrybase = (unsigned int)c->retrybase;
	q->retrymax = (unsigned int)c->retrymax;
}

int
qrunconf_expired(const struct qrunconf *c, unsigned long long birth,
    unsigned long long now)
{
	return now >= birth && now - birth >= c->lifetime;
}
