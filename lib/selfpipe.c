/* ISC license. */
/* selfpipe.c: signals as bytes on a pipe; see selfpipe.h. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "selfpipe.h"

static int			selfpipe_sigs[SELFPIPE_MAX];
static struct sigaction		selfpipe_old[SELFPIPE_MAX];
static volatile sig_atomic_t	selfpipe_flag[SELFPIPE_MAX];
static size_t			selfpipe_n;	/* signals in the list */
static size_t			selfpipe_ninst;	/* handlers installed */
static int			selfpipe_fd[2] = { -1, -1 };
static pid_t			selfpipe_pid;

static void
selfpipe_onsig(int sig)
{
	int		 e = errno;
	unsigned char	 c = (unsigned char)sig;
	size_t		 i;

	if (getpid() != selfpipe_pid) {
		(void)signal(sig, SIG_DFL);
		(void)raise(sig);
		errno = e;
		return;
	}
	for (i = 0; i < selfpipe_n; i++)
		if (selfpipe_sigs[i] == sig)
			selfpipe_flag[i] = 1;
	if (selfpipe_fd[1] != -1)
		(void)!write(selfpipe_fd[1], &c, 1);
	errno = e;
}

/* pipe2() is a GNU extension; one thread, so set the flags after. */
static int
selfpipe_pipe(void)
{
	int	 i;

	if (pipe(selfpipe_fd) == -1)
		return -1;
	for (i = 0; i < 2; i++)
		if (fcntl(selfpipe_fd[i], F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(selfpipe_fd[i], F_SETFL, O_NONBLOCK) == -1)
			return -1;
	return 0;
}

int
selfpipe_open(const int *sigs, size_t n)
{
	struct sigaction	 sa;
	int			 e;

	if (n > SELFPIPE_MAX || selfpipe_fd[0] != -1) {
		errno = EINVAL;
		return -1;
	}
	if (selfpipe_pipe() == -1)
		goto fail;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = selfpipe_onsig;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	(void)sigemptyset(&sa.sa_mask);
	selfpipe_pid = getpid();
	for (selfpipe_n = 0; selfpipe_n < n; selfpipe_n++) {
		selfpipe_sigs[selfpipe_n] = sigs[selfpipe_n];
		selfpipe_flag[selfpipe_n] = 0;
	}
	for (selfpipe_ninst = 0; selfpipe_ninst < n; selfpipe_ninst++)
		if (sigaction(sigs[selfpipe_ninst], &sa,
		    &selfpipe_old[selfpipe_ninst]) == -1)
			goto fail;
	return selfpipe_fd[0];
fail:
	e = errno;
	selfpipe_close();
	errno = e;
	return -1;
}

void
selfpipe_drain(void)
{
	char	 buf[64];

	if (selfpipe_fd[0] != -1)
		while (read(selfpipe_fd[0], buf, sizeof buf) > 0)
			;
}

int
selfpipe_seen(int sig)
{
	size_t	 i;

	for (i = 0; i < selfpipe_n; i++)
		if (selfpipe_sigs[i] == sig && selfpipe_flag[i]) {
			selfpipe_flag[i] = 0;
			return 1;
		}
	return 0;
}

void
selfpipe_close(void)
{
	int	 i;

	while (selfpipe_ninst > 0) {
		selfpipe_ninst--;
		(void)sigaction(selfpipe_sigs[selfpipe_ninst],
		    &selfpipe_old[selfpipe_ninst], NULL);
	}
	selfpipe_n = 0;
	for (i = 0; i < 2; i++) {
		if (selfpipe_fd[i] != -1)
			(void)close(selfpipe_fd[i]);
		selfpipe_fd[i] = -1;
	}
}
