/* ISC license. */
/* check_smtpsess.c: one delivery session against a scripted peer, forked,
 * on a unix socket in a scratch directory: LMTP with a reply for each
 * recipient after the data, STARTTLS offered but never used over a unix
 * socket, a peer that hangs up before every reply is in, LHLO refused
 * (and no HELO after it), SMTP over a unix socket, nobody listening; and
 * smtpsess_unixaddr(). */
#include "sysdeps.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns.h"
#include "sa.h"
#include "smtpc.h"
#include "smtpsess.h"
#include "unit.h"

#define MAXSTEP	6
#define MAXR	3

/* The peer reads until `wait' has come (NULL: at once), then writes
 * `say'; after the last step (the first say NULL) it reads to the end
 * of the connection, or with hangup closes it at once. */
struct step {
	const char	*wait;
	const char	*say;
};

struct sesscase {
	const char	*name;
	int		 lmtp;
	struct step	 steps[MAXSTEP];
	int		 hangup;
	const char	*rcpt[MAXR];
	int		 want;			/* SMTPSESS_* */
	int		 wantcode[MAXR];	/* 0: no result() for it */
	const char	*wanterr;		/* in s.err; NULL: none */
	const char	*wantwire;		/* what the peer read */
};

#define GREET	{ NULL, "220 peer.example ready\r\n" }
#define QUIT	{ "QUIT\r\n", "221 2.0.0 bye\r\n" }
#define LHLO	"LHLO me.example\r\n"
#define MAIL3	"MAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\nRCPT TO:<b@x>\r\n" \
		"RCPT TO:<c@x>\r\nDATA\r\n"
#define DATAW	"Subject: t\r\n\r\nhi\r\n.\r\n"
#define LHLOOK	{ LHLO, "250-peer.example\r\n250-PIPELINING\r\n" \
		  "250-STARTTLS\r\n250 ENHANCEDSTATUSCODES\r\n" }
#define RCPT3OK	{ "DATA\r\n", "250 2.1.0 ok\r\n250 2.1.5 ok\r\n" \
		  "250 2.1.5 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n" }

static const struct sesscase sesss[] = {
	{ "LMTP: 250, 450, 550 after the data; no STARTTLS", 1,
	  { GREET, LHLOOK, RCPT3OK,
	    { "\r\n.\r\n", "250 2.0.0 <a@x> saved\r\n450 4.2.0 <b@x> busy\r\n"
	      "550 5.1.1 <c@x> unknown\r\n" }, QUIT }, 0,
	  { "a@x", "b@x", "c@x" }, SMTPSESS_DONE, { 250, 450, 550 }, NULL,
	  LHLO MAIL3 DATAW "QUIT\r\n" },
	{ "LMTP: the peer hangs up after the first reply", 1,
	  { GREET, LHLOOK, RCPT3OK,
	    { "\r\n.\r\n", "250 2.0.0 <a@x> saved\r\n" } }, 1,
	  { "a@x", "b@x", "c@x" }, SMTPSESS_NEXT, { 250, 0, 0 },
	  ": connection closed by the server", LHLO MAIL3 DATAW },
	{ "LMTP: LHLO refused, no HELO", 1,
	  { GREET, { LHLO, "500 5.5.1 what\r\n" }, QUIT }, 0,
	  { "a@x", "b@x", "c@x" }, SMTPSESS_NEXT, { 0, 0, 0 },
	  " said: 500 5.5.1 what", LHLO "QUIT\r\n" },
	{ "SMTP over a unix socket", 0,
	  { GREET, { "EHLO me.example\r\n", "250-peer\r\n250 PIPELINING\r\n" },
	    RCPT3OK, { "\r\n.\r\n", "250 2.0.0 queued\r\n" }, QUIT }, 0,
	  { "a@x", "b@x", "c@x" }, SMTPSESS_DONE, { 250, 250, 250 }, NULL,
	  "EHLO me.example\r\n" MAIL3 DATAW "QUIT\r\n" },
};

static char	 sockpath[UNIT_PATHSZ], wirepath[UNIT_PATHSZ];

/* Read into got until want has come after *from; 0, or -1. */
static int
peer_wait(int fd, struct sa *got, size_t *from, const char *want)
{
	size_t	 wl = strlen(want), i;
	ssize_t	 k;
	char	 buf[512];

	for (;;) {
		for (i = *from; i + wl <= got->len; i++)
			if (memcmp(got->s + i, want, wl) == 0) {
				*from = i + wl;
				return 0;
			}
		if ((k = read(fd, buf, sizeof buf)) <= 0 ||
		    sa_catb(got, buf, (size_t)k) == -1)
			return -1;
	}
}

/* The peer, in the child: its exit code, the bytes read in wirepath. */
static int
peer_serve(int lfd, const struct sesscase *c)
{
	struct sa	 got = SA_ZERO;
	size_t		 from = 0, i, n;
	ssize_t		 k;
	char		 buf[512];
	int		 fd, wfd, r = 0;

	(void)alarm(10);
	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return 1;
	for (i = 0; i < MAXSTEP && c->steps[i].say != NULL; i++) {
		n = strlen(c->steps[i].say);
		if ((c->steps[i].wait != NULL && peer_wait(fd, &got, &from,
		    c->steps[i].wait) == -1) ||
		    write(fd, c->steps[i].say, n) != (ssize_t)n) {
			r = 2;
			break;
		}
	}
	while (!c->hangup && (k = read(fd, buf, sizeof buf)) > 0)
		if (sa_catb(&got, buf, (size_t)k) == -1)
			r = 3;
	(void)close(fd);
	wfd = open(wirepath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (wfd == -1 || write(wfd, got.s, got.len) != (ssize_t)got.len ||
	    close(wfd) == -1)
		r = 4;
	return r;
}

static pid_t
peer_start(const struct sesscase *c, struct dns_addr *a)
{
	struct sockaddr_un	 sun;
	pid_t			 pid;
	int			 lfd;

	unit_scratch_make();
	unit_scratch_path(sockpath, "lmtp.sock", NULL);
	unit_scratch_path(wirepath, "wire", NULL);
	ck_assert_int_eq(smtpsess_unixaddr(a, sockpath), 0);
	memcpy(&sun, &a->ss, sizeof sun);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ne(lfd, -1);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)(void *)&sun,
	    sizeof sun), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		_exit(peer_serve(lfd, c));
	(void)close(lfd);
	return pid;
}

/* what the callbacks saw */
struct seen {
	int	 code[MAXR];
	size_t	 order[MAXR];
	size_t	 nresult;
	int	 nsent;
};

static void
result(struct smtpsess *s, size_t i, const struct smtpc_rcpt *r)
{
	struct seen *sn = s->ctx;

	ck_assert_uint_lt(i, MAXR);
	ck_assert_uint_lt(sn->nresult, MAXR);
	sn->order[sn->nresult++] = i;
	sn->code[i] = r->code;
}

static void
sent(struct smtpsess *s)
{
	struct seen *sn = s->ctx;

	sn->nsent++;
}

static void
sess_init(struct smtpsess *s, int lmtp, struct seen *sn, char *ibuf,
    char *obuf, size_t bufsize)
{
	memset(s, 0, sizeof *s);
	memset(sn, 0, sizeof *sn);
	s->helo = "me.example";
	s->tconnect = 3000;
	s->tremote = 3000;
	s->usetls = 1;		/* never over a unix socket */
	s->lmtp = lmtp;
	s->result = result;
	s->sent = sent;
	s->ctx = sn;
	s->ibuf = ibuf;
	s->obuf = obuf;
	s->bufsize = bufsize;
}

START_TEST(sess_table)
{
	const struct sesscase	*c = &sesss[_i];
	struct dns_addr		 a;
	struct smtpsess		 s;
	struct smtpc_rcpt	 r[MAXR];
	struct seen		 sn;
	struct sa		 wire = SA_ZERO;
	char			 ibuf[256], obuf[256];
	size_t			 n, i, k;
	pid_t			 pid;
	int			 st, res;

	pid = peer_start(c, &a);
	sess_init(&s, c->lmtp, &sn, ibuf, obuf, sizeof ibuf);
	memset(r, 0, sizeof r);
	for (n = 0; n < MAXR && c->rcpt[n] != NULL; n++) {
		r[n].addr = c->rcpt[n];
		r[n].len = strlen(c->rcpt[n]);
	}
	res = smtpsess_run(&s, &a, "s@x", 3, "Subject: t\n\nhi\n", 15, r, n);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "%s: the peer failed (%d)", c->name, st);
	ck_assert_msg(res == c->want, "%s: result %d, want %d (%s)", c->name,
	    res, c->want, s.err.s != NULL ? s.err.s : "");
	ck_assert_str_eq(s.relay, sockpath);
	for (i = k = 0; i < n; i++) {
		ck_assert_msg(sn.code[i] == c->wantcode[i],
		    "%s: rcpt %zu code %d, want %d", c->name, i, sn.code[i],
		    c->wantcode[i]);
		if (c->wantcode[i] != 0)	/* answers come in RCPT order */
			ck_assert_uint_eq(sn.order[k++], i);
	}
	ck_assert_uint_eq(sn.nresult, k);
	ck_assert_int_eq(sn.nsent, c->want == SMTPSESS_DONE ||
	    c->hangup ? 1 : 0);
	if (c->wanterr != NULL)
		ck_assert_msg(s.err.s != NULL && strstr(s.err.s, c->wanterr) !=
		    NULL, "%s: err '%s'", c->name, s.err.s);
	unit_readfile(wirepath, &wire);
	unit_sa_is(&wire, c->wantwire);
	for (i = 0; i < MAXR; i++)
		sa_free(&r[i].reply);
	sa_free(&wire);
	smtpsess_free(&s);
	unit_scratch_remove();
}
END_TEST

/* nobody listens: the next address, and why */
START_TEST(sess_nobody)
{
	struct dns_addr		 a;
	struct smtpsess		 s;
	struct smtpc_rcpt	 r;
	struct seen		 sn;
	char			 ibuf[64], obuf[64];

	unit_scratch_make();
	unit_scratch_path(sockpath, "none.sock", NULL);
	ck_assert_int_eq(smtpsess_unixaddr(&a, sockpath), 0);
	sess_init(&s, 1, &sn, ibuf, obuf, sizeof ibuf);
	memset(&r, 0, sizeof r);
	r.addr = "a@x";
	r.len = 3;
	ck_assert_int_eq(smtpsess_run(&s, &a, "s@x", 3, "x\n", 2, &r, 1),
	    SMTPSESS_NEXT);
	ck_assert_uint_eq(sn.nresult, 0);
	ck_assert_int_eq(r.code, 0);
	ck_assert_ptr_nonnull(strstr(s.err.s, "connect to "));
	ck_assert_ptr_nonnull(strstr(s.err.s, sockpath));
	smtpsess_free(&s);
	unit_scratch_remove();
}
END_TEST

START_TEST(unixaddr)
{
	const struct sockaddr_un	*sun;
	struct dns_addr			 a;
	char				 path[200];

	ck_assert_int_eq(smtpsess_unixaddr(&a, "/run/dovecot/lmtp"), 0);
	sun = (const void *)&a.ss;
	ck_assert_int_eq(sun->sun_family, AF_UNIX);
	ck_assert_str_eq(sun->sun_path, "/run/dovecot/lmtp");
	ck_assert_uint_eq(a.sslen, sizeof *sun);
	ck_assert_str_eq(a.host, "");
	errno = 0;
	ck_assert_int_eq(smtpsess_unixaddr(&a, ""), -1);
	ck_assert_int_eq(errno, EINVAL);
	memset(path, 'x', sizeof path);
	path[0] = '/';
	path[sizeof sun->sun_path] = '\0';	/* one byte too long */
	ck_assert_int_eq(smtpsess_unixaddr(&a, path), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	path[sizeof sun->sun_path - 1] = '\0';	/* just fits */
	ck_assert_int_eq(smtpsess_unixaddr(&a, path), 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("smtpsess");
	TCase	*tc = tcase_create("session");

	signal(SIGPIPE, SIG_IGN);
	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_loop_test(tc, sess_table, 0, sizeof sesss / sizeof sesss[0]);
	tcase_add_test(tc, sess_nobody);
	tcase_add_test(tc, unixaddr);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
