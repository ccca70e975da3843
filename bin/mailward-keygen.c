/* ISC license. */
/* mailward-keygen: make the Ed25519 key pair that signs status headers;
 * see mailward-keygen(1).
 *
 * Writes DIR/status.key (PKCS#8 PEM, mode 0600) and DIR/status.pub
 * (SubjectPublicKeyInfo PEM, mode 0644), each through a temporary file
 * that is fsynced and then linked into place, so an existing key is never
 * replaced (-f renames over it instead), and prints the key id. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "mw_exit.h"
#include "mwlog.h"
#include "sa.h"
#include "stamp.h"

#define USAGE	"mailward-keygen [-f] DIR"

static struct {
	int		 force;
	const char	*dir;
	struct sa	 fn[4];		/* key, pub, key tmp, pub tmp */
} g;

enum { KEY, PUB, KEYTMP, PUBTMP };

static void MW_NORETURN
die(int code, const char *what, const char *arg, const char *why)
{
	char	 e[300];

	mwlog(MWLOG_FATAL, "%s %s: %s", what, mwlog_escs(e, sizeof e, arg),
	    why);
	_exit(code);
}

static void MW_NORETURN
die_nomem(void)
{
	mwlog(MWLOG_FATAL, "unable to allocate memory: %s", strerror(ENOMEM));
	_exit(MW_TEMP);
}

static void MW_NORETURN
die_ssl(const char *what)
{
	char		 buf[256];
	unsigned long	 e = ERR_get_error();

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof buf);
	die(MW_TEMP, what, "key", e != 0 ? buf : strerror(errno));
}

static void
names(void)
{
	static const char *const base[] = {
		"status.key", "status.pub", ".status.key.tmp", ".status.pub.tmp"
	};
	size_t	 i;

	for (i = 0; i < 4; i++)
		if (sa_cats(&g.fn[i], g.dir) == -1 ||
		    sa_catc(&g.fn[i], '/') == -1 ||
		    sa_cats(&g.fn[i], base[i]) == -1 || sa_0(&g.fn[i]) == -1)
			die_nomem();
}

/* Create fn afresh with exactly mode, write data, fsync, close. */
static void
writetmp(const char *fn, const struct sa *data, mode_t mode)
{
	size_t	 off = 0;
	ssize_t	 w;
	int	 fd;

	if (unlink(fn) == -1 && errno != ENOENT)
		die(MW_TEMP, "unable to remove", fn, strerror(errno));
	fd = open(fn, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    mode);
	if (fd == -1 || fchmod(fd, mode) == -1)
		die(MW_TEMP, "unable to create", fn, strerror(errno));
	while (off < data->len) {
		if ((w = write(fd, data->s + off, data->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			die(MW_TEMP, "unable to write", fn, strerror(errno));
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1)
		die(MW_TEMP, "unable to write", fn, strerror(errno));
}

/* tmp onto fn: link() never replaces a file; -f renames over it. */
static void
install(const char *tmp, const char *fn)
{
	int	 e;

	if ((g.force ? rename(tmp, fn) : link(tmp, fn)) == -1) {
		e = errno;
		(void)unlink(tmp);
		die(e == EEXIST ? MW_PERM : MW_TEMP, "unable to install", fn,
		    e == EEXIST ? "file exists (use -f to replace the key)" :
		    strerror(e));
	}
	if (!g.force && unlink(tmp) == -1)
		die(MW_TEMP, "unable to remove", tmp, strerror(errno));
}

static void
keygen(void)
{
	struct sa	 key = SA_ZERO, pub = SA_ZERO;
	struct stat	 st;
	EVP_PKEY	*k;
	char		 kid[STAMP_KEYIDLEN + 2], e[300];
	int		 fd;

	if (mkdir(g.dir, 0700) == -1 && errno != EEXIST)
		die(MW_TEMP, "unable to create", g.dir, strerror(errno));
	names();
	if (!g.force && (lstat(g.fn[KEY].s, &st) == 0 ||
	    lstat(g.fn[PUB].s, &st) == 0))
		die(MW_PERM, "refusing to overwrite the key in", g.dir,
		    "file exists (use -f to replace the key)");
	if ((k = stamp_keynew()) == NULL)
		die_ssl("unable to generate");
	if (stamp_keypem(k, 1, &key) == -1 || stamp_keypem(k, 0, &pub) == -1 ||
	    stamp_keyid(k, kid) == -1)
		die_ssl("unable to encode");
	EVP_PKEY_free(k);
	writetmp(g.fn[KEYTMP].s, &key, 0600);
	stamp_wipe(&key);
	writetmp(g.fn[PUBTMP].s, &pub, 0644);
	sa_free(&pub);
	install(g.fn[KEYTMP].s, g.fn[KEY].s);
	install(g.fn[PUBTMP].s, g.fn[PUB].s);
	if ((fd = open(g.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1 || close(fd) == -1)
		die(MW_TEMP, "unable to sync", g.dir, strerror(errno));
	mwlog(MWLOG_INFO, "- wrote key=%s dir=%s", kid,
	    mwlog_escs(e, sizeof e, g.dir));
	kid[STAMP_KEYIDLEN] = '\n';
	if (write(1, kid, STAMP_KEYIDLEN + 1) != STAMP_KEYIDLEN + 1)
		die(MW_TEMP, "unable to write", "stdout", strerror(errno));
}

int
main(int argc, char **argv)
{
	size_t	 i;
	int	 c;

	mwlog_init("mailward-keygen");
	while ((c = getopt(argc, argv, "f")) != -1) {
		if (c != 'f') {
			mwlog(MWLOG_FATAL, "usage: %s", USAGE);
			return MW_PERM;
		}
		g.force = 1;
	}
	if (argc - optind != 1 || argv[optind][0] == '\0') {
		mwlog(MWLOG_FATAL, "usage: %s", USAGE);
		return MW_PERM;
	}
	g.dir = argv[optind];
	keygen();
	for (i = 0; i < 4; i++)
		sa_free(&g.fn[i]);
	return MW_OK;
}
