/* ISC license. */
/* check_qrun.c: qrun_backoff() table and the loop over a temp spool. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qrun.h"
#include "unit.h"

struct bocase {
	unsigned long long	 birth, now;
	unsigned int		 base, max;
	unsigned long		 want;
};

static const struct bocase bo[] = {
	{ 1000, 1000,	10,	3600,	10 },	/* first try: base */
	{ 1000, 1010,	10,	3600,	30 },	/* k=2: at 40 */
	{ 1000, 1039,	10,	3600,	10 },	/* 1 s left: base */
	{ 1000, 1040,	10,	3600,	50 },	/* k=3: at 90 */
	{ 1000, 1100,	10,	3600,	60 },	/* k=4: at 160 */
	{ 0, 82140,	60,	3600,	3600 },	/* k=38: 4500, capped */
	{ 0, 86400,	60,	3600,	240 },	/* k=38: at 86640 */
	{ 0, 86400,	300,	4000,	300 },	/* k=17: at 86700 */
	{ 2000, 1000,	10,	3600,	10 },	/* clock went back */
	{ 0, ~0ULL,	1,	100,	100 },	/* no overflow */
	{ 0, 5,		0,	0,	1 },	/* base 0 is 1, max >= base */
	{ 0, 0,		60,	30,	60 },	/* max < base: base */
};

START_TEST(backoff_table)
{
	const struct bocase *c = &bo[_i];

	ck_assert_uint_eq(qrun_backoff(c->birth, c->now, c->base, c->max),
	    c->want);
}
END_TEST

START_TEST(backoff_grows)
{
	unsigned long long	t = 0;
	unsigned long		d, last = 0;
	int			i;

	for (i = 0; i < 50; i++) {
		d = qrun_backoff(0, t, 60, 1000000);
		ck_assert_uint_ge(d, last);
		last = d;
		t += d;
	}
}
END_TEST

/* --- the loop ------------------------------------------------------------ */

#define NMSG	8

struct lctx {
	char		 spool[UNIT_PATHSZ];
	int		 tries[NMSG + 2];
	int		 status[NMSG + 2];
	unsigned int	 maxrunning;
	int		 forgotten;
	int		 added;		/* the late message was spooled */
	int		 notnow;	/* start() refused this many times */
};

/* id i: "1700000000.I.x"; message i's behaviour by i */
static int
msgno(const char *id)
{
	return atoi(id + 11);
}

static void
spoolmsg(struct lctx *c, int i)
{
	char	 tmp[UNIT_PATHSZ + 32], dst[UNIT_PATHSZ + 32];

	snprintf(tmp, sizeof tmp, "%s/tmp/1700000000.%d.x", c->spool, i);
	snprintf(dst, sizeof dst, "%s/new/1700000000.%d.x", c->spool, i);
	unit_writefile(tmp, "x\n", 2, 0640);
	ck_assert_int_eq(rename(tmp, dst), 0);
}

static void
unspool(struct lctx *c, const char *id)
{
	char	 p[UNIT_PATHSZ + 32];

	snprintf(p, sizeof p, "%s/new/%s", c->spool, id);
	ck_assert_int_eq(unlink(p), 0);
}

/* message 0..3: true; 4, 5: false once, then true; 6: sleeps (killed by
 * the timeout); 7: start() says "not now" twice; NMSG: spooled late */
static pid_t
lstart(struct qrun *q, const char *id, void *ctx)
{
	struct lctx	*c = ctx;
	int		 i = msgno(id);
	const char	*prog = "true";
	pid_t		 pid;

	if (i == 7 && c->notnow < 2) {
		c->notnow++;
		return 0;
	}
	if ((i == 4 || i == 5) && c->tries[i] == 0)
		prog = "false";
	c->tries[i]++;
	if (q->running + 1 > c->maxrunning)
		c->maxrunning = q->running + 1;
	if ((pid = fork()) == 0) {
		if (i == 6)
			execlp("sleep", "sleep", "100", (char *)NULL);
		else
			execlp(prog, prog, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static enum qrun_next
ldone(struct qrun *q, const char *id, int status, void *ctx)
{
	struct lctx	*c = ctx;
	int		 i = msgno(id);

	(void)q;
	c->status[i] = status;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return QRUN_RETRY;
	unspool(c, id);
	c->forgotten++;
	if (!c->added) {
		c->added = 1;
		spoolmsg(c, NMSG);	/* must be seen without a rescan */
	}
	if (c->forgotten == NMSG + 1)
		kill(getpid(), SIGTERM);
	return QRUN_FORGET;
}

START_TEST(loop_runs_all)
{
	struct lctx	 c;
	struct qrun	 q;
	int		 i;

	memset(&c, 0, sizeof c);
	unit_scratch_make();
	unit_scratch_path(c.spool, "q", NULL);
	ck_assert_int_eq(spool_mkdirs(c.spool, 0700), 0);
	for (i = 0; i < NMSG; i++)
		spoolmsg(&c, i);
	memset(&q, 0, sizeof q);
	q.spool = c.spool;
	q.concurrency = 3;
	q.timeout = 1;
	q.rescan = 3600;	/* the late message must come by inotify */
	q.retrybase = 1;
	q.retrymax = 1;
	q.start = lstart;
	q.done = ldone;
	q.ctx = &c;
	ck_assert_int_eq(qrun_loop(&q), 0);
	ck_assert_uint_eq(q.running, 0);
	ck_assert_ptr_null(q.priv);
	ck_assert_int_eq(c.forgotten, NMSG + 1);
	ck_assert_uint_le(c.maxrunning, 3);
	ck_assert_uint_ge(c.maxrunning, 2);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(c.tries[i], 1);
	ck_assert_int_eq(c.tries[4], 2);
	ck_assert_int_eq(c.tries[5], 2);
	ck_assert(WIFSIGNALED(c.status[6]));
	ck_assert_int_eq(WTERMSIG(c.status[6]), SIGKILL);
	ck_assert_int_eq(c.notnow, 2);
	ck_assert_int_eq(c.tries[7], 1);
	ck_assert_int_eq(c.tries[NMSG], 1);
	unit_scratch_remove();
}
END_TEST

/* SIGTERM with a child running: no new start, the loop waits for it. */
static pid_t
tstart(struct qrun *q, const char *id, void *ctx)
{
	int	*n = ctx;
	pid_t	 pid;

	(void)q;
	(void)id;
	if (++*n == 1)
		kill(getpid(), SIGTERM);
	if ((pid = fork()) == 0) {
		execlp("true", "true", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static enum qrun_next
tdone(struct qrun *q, const char *id, int status, void *ctx)
{
	(void)q;
	(void)id;
	(void)status;
	(void)ctx;
	return QRUN_RETRY;
}

START_TEST(loop_drains_on_term)
{
	char		 spool[UNIT_PATHSZ], p[UNIT_PATHSZ + 32];
	struct qrun	 q;
	int		 n = 0, i;

	unit_scratch_make();
	unit_scratch_path(spool, "q", NULL);
	ck_assert_int_eq(spool_mkdirs(spool, 0700), 0);
	for (i = 0; i < 5; i++) {
		snprintf(p, sizeof p, "%s/new/1700000000.%d.x", spool, i);
		unit_writefile(p, "", 0, 0640);
	}
	memset(&q, 0, sizeof q);
	q.spool = spool;
	q.concurrency = 1;
	q.rescan = 3600;
	q.retrybase = 60;
	q.retrymax = 60;
	q.start = tstart;
	q.done = tdone;
	q.ctx = &n;
	ck_assert_int_eq(qrun_loop(&q), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);	/* reaped */
	unit_scratch_remove();
}
END_TEST

START_TEST(loop_nospool)
{
	struct qrun	 q;

	memset(&q, 0, sizeof q);
	q.spool = "/nonexistent/q";
	q.concurrency = 1;
	q.start = tstart;
	q.done = tdone;
	ck_assert_int_eq(qrun_loop(&q), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(q.priv);
}
END_TEST

/* A message linked into new/ (link(2), maildir style) or created there
 * in place is seen at once, not at the next rescan: start() of each
 * message puts the next one there, the last one stops the loop. */
struct wctx {
	char	 spool[UNIT_PATHSZ];
	int	 started;
};

static pid_t
wstart(struct qrun *q, const char *id, void *ctx)
{
	struct wctx	*c = ctx;
	char		 p[UNIT_PATHSZ + 32], t[UNIT_PATHSZ + 32];
	pid_t		 pid;

	(void)q;
	snprintf(p, sizeof p, "%s/new/%s", c->spool, id);
	ck_assert_int_eq(unlink(p), 0);
	snprintf(p, sizeof p, "%s/new/1700000000.%d.x", c->spool,
	    c->started + 1);
	if (++c->started == 1) {
		snprintf(t, sizeof t, "%s/tmp/1700000000.1.x", c->spool);
		unit_writefile(t, "x\n", 2, 0640);
		ck_assert_int_eq(link(t, p), 0);
		ck_assert_int_eq(unlink(t), 0);
	} else if (c->started == 2)
		unit_writefile(p, "x\n", 2, 0640);
	else
		kill(getpid(), SIGTERM);
	if ((pid = fork()) == 0)
		_exit(0);
	return pid;
}

static enum qrun_next
wdone(struct qrun *q, const char *id, int status, void *ctx)
{
	(void)q;
	(void)id;
	(void)status;
	(void)ctx;
	return QRUN_FORGET;
}

START_TEST(loop_link_and_create)
{
	struct wctx	 c;
	struct qrun	 q;
	char		 p[UNIT_PATHSZ + 32];

	memset(&c, 0, sizeof c);
	unit_scratch_make();
	unit_scratch_path(c.spool, "q", NULL);
	ck_assert_int_eq(spool_mkdirs(c.spool, 0700), 0);
	snprintf(p, sizeof p, "%s/new/1700000000.0.x", c.spool);
	unit_writefile(p, "x\n", 2, 0640);
	memset(&q, 0, sizeof q);
	q.spool = c.spool;
	q.concurrency = 1;
	q.rescan = 3600;	/* only inotify can be prompt */
	q.retrybase = 60;
	q.retrymax = 60;
	q.start = wstart;
	q.done = wdone;
	q.ctx = &c;
	ck_assert_int_eq(qrun_loop(&q), 0);
	ck_assert_int_eq(c.started, 3);
	unit_scratch_remove();
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("qrun");
	TCase	*tc = tcase_create("backoff");
	TCase	*tl = tcase_create("loop");

	tcase_add_loop_test(tc, backoff_table, 0, sizeof bo / sizeof bo[0]);
	tcase_add_test(tc, backoff_grows);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tl, 30);
	tcase_add_unchecked_fixture(tl, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_test(tl, loop_runs_all);
	tcase_add_test(tl, loop_drains_on_term);
	tcase_add_test(tl, loop_nospool);
	tcase_add_test(tl, loop_link_and_create);
	suite_add_tcase(s, tl);
	return unit_run(s);
}
