/* ISC license. */
/* check_spool.c: queue ids, tmp -> new commits, abort, move, slurp.
 * Spools live in a mkdtemp() directory under $TMPDIR: one per test case,
 * made and removed by the runner (so it goes even when a test fails),
 * and one per test inside it. */
#include "sysdeps.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sa.h"
#include "spool.h"
#include "unit.h"

/* A spool SCRATCH/name with tmp/ and new/; its path in out. */
static void
mkspool(char *out, const char *name)
{
	unit_scratch_path(out, name, NULL);
	ck_assert_int_eq(spool_mkdirs(out, 0700), 0);
}

/* Names in dir, sorted, joined with '/'; "" for none. */
static void
listdir(const char *spool, const char *sub, struct sa *out)
{
	char		 dir[UNIT_PATHSZ];
	DIR		*d;
	struct dirent	*e;
	char		*names[16];
	size_t		 n = 0, i, j;
	int		 len;

	len = snprintf(dir, sizeof dir, "%s/%s", spool, sub);
	ck_assert(len > 0 && (size_t)len < sizeof dir);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		ck_assert_uint_lt(n, 16);
		names[n] = strdup(e->d_name);
		ck_assert_ptr_nonnull(names[n]);
		for (j = n++; j > 0 && strcmp(names[j - 1], names[j]) > 0;
		    j--) {
			char	*t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	}
	(void)closedir(d);
	out->len = 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			ck_assert_int_eq(sa_catc(out, '/'), 0);
		ck_assert_int_eq(sa_cats(out, names[i]), 0);
		free(names[i]);
	}
}

static void
assert_dir(const char *spool, const char *sub, const char *want)
{
	struct sa	 got = SA_ZERO;

	listdir(spool, sub, &got);
	ck_assert_msg(sa_eqs(&got, want), "%s/%s holds \"%.*s\", want \"%s\"",
	    spool, sub, (int)got.len, got.s != NULL ? got.s : "", want);
	sa_free(&got);
}

static void
assert_file(const char *fn, const char *want, size_t n, mode_t mode)
{
	struct sa	 got = SA_ZERO;
	struct stat	 st;
	int		 fd;

	fd = open(fn, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "%s: %s", fn, strerror(errno));
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, mode);
	ck_assert_int_eq(spool_slurp(fd, &got, n + 1), 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_uint_eq(got.len, n);
	if (n > 0)
		ck_assert_mem_eq(got.s, want, n);
	sa_free(&got);
}

/* --- ids --- */

static int
digits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0 && (s[0] != '0' || n == 1);
}

START_TEST(spool_newid_format)
{
	struct sa		 id = SA_ZERO;
	unsigned long long	 t0, t1, t;
	unsigned long		 pid;
	const char		*d1, *d2;
	size_t			 i;

	t0 = (unsigned long long)time(NULL);
	ck_assert_int_eq(spool_newid(&id), 0);
	t1 = (unsigned long long)time(NULL);
	ck_assert_int_eq(sa_0(&id), 0);
	/* SECONDS.PID.HEX */
	d1 = memchr(id.s, '.', id.len);
	ck_assert_ptr_nonnull(d1);
	d2 = memchr(d1 + 1, '.', id.len - (size_t)(d1 + 1 - id.s));
	ck_assert_ptr_nonnull(d2);
	ck_assert(digits(id.s, (size_t)(d1 - id.s)));
	ck_assert(digits(d1 + 1, (size_t)(d2 - d1 - 1)));
	ck_assert_uint_gt(id.len - (size_t)(d2 + 1 - id.s), 0);
	for (i = (size_t)(d2 + 1 - id.s); i < id.len; i++)
		ck_assert_ptr_nonnull(memchr("0123456789abcdef", id.s[i], 16));
	t = strtoull(id.s, NULL, 10);
	ck_assert(t >= t0 && t <= t1);
	pid = strtoul(d1 + 1, NULL, 10);
	ck_assert_uint_eq(pid, (unsigned long)getpid());
	ck_assert_uint_le(id.len, SPOOL_MAXID);
	ck_assert_int_eq(spool_idok(id.s, id.len), 1);
	ck_assert_uint_eq(spool_idtime(id.s), t);
	/* it replaces, not appends */
	ck_assert_int_eq(spool_newid(&id), 0);
	ck_assert_uint_le(id.len, SPOOL_MAXID);
	ck_assert_int_eq(spool_idok(id.s, id.len), 1);
	sa_free(&id);
}
END_TEST

static int
idcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One process may make many ids within one second (a busy smtp-recv
 * session, a bounce run); a repeat would make rename() overwrite
 * another message in new/.  Ids must be unique, not merely unlikely
 * to collide. */
START_TEST(spool_newid_unique)
{
	enum { N = 100000 };
	char		**ids;
	struct sa	 id = SA_ZERO;
	size_t		 i;

	ids = calloc(N, sizeof ids[0]);
	ck_assert_ptr_nonnull(ids);
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(spool_newid(&id), 0);
		ck_assert_int_eq(sa_0(&id), 0);
		ids[i] = strdup(id.s);
		ck_assert_ptr_nonnull(ids[i]);
	}
	qsort(ids, N, sizeof ids[0], idcmp);
	for (i = 1; i < N; i++)
		ck_assert_msg(strcmp(ids[i - 1], ids[i]) != 0,
		    "id %s made twice", ids[i]);
	for (i = 0; i < N; i++)
		free(ids[i]);
	free(ids);
	sa_free(&id);
}
END_TEST

/* a child (another pid) never repeats its parent's ids */
START_TEST(spool_newid_fork)
{
	struct sa	 a = SA_ZERO, b = SA_ZERO;
	int		 p[2], status;
	char		 buf[SPOOL_MAXID + 1];
	ssize_t		 r;
	pid_t		 pid;

	ck_assert_int_eq(spool_newid(&a), 0);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		if (spool_newid(&b) == -1 ||
		    write(p[1], b.s, b.len) != (ssize_t)b.len)
			_exit(1);
		_exit(0);
	}
	ck_assert_int_eq(close(p[1]), 0);
	ck_assert_int_eq(spool_newid(&a), 0);
	r = read(p[0], buf, sizeof buf);
	ck_assert_int_gt(r, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert(a.len != (size_t)r || memcmp(a.s, buf, a.len) != 0);
	ck_assert_int_eq(close(p[0]), 0);
	sa_free(&a);
	sa_free(&b);
}
END_TEST

struct idokcase {
	struct bytes	 id;
	int		 want;
};

static const struct idokcase idoks[] = {
	{ S("1732690200.4411.c3f2a9"),	1 },
	{ S("A-Z_a-z.0-9"),		1 },
	{ S("x."),			1 },
	{ S("a..b"),			1 },
	{ S("1234567890123456789012345678901234567890"
	    "123456789012345678901234"),	1 },	/* 64 */
	{ S("1234567890123456789012345678901234567890"
	    "1234567890123456789012345"),	0 },	/* 65 */
	{ S(""),			0 },
	{ S("."),			0 },
	{ S(".."),			0 },
	{ S(".hidden"),			0 },
	{ S("a/b"),			0 },
	{ S("../x"),			0 },
	{ S("a b"),			0 },
	{ S("a\0b"),			0 },
	{ S("a\nb"),			0 },
	{ S("a:b"),			0 },
	{ S("j\xc3\xb6rg"),		0 },
	{ S("a~"),			0 },
};

START_TEST(spool_idok_table)
{
	const struct idokcase *c = &idoks[_i];

	ck_assert_int_eq(spool_idok(c->id.s, c->id.n), c->want);
}
END_TEST

struct idtimecase {
	const char		*id;
	unsigned long long	 want;
};

static const struct idtimecase idtimes[] = {
	{ "1732690200.4411.c3f2a9",	1732690200ULL },
	{ "0.1.a",			0 },
	{ "123.",			123 },
	{ "123",			0 },	/* no dot: no time */
	{ "",				0 },
	{ ".5",				0 },
	{ "12a.3",			0 },
	{ "abc",			0 },
	{ "-5.1.a",			0 },
	{ "9999999999999999999.1.a",	9999999999999999999ULL },	/* 19 */
	{ "99999999999999999999.1.a",	0 },	/* 20 digits */
};

START_TEST(spool_idtime_table)
{
	const struct idtimecase *c = &idtimes[_i];

	ck_assert_uint_eq(spool_idtime(c->id), c->want);
}
END_TEST

/* --- transactions --- */

/* open, write size bytes, commit: new/ID byte-exact, tmp/ empty */
static const size_t commitsizes[] = { 0, 1, 8191, 8192, 8193, 100000 };

START_TEST(spool_commit_sizes)
{
	struct spool_tx	 tx;
	char		 q[UNIT_PATHSZ], fn[UNIT_PATHSZ], *data;
	size_t		 n = commitsizes[_i], i, off, k;

	unit_scratch_make();
	mkspool(q, "incoming");
	data = malloc(n + 1);
	ck_assert_ptr_nonnull(data);
	for (i = 0; i < n; i++)
		data[i] = (char)(i * 13 % 256);
	ck_assert_int_eq(spool_open(&tx, q, "1.2.abc"), 0);
	ck_assert_int_ge(tx.fd, 0);
	assert_dir(q, "tmp", "1.2.abc");
	assert_dir(q, "new", "");
	for (off = 0; off < n; off += k) {
		k = n - off < 777 ? n - off : 777;
		ck_assert_int_eq(bio_put(&tx.out, data + off, k), 0);
	}
	ck_assert_int_eq(spool_commit(&tx), 0);
	ck_assert_int_eq(tx.fd, -1);
	assert_dir(q, "tmp", "");
	assert_dir(q, "new", "1.2.abc");
	unit_scratch_path(fn, "incoming/new", "1.2.abc");
	assert_file(fn, data, n, 0640);
	spool_abort(&tx);		/* after commit: a no-op */
	assert_dir(q, "new", "1.2.abc");
	free(data);
	unit_scratch_remove();
}
END_TEST

START_TEST(spool_abort_leaves_nothing)
{
	struct spool_tx	 tx;
	char		 q[UNIT_PATHSZ];

	unit_scratch_make();
	mkspool(q, "q");
	ck_assert_int_eq(spool_open(&tx, q, "1.2.a"), 0);
	ck_assert_int_eq(bio_puts(&tx.out, "mailward 1\n"), 0);
	ck_assert_int_eq(bio_flush(&tx.out), 0);
	assert_dir(q, "tmp", "1.2.a");
	errno = EDQUOT;
	spool_abort(&tx);
	ck_assert_int_eq(errno, EDQUOT);	/* the caller's errno kept */
	ck_assert_int_eq(tx.fd, -1);
	assert_dir(q, "tmp", "");
	assert_dir(q, "new", "");
	spool_abort(&tx);			/* twice is harmless */
	unit_scratch_remove();
}
END_TEST

/* the fd closed behind the tx's back: commit fails, nothing in new/ or
 * tmp/; with and without data still in the buffer */
START_TEST(spool_commit_badfd)
{
	struct spool_tx	 tx;
	char		 q[UNIT_PATHSZ];

	unit_scratch_make();
	mkspool(q, "q");
	ck_assert_int_eq(spool_open(&tx, q, "1.2.a"), 0);
	ck_assert_int_eq(bio_puts(&tx.out, "mailward 1\n"), 0);
	if (_i == 1)
		ck_assert_int_eq(bio_flush(&tx.out), 0);
	ck_assert_int_eq(close(tx.fd), 0);
	errno = 0;
	ck_assert_int_eq(spool_commit(&tx), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(tx.fd, -1);
	assert_dir(q, "new", "");
	assert_dir(q, "tmp", "");
	spool_abort(&tx);
	unit_scratch_remove();
}
END_TEST

/* a write error in the middle (sticky) fails the commit */
START_TEST(spool_commit_sticky)
{
	struct spool_tx	 tx;
	char		 q[UNIT_PATHSZ], big[4096];
	int		 i, r = 0;

	unit_scratch_make();
	mkspool(q, "q");
	memset(big, 'x', sizeof big);
	ck_assert_int_eq(spool_open(&tx, q, "1.2.a"), 0);
	ck_assert_int_eq(close(tx.fd), 0);
	for (i = 0; i < 4 && r == 0; i++)	/* fills the 8 KiB buffer */
		r = bio_put(&tx.out, big, sizeof big);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(spool_commit(&tx), -1);
	ck_assert_int_eq(errno, EBADF);
	assert_dir(q, "new", "");
	assert_dir(q, "tmp", "");
	unit_scratch_remove();
}
END_TEST

START_TEST(spool_open_errors)
{
	struct spool_tx	 tx, tx2;
	char		 q[UNIT_PATHSZ], none[UNIT_PATHSZ];

	unit_scratch_make();
	mkspool(q, "q");
	errno = 0;
	ck_assert_int_eq(spool_open(&tx, q, "../escape"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(spool_open(&tx, q, ""), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(spool_open(&tx, q, ".x"), -1);
	ck_assert_int_eq(errno, EINVAL);
	spool_abort(&tx);			/* after a failed open */
	/* O_EXCL: the same id twice */
	ck_assert_int_eq(spool_open(&tx, q, "1.2.a"), 0);
	errno = 0;
	ck_assert_int_eq(spool_open(&tx2, q, "1.2.a"), -1);
	ck_assert_int_eq(errno, EEXIST);
	spool_abort(&tx2);			/* must not remove tx's file */
	assert_dir(q, "tmp", "1.2.a");
	spool_abort(&tx);
	assert_dir(q, "tmp", "");
	unit_scratch_path(none, "nonexistent", NULL);
	errno = 0;
	ck_assert_int_eq(spool_open(&tx, none, "1.2.a"), -1);
	ck_assert_int_eq(errno, ENOENT);
	unit_scratch_remove();
}
END_TEST

/* new/ missing: the rename fails, the tmp file is removed */
START_TEST(spool_commit_nonew)
{
	struct spool_tx	 tx;
	char		 q[UNIT_PATHSZ], newdir[UNIT_PATHSZ];

	unit_scratch_make();
	mkspool(q, "q");
	ck_assert_int_eq(spool_open(&tx, q, "1.2.a"), 0);
	ck_assert_int_eq(bio_puts(&tx.out, "x\n"), 0);
	unit_scratch_path(newdir, "q", "new");
	ck_assert_int_eq(rmdir(newdir), 0);
	errno = 0;
	ck_assert_int_eq(spool_commit(&tx), -1);
	ck_assert_int_eq(errno, ENOENT);
	assert_dir(q, "tmp", "");
	unit_scratch_remove();
}
END_TEST

/* spool_commit_to: rewrite a file in place */
START_TEST(spool_commit_inplace)
{
	struct spool_tx	 tx;
	char		 q[UNIT_PATHSZ], fn[UNIT_PATHSZ];

	unit_scratch_make();
	mkspool(q, "q");
	ck_assert_int_eq(spool_open(&tx, q, "1.2.a"), 0);
	ck_assert_int_eq(bio_puts(&tx.out, "old\n"), 0);
	ck_assert_int_eq(spool_commit(&tx), 0);
	ck_assert_int_eq(spool_open(&tx, q, "1.2.a"), 0);
	ck_assert_int_eq(bio_puts(&tx.out, "new contents\n"), 0);
	unit_scratch_path(fn, "q/new", "1.2.a");
	ck_assert_int_eq(spool_commit_to(&tx, fn), 0);
	assert_dir(q, "tmp", "");
	assert_dir(q, "new", "1.2.a");
	assert_file(fn, "new contents\n", 13, 0640);
	unit_scratch_remove();
}
END_TEST

START_TEST(spool_move_ok)
{
	char	 a[UNIT_PATHSZ], b[UNIT_PATHSZ];
	char	 from[UNIT_PATHSZ], to[UNIT_PATHSZ];

	unit_scratch_make();
	mkspool(a, "incoming");
	mkspool(b, "outbound");
	unit_scratch_path(from, "incoming/new", "1.2.a");
	unit_writefile(from, "msg\n", 4, 0640);
	ck_assert_int_eq(spool_move(from, b, "1.2.a"), 0);
	assert_dir(a, "new", "");
	assert_dir(b, "new", "1.2.a");
	unit_scratch_path(to, "outbound/new", "1.2.a");
	assert_file(to, "msg\n", 4, 0640);
	/* the source is gone now: ENOENT, nothing created */
	errno = 0;
	ck_assert_int_eq(spool_move(from, b, "1.2.b"), -1);
	ck_assert_int_eq(errno, ENOENT);
	assert_dir(b, "new", "1.2.a");
	/* a missing target spool: the source stays where it is */
	ck_assert_int_eq(spool_move(to, a, "1.2.a"), 0);
	unit_scratch_path(b, "nonexistent", NULL);
	errno = 0;
	ck_assert_int_eq(spool_move(from, b, "1.2.a"), -1);
	ck_assert_int_eq(errno, ENOENT);
	assert_dir(a, "new", "1.2.a");
	unit_scratch_remove();
}
END_TEST

START_TEST(spool_mkdirs_modes)
{
	char		 q[UNIT_PATHSZ], sub[UNIT_PATHSZ];
	struct stat	 st;

	unit_scratch_make();
	unit_scratch_path(q, "q", NULL);
	ck_assert_int_eq(spool_mkdirs(q, 0750), 0);
	ck_assert_int_eq(spool_mkdirs(q, 0750), 0);	/* idempotent */
	unit_scratch_path(sub, "q", "tmp");
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0750);
	unit_scratch_path(sub, "q", "new");
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(spool_fsyncdir(sub), 0);
	unit_scratch_path(sub, "q", "nonexistent");
	errno = 0;
	ck_assert_int_eq(spool_fsyncdir(sub), -1);
	ck_assert_int_eq(errno, ENOENT);
	unit_scratch_remove();
}
END_TEST

/* --- slurp: the whole file, at most max bytes, EFBIG beyond --- */

struct slurpcase {
	size_t	 size;
	size_t	 max;
	int	 want;
};

static const struct slurpcase slurps[] = {
	{ 0,		0,		0 },
	{ 0,		10,		0 },
	{ 1,		0,		-1 },
	{ 1,		1,		0 },
	{ 10,		9,		-1 },
	{ 65535,	65535,		0 },
	{ 65536,	65536,		0 },
	{ 65537,	65536,		-1 },
	{ 65537,	65537,		0 },
	{ 200000,	200000,		0 },
	{ 200000,	199999,		-1 },
	{ 200000,	100000,		-1 },
	{ 200000,	1UL << 30,	0 },
};

START_TEST(spool_slurp_table)
{
	const struct slurpcase	*c = &slurps[_i];
	struct sa		 got = SA_ZERO;
	char			 fn[UNIT_PATHSZ], *data;
	size_t			 i;
	int			 fd;

	unit_scratch_make();
	unit_scratch_path(fn, "f", NULL);
	data = malloc(c->size + 1);
	ck_assert_ptr_nonnull(data);
	for (i = 0; i < c->size; i++)
		data[i] = (char)(i % 253);
	fd = open(fn, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, c->size), (ssize_t)c->size);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(sa_cats(&got, "stale"), 0);
	errno = 0;
	ck_assert_int_eq(spool_slurp(fd, &got, c->max), c->want);
	if (c->want == 0) {
		ck_assert_uint_eq(got.len, c->size);
		if (c->size > 0)
			ck_assert_mem_eq(got.s, data, c->size);
	} else
		ck_assert_int_eq(errno, EFBIG);
	ck_assert_int_eq(close(fd), 0);
	free(data);
	sa_free(&got);
	unit_scratch_remove();
}
END_TEST

START_TEST(spool_slurp_badfd)
{
	struct sa	 got = SA_ZERO;
	int		 p[2];

	ck_assert_int_eq(pipe(p), 0);
	errno = 0;
	ck_assert_int_eq(spool_slurp(p[1], &got, 100), -1);	/* write end */
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(close(p[0]), 0);
	ck_assert_int_eq(close(p[1]), 0);
	sa_free(&got);
}
END_TEST

static Suite *
spool_suite(void)
{
	Suite	*s = suite_create("spool");
	TCase	*tc = tcase_create("spool");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_test(tc, spool_newid_format);
	tcase_add_test(tc, spool_newid_unique);
	tcase_add_test(tc, spool_newid_fork);
	tcase_add_loop_test(tc, spool_idok_table, 0,
	    sizeof idoks / sizeof idoks[0]);
	tcase_add_loop_test(tc, spool_idtime_table, 0,
	    sizeof idtimes / sizeof idtimes[0]);
	tcase_add_loop_test(tc, spool_commit_sizes, 0,
	    sizeof commitsizes / sizeof commitsizes[0]);
	tcase_add_test(tc, spool_abort_leaves_nothing);
	tcase_add_loop_test(tc, spool_commit_badfd, 0, 2);
	tcase_add_test(tc, spool_commit_sticky);
	tcase_add_test(tc, spool_open_errors);
	tcase_add_test(tc, spool_commit_nonew);
	tcase_add_test(tc, spool_commit_inplace);
	tcase_add_test(tc, spool_move_ok);
	tcase_add_test(tc, spool_mkdirs_modes);
	tcase_add_loop_test(tc, spool_slurp_table, 0,
	    sizeof slurps / sizeof slurps[0]);
	tcase_add_test(tc, spool_slurp_badfd);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(spool_suite());
}
