/* ISC license. */
/* mwuser.c: create mailward's system users and groups. */
#include "sysdeps.h"

#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "mwuser.h"

/* A user's groups are made before a later user names them. */
const struct mwuser mwuser_table[] = {
	{ "mwrecv",	MWUSER_GROUP },
	{ "mwqueue",	MWUSER_GROUP ",mwrecv" },
	{ "mwscan",	MWUSER_GROUP ",mwrecv,mwqueue" },
	{ "mwstamp",	MWUSER_GROUP ",mwscan,mwqueue" },
	{ "mwdeliver",	MWUSER_GROUP ",mwrecv,mwqueue" },
	{ "mwrelay",	MWUSER_GROUP ",mwrecv,mwqueue,mwstamp" },
	{ "mwlog",	MWUSER_GROUP },
};
const size_t mwuser_count = sizeof mwuser_table / sizeof mwuser_table[0];

/* Run argv (the last argument names what it is about); 0 if it exited 0. */
static int
mwuser_run(const char **argv, size_t argc, struct sa *err)
{
	pid_t	 pid;
	int	 st;

	err->len = 0;
	if ((pid = fork()) == -1) {
		(void)sa_catf(err, "unable to fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execvp(argv[0], (char **)(uintptr_t)argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			(void)sa_catf(err, "unable to wait for %s: %s",
			    argv[0], strerror(errno));
			return -1;
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		(void)sa_catf(err, "%s %s: failed with status %d", argv[0],
		    argv[argc - 1], WIFEXITED(st) ? WEXITSTATUS(st) : 128);
		return -1;
	}
	return 0;
}

static int
mwuser_group(const char *g, struct sa *did, struct sa *err)
{
	const char	*argv[] = { "groupadd", "--system", g, NULL };

	if (getgrnam(g) != NULL)
		return 0;
	if (mwuser_run(argv, 3, err) == -1)
		return -1;
	return sa_catf(did, "created group %s\n", g);
}

static int
mwuser_member(const char *user, const char *g)
{
	struct group	*gr = getgrnam(g);
	char		**m;

	for (m = gr != NULL ? gr->gr_mem : NULL; m != NULL && *m; m++)
		if (strcmp(*m, user) == 0)
			return 1;
	return 0;
}

static int
mwuser_one(const struct mwuser *u, struct sa *did, struct sa *err)
{
	char		 g[64];
	const char	*add[] = { "useradd", "--system", "--no-create-home",
	    "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
	    "--gid", u->name, "--groups", u->groups, u->name, NULL };
	const char	*mod[] = { "usermod", "-a", "-G", g, u->name, NULL };
	const char	*p, *q;

	if (mwuser_group(u->name, did, err) == -1)
		return -1;
	if (getpwnam(u->name) == NULL) {
		if (mwuser_run(add, 12, err) == -1)
			return -1;
		return sa_catf(did, "created user %s groups=%s\n", u->name,
		    u->groups);
	}
	for (p = u->groups; *p != '\0'; p = *q != '\0' ? q + 1 : q) {
		q = p + strcspn(p, ",");
		if ((size_t)(q - p) >= sizeof g)
			continue;
		memcpy(g, p, (size_t)(q - p));
		g[q - p] = '\0';
		if (mwuser_member(u->name, g))
			continue;
		if (mwuser_run(mod, 5, err) == -1 ||
		    sa_catf(did, "added user %s to group %s\n", u->name, g) == -1)
			return -1;
	}
	return 0;
}

int
mwuser_ensure(struct sa *did, struct sa *err)
{
	size_t	 i;

	if (mwuser_group(MWUSER_GROUP, did, err) == -1)
		return -1;
	for (i = 0; i < mwuser_count; i++)
		if (mwuser_one(&mwuser_table[i], did, err) == -1)
			return -1;
	return 0;
}

int
mwuser_ids(const char *u, const char *g, uid_t *uid, gid_t *gid,
    struct sa *err)
{
	struct passwd	*pw;
	struct group	*gr;

	err->len = 0;
	if (u != NULL) {
		if ((pw = getpwnam(u)) == NULL) {
			(void)sa_catf(err, "no user %s", u);
			return -1;
		}
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (g != NULL) {
		if ((gr = getgrnam(g)) == NULL) {
			(void)sa_catf(err, "no group %s", g);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}
