/* ISC license. */
/* mailward-keygen: make the Ed25519 key pair that signs status headers;
 * see mailward-keygen(1).
 *
 * Writes DIR/status.key (PKCS#8 PEM, mode 0600) and DIR/status.pub
 * (SubjectPublicKeyInfo PEM, mode 0644), each through a temporary file
 * that is fsynced and then linked into place, so an existing key is never
 * replaced (-f renames over it instead), and prints the key id.  The
 * files are written by lib/keydir.c, which mailward-setup(1) shares. */
#include "sysdeps.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "keydir.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "sa.h"
#include "stamp.h"

#define USAGE	"mailward-keygen [-f] DIR"

static void MW_NORETURN
die_usage(void)
{
	mwlog(MWLOG_FATAL, "usage: %s", USAGE);
	_exit(MW_PERM);
}

static void
keygen(const char *dir, int force)
{
	struct keydir	 k = { dir, (uid_t)-1, (gid_t)-1, 0600, force };
	struct sa	 err = SA_ZERO;
	char		 kid[STAMP_KEYIDLEN + 2], e[300];

	int		 code;

	if (keydir_new(&k, kid, &err) == -1) {
		code = errno == EEXIST ? MW_PERM : MW_TEMP;
		mwlog(MWLOG_FATAL, "%.*s", (int)err.len, err.s);
		_exit(code);
	}
	sa_free(&err);
	mwlog(MWLOG_INFO, "- wrote key=%s dir=%s", kid,
	    mwlog_escs(e, sizeof e, dir));
	kid[STAMP_KEYIDLEN] = '\n';
	if (write(1, kid, STAMP_KEYIDLEN + 1) != STAMP_KEYIDLEN + 1) {
		mwlog(MWLOG_FATAL, "unable to write stdout: %s",
		    strerror(errno));
		_exit(MW_TEMP);
	}
}

int
main(int argc, char **argv)
{
	int	 c, force = 0;

	mwlog_init("mailward-keygen");
	while ((c = getopt(argc, argv, "f")) != -1) {
		if (c != 'f')
			die_usage();
		force = 1;
	}
	if (argc - optind != 1 || argv[optind][0] == '\0')
		die_usage();
	keygen(argv[optind], force);
	return MW_OK;
}
