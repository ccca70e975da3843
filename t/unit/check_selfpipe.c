/* ISC license. */
/* check_selfpipe.c: signals noted and written into the pipe, the old
 * handlers put back, a forked child still killable. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "selfpipe.h"
#include "unit.h"

static const int sigs[] = { SIGHUP, SIGUSR1, SIGTERM };

static int
readable(int fd)
{
	struct pollfd	 p;

	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

START_TEST(signals_noted)
{
	struct sigaction	 sa;
	int			 fd;

	ck_assert_int_ne(fd = selfpipe_open(sigs, 3), -1);
	ck_assert_int_eq(readable(fd), 0);
	ck_assert_int_eq(selfpipe_seen(SIGHUP), 0);
	ck_assert_int_eq(raise(SIGHUP), 0);	/* would kill without us */
	ck_assert_int_eq(raise(SIGUSR1), 0);
	ck_assert_int_eq(readable(fd), 1);
	ck_assert_int_eq(selfpipe_seen(SIGHUP), 1);
	ck_assert_int_eq(selfpipe_seen(SIGHUP), 0);	/* cleared */
	ck_assert_int_eq(selfpipe_seen(SIGTERM), 0);
	ck_assert_int_eq(selfpipe_seen(SIGUSR2), 0);	/* not listed */
	selfpipe_drain();
	ck_assert_int_eq(readable(fd), 0);
	ck_assert_int_eq(selfpipe_seen(SIGUSR1), 1);
	/* one at a time */
	errno = 0;
	ck_assert_int_eq(selfpipe_open(sigs, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	selfpipe_close();
	ck_assert_int_eq(sigaction(SIGHUP, NULL, &sa), 0);
	ck_assert_ptr_eq((void *)sa.sa_handler, (void *)SIG_DFL);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);	/* closed */
	/* and again */
	ck_assert_int_ne(fd = selfpipe_open(sigs, 1), -1);
	selfpipe_close();
}
END_TEST

START_TEST(too_many)
{
	int	 many[SELFPIPE_MAX + 1];
	size_t	 i;

	for (i = 0; i < SELFPIPE_MAX + 1; i++)
		many[i] = SIGUSR1;
	errno = 0;
	ck_assert_int_eq(selfpipe_open(many, SELFPIPE_MAX + 1), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* A child forked before it execs gets the default action, not the pipe. */
START_TEST(child_default)
{
	pid_t	 pid;
	int	 fd, st;

	ck_assert_int_ne(fd = selfpipe_open(sigs, 3), -1);
	if ((pid = fork()) == 0) {
		(void)raise(SIGTERM);
		_exit(0);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGTERM);
	ck_assert_int_eq(readable(fd), 0);
	ck_assert_int_eq(selfpipe_seen(SIGTERM), 0);
	selfpipe_close();
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("selfpipe");
	TCase	*tc = tcase_create("selfpipe");

	tcase_add_test(tc, signals_noted);
	tcase_add_test(tc, too_many);
	tcase_add_test(tc, child_default);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
