/* ISC license. */
/* afile.c: files and directories written atomically, with an owner. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "afile.h"
#include "sa.h"

static int
afile_fd(int fd, const char *data, size_t n, unsigned int mode, uid_t uid,
    gid_t gid)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, data, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += w;
		n -= (size_t)w;
	}
	if ((uid != AFILE_KEEP || gid != (gid_t)-1) &&
	    fchown(fd, uid, gid) == -1)
		return -1;
	if (fchmod(fd, (mode_t)mode) == -1 || fsync(fd) == -1)
		return -1;
	return 0;
}

int
afile_write(const char *fn, const char *data, size_t n, unsigned int mode,
    uid_t uid, gid_t gid)
{
	struct sa	 tmp = SA_ZERO;
	int		 fd, saved;

	if (sa_cats(&tmp, fn) == -1 || sa_cats(&tmp, ".tmp") == -1 ||
	    sa_0(&tmp) == -1)
		goto fail;
	(void)unlink(tmp.s);
	fd = open(tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		goto fail;
	if (afile_fd(fd, data, n, mode, uid, gid) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		goto unlink;
	}
	if (close(fd) == -1 || rename(tmp.s, fn) == -1)
		goto unlink;
	sa_free(&tmp);
	return 0;
unlink:
	saved = errno;
	(void)unlink(tmp.s);
	errno = saved;
fail:
	saved = errno;
	sa_free(&tmp);
	errno = saved;
	return -1;
}

int
afile_mkdir(const char *fn, unsigned int mode, uid_t uid, gid_t gid)
{
	struct stat	 st;

	if (mkdir(fn, 0700) == -1 && errno != EEXIST)
		return -1;
	if (lstat(fn, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if ((uid != AFILE_KEEP || gid != (gid_t)-1) &&
	    chown(fn, uid, gid) == -1)
		return -1;
	return chmod(fn, (mode_t)mode);
}

int
afile_mkparents(const char *fn)
{
	struct sa	 p = SA_ZERO;
	size_t		 i;
	int		 saved;

	if (sa_cats(&p, fn) == -1 || sa_0(&p) == -1)
		return -1;
	for (i = 1; i < p.len; i++) {
		if (p.s[i] != '/')
			continue;
		p.s[i] = '\0';
		if (mkdir(p.s, 0755) == -1 && errno != EEXIST) {
			saved = errno;
			sa_free(&p);
			errno = saved;
			return -1;
		}
		p.s[i] = '/';
	}
	sa_free(&p);
	return 0;
}
