/* ISC license. */
/* ratelim.c: per-key event counts in files; see ratelim.h. */
#include "sysdeps.h"

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratelim.h"
#include "sa.h"

static uint64_t
ratelim_hash(const char *key)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* "START COUNT\n" -> 0, or -1 if malformed */
static int
ratelim_parse(const char *b, unsigned long long *start, unsigned long *count)
{
	char	*end;

	errno = 0;
	*start = strtoull(b, &end, 10);
	if (errno != 0 || end == b || *end != ' ')
		return -1;
	b = end + 1;
	*count = strtoul(b, &end, 10);
	if (errno != 0 || end == b || *end != '\n')
		return -1;
	return 0;
}

int
ratelim_take(const char *dir, const char *key, unsigned long n,
    unsigned long w, unsigned long long now)
{
	struct sa		 fn = SA_ZERO;
	unsigned long long	 start = now;
	unsigned long		 count = 0;
	char			 buf[64];
	ssize_t			 got;
	int			 fd = -1, r = -1, len, saved;

	if (sa_catf(&fn, "%s/%016llx", dir,
	    (unsigned long long)ratelim_hash(key)) == -1 || sa_0(&fn) == -1)
		goto out;
	if ((fd = open(fn.s, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1 ||
	    flock(fd, LOCK_EX) == -1)
		goto out;
	if ((got = pread(fd, buf, sizeof buf - 1, 0)) == -1)
		goto out;
	buf[got] = '\0';
	if (ratelim_parse(buf, &start, &count) == -1 || start > now ||
	    now - start >= w) {
		start = now;
		count = 0;
	}
	if (count >= n) {
		r = 0;
		goto out;
	}
	len = snprintf(buf, sizeof buf, "%llu %lu\n", start, count + 1);
	if (len < 0 || ftruncate(fd, 0) == -1 ||
	    pwrite(fd, buf, (size_t)len, 0) != len)
		goto out;
	r = 1;
out:
	saved = errno;
	if (fd != -1)
		(void)close(fd);	/* and the lock */
	sa_free(&fn);
	errno = saved;
	return r;
}
