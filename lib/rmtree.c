/* ISC license. */
/* rmtree.c: remove a directory tree; see rmtree.h. */
#include "sysdeps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "rmtree.h"

/* Empty the directory open as fd, then close it. */
static int
rmtree_fd(int fd, unsigned int depth)
{
	DIR		*d = fdopendir(fd);
	struct dirent	*e;
	int		 err = 0;

	if (d == NULL) {
		err = errno;
		(void)close(fd);
		errno = err;
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		int	 sub;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, e->d_name, 0) == 0)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			err = err != 0 ? err : errno;
			continue;
		}
		sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (sub == -1 || depth >= RMTREE_MAXDEPTH ||
		    rmtree_fd(sub, depth + 1) == -1 ||
		    unlinkat(fd, e->d_name, AT_REMOVEDIR) == -1) {
			if (sub != -1 && depth >= RMTREE_MAXDEPTH) {
				(void)close(sub);
				errno = ELOOP;
			}
			err = err != 0 ? err : errno;
		}
	}
	(void)closedir(d);
	errno = err;
	return err != 0 ? -1 : 0;
}

int
rmtree(const char *dir)
{
	int	 fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	if (rmtree_fd(fd, 0) == -1)
		return -1;
	return rmdir(dir);
}
