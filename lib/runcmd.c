/* ISC license. */
/* runcmd.c: run a command with a deadline, its output capped; see
 * runcmd.h. */
#include "sysdeps.h"

#include <sys/types.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qwatch.h"
#include "runcmd.h"

#define RUNCMD_CHUNK	4096
#define RUNCMD_NAPMAX	64		/* ms between looks at an exit */

static void	runcmd_child(char *const *, int, pid_t) MW_NORETURN;

const char *
runcmd_outcomename(enum runcmd_outcome o)
{
	switch (o) {
	case RUNCMD_EXITED:	return "exited";
	case RUNCMD_SIGNALED:	return "signaled";
	case RUNCMD_TIMEOUT:	return "timeout";
	case RUNCMD_TOOMUCH:	return "toomuch";
	case RUNCMD_ERROR:	break;
	}
	return "error";
}

/* the child's last words, on what will be the command's output */
static void MW_NORETURN
runcmd_die(const char *what, const char *name, int e)
{
	const char	*s = strerror(e);

	(void)!write(1, "runcmd: unable to ", 18);
	(void)!write(1, what, strlen(what));
	(void)!write(1, name, strlen(name));
	(void)!write(1, ": ", 2);
	(void)!write(1, s, strlen(s));
	(void)!write(1, "\n", 1);
	_exit(e == ENOENT ? RUNCMD_EXECFAIL : RUNCMD_NOEXEC);
}

static void
runcmd_child(char *const *argv, int wfd, pid_t parent)
{
	static const int	 sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE,
	    SIGTERM, SIGALRM, SIGCHLD, SIGUSR1, SIGUSR2, SIGTSTP, SIGTTIN,
	    SIGTTOU };
	sigset_t		 none;
	size_t			 i;
	int			 fd;

	(void)setpgid(0, 0);
#ifdef __linux__
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(RUNCMD_EXECFAIL);	/* the caller is gone already */
#else
	(void)parent;
#endif
	if (dup2(wfd, 1) == -1 || dup2(wfd, 2) == -1)
		_exit(RUNCMD_EXECFAIL);
	if ((fd = open("/dev/null", O_RDONLY)) == -1)
		runcmd_die("open ", "/dev/null", errno);
	if (fd != 0 && (dup2(fd, 0) == -1 || close(fd) == -1))
		runcmd_die("open ", "/dev/null", errno);
	closefrom(3);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		(void)signal(sigs[i], SIG_DFL);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	runcmd_die("exec ", argv[0], errno);
}

/* Kill the child's group, then reap the child.  The child is not
 * reaped before the kill: its pid names the group until then. */
static int
runcmd_reap(pid_t pid, int *status)
{
	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);	/* before its setpgid() */
	while (waitpid(pid, status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* Kill, reap, and answer o (RUNCMD_ERROR keeps the errno it came with). */
static enum runcmd_outcome
runcmd_abort(pid_t pid, enum runcmd_outcome o)
{
	int	 e = errno, st;

	(void)runcmd_reap(pid, &st);
	errno = e;
	return o;
}

/* Read the pipe into out until end of file: RUNCMD_EXITED for "done",
 * or the outcome that ends the run. */
static enum runcmd_outcome
runcmd_read(int rfd, unsigned long long due, size_t maxout, struct sa *out)
{
	struct pollfd	 p;
	char		 buf[RUNCMD_CHUNK];
	ssize_t		 n;
	size_t		 room;
	int		 r;

	p.fd = rfd;
	p.events = POLLIN;
	for (;;) {
		r = poll(&p, 1, qwatch_ms(due, qwatch_now()));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return RUNCMD_ERROR;
		if (r == 0)
			return RUNCMD_TIMEOUT;
		if ((n = read(rfd, buf, sizeof buf)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return RUNCMD_ERROR;
		}
		if (n == 0)
			return RUNCMD_EXITED;
		room = maxout - out->len;
		if (sa_catb(out, buf, (size_t)n < room ? (size_t)n : room) ==
		    -1)
			return RUNCMD_ERROR;
		if ((size_t)n > room)
			return RUNCMD_TOOMUCH;
	}
}

/* After end of file: wait for the child's exit (not reaping it) until
 * due.  0 exited, 1 the deadline, -1 error. */
static int
runcmd_waitexit(pid_t pid, unsigned long long due)
{
	struct timespec	 nap;
	siginfo_t	 si;
	unsigned int	 ms = 1;
	unsigned long long now;

	for (;;) {
		memset(&si, 0, sizeof si);
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG |
		    WNOWAIT) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (si.si_pid == pid)
			return 0;
		if ((now = qwatch_now()) >= due)
			return 1;
		if (ms > due - now)
			ms = (unsigned int)(due - now);
		nap.tv_sec = 0;
		nap.tv_nsec = (long)ms * 1000000L;
		(void)nanosleep(&nap, NULL);
		if (ms < RUNCMD_NAPMAX)
			ms *= 2;
	}
}

static int
runcmd_pipe(int fd[2])
{
	int	 i;

	if (pipe(fd) == -1)
		return -1;
	for (i = 0; i < 2; i++)
		if (fcntl(fd[i], F_SETFD, FD_CLOEXEC) == -1) {
			int	 e = errno;

			(void)close(fd[0]);
			(void)close(fd[1]);
			errno = e;
			return -1;
		}
	return 0;
}

enum runcmd_outcome
runcmd_run(char *const *argv, unsigned int ms, size_t maxout,
    struct sa *out, int *code)
{
	unsigned long long	 due = qwatch_now() + ms;
	enum runcmd_outcome	 o;
	pid_t			 pid, self = getpid();
	int			 fd[2], st, e;

	out->len = 0;
	*code = 0;
	if (argv[0] == NULL || ms == 0) {
		errno = EINVAL;
		return RUNCMD_ERROR;
	}
	if (runcmd_pipe(fd) == -1)
		return RUNCMD_ERROR;
	if ((pid = fork()) == -1) {
		e = errno;
		(void)close(fd[0]);
		(void)close(fd[1]);
		errno = e;
		return RUNCMD_ERROR;
	}
	if (pid == 0) {
		(void)close(fd[0]);
		runcmd_child(argv, fd[1], self);
	}
	(void)setpgid(pid, pid);	/* whichever of the two runs first */
	(void)close(fd[1]);
	o = runcmd_read(fd[0], due, maxout, out);
	e = errno;
	(void)close(fd[0]);
	errno = e;
	if (o != RUNCMD_EXITED)
		return runcmd_abort(pid, o);
	switch (runcmd_waitexit(pid, due)) {
	case -1:
		return runcmd_abort(pid, RUNCMD_ERROR);
	case 1:
		return runcmd_abort(pid, RUNCMD_TIMEOUT);
	}
	if (runcmd_reap(pid, &st) == -1)
		return RUNCMD_ERROR;
	if (WIFSIGNALED(st)) {
		*code = WTERMSIG(st);
		return RUNCMD_SIGNALED;
	}
	*code = WEXITSTATUS(st);
	return RUNCMD_EXITED;
}
