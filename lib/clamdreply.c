/* ISC license. */
/* clamdreply.c: clamd's replies, parsed; see clamd.h.  Pure. */
#include "sysdeps.h"

#include <errno.h>
#include <string.h>

#include "clamd.h"

#define CLAMD_SIZELIMIT	"INSTREAM size limit exceeded. ERROR"
#define CLAMD_STREAM	"stream: "
#define CLAMD_FOUND	" FOUND"
#define CLAMD_ERROR	" ERROR"

/* what one record of a reply says */
enum clamd_rec { CLAMD_R_OK, CLAMD_R_FOUND, CLAMD_R_LIMIT, CLAMD_R_ERROR,
	CLAMD_R_BAD };

static int
clamd_printable(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static int
clamd_ends(const char *s, size_t n, const char *tail)
{
	size_t	 t = strlen(tail);

	return n >= t && memcmp(s + n - t, tail, t) == 0;
}

/* one record (m bytes, no NUL); a name found goes to name */
static enum clamd_rec
clamd_record(const char *s, size_t m, char *name)
{
	size_t	 p = sizeof CLAMD_STREAM - 1, f = sizeof CLAMD_FOUND - 1;

	if (!clamd_printable(s, m))
		return CLAMD_R_BAD;
	if (m == sizeof CLAMD_SIZELIMIT - 1 && memcmp(s, CLAMD_SIZELIMIT, m) ==
	    0)
		return CLAMD_R_LIMIT;
	if (clamd_ends(s, m, CLAMD_ERROR))
		return CLAMD_R_ERROR;
	if (m < p || memcmp(s, CLAMD_STREAM, p) != 0)
		return CLAMD_R_BAD;
	if (m == p + 2 && memcmp(s + p, "OK", 2) == 0)
		return CLAMD_R_OK;
	if (!clamd_ends(s, m, CLAMD_FOUND) || m - p - f == 0 ||
	    m - p - f >= CLAMD_NAMEMAX || s[p] == ' ' || s[m - f - 1] == ' ')
		return CLAMD_R_BAD;
	memcpy(name, s + p, m - p - f);
	name[m - p - f] = '\0';
	return CLAMD_R_FOUND;
}

enum scanres_verdict
clamd_parsereply(const char *s, size_t n, int whole, struct scanres *r)
{
	const char	*rec, *nul;
	char		 name[CLAMD_NAMEMAX];
	size_t		 nrec = 0;
	int		 ok = 0, found = 0;

	scanres_start(r);
	if (n == 0)
		return scanres_fail(r, "clamd: empty reply");
	if (s[n - 1] != '\0')
		return scanres_fail(r, "clamd: reply cut short");
	for (rec = s; rec < s + n; rec = nul + 1, nrec++) {
		nul = memchr(rec, '\0', (size_t)(s + n - rec));
		switch (clamd_record(rec, (size_t)(nul - rec), name)) {
		case CLAMD_R_OK:
			ok = 1;
			break;
		case CLAMD_R_FOUND:
			found = 1;
			scanres_addname(r, name);
			break;
		case CLAMD_R_LIMIT:
			scanres_note(r, SCANRES_F_LIMIT, "StreamMaxLength");
			break;
		case CLAMD_R_ERROR:
			return scanres_fail(r, "clamd: %.*s", (int)(nul - rec),
			    rec);
		case CLAMD_R_BAD:
			return scanres_fail(r, "clamd: unexpected reply");
		}
	}
	if (!whole && (ok || found))
		return scanres_fail(r, "clamd: answered before the end of the "
		    "data");
	if (ok && nrec > 1)
		return scanres_fail(r, "clamd: unexpected reply");
	return scanres_settle(r);
}

static int
clamd_engine_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("0123456789abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ.+~_-", s[i]) == NULL)
			return 0;
	return 1;
}

int
clamd_parseversion(const char *s, size_t n, struct sa *out)
{
	static const char	 pfx[] = "ClamAV ";
	const char		*e, *end, *db = "0";
	size_t			 en, dn = 1;

	if (n < sizeof pfx || s[n - 1] != '\0' ||
	    memcmp(s, pfx, sizeof pfx - 1) != 0 ||
	    !clamd_printable(s, n - 1)) {
		errno = EPROTO;
		return -1;
	}
	e = s + sizeof pfx - 1;
	end = s + n - 1;
	en = strcspn(e, "/");		/* stops at the NUL at worst */
	if (e + en < end) {
		db = e + en + 1;
		dn = strcspn(db, "/");
		if (dn == 0 || dn > 10 || strspn(db, "0123456789") < dn) {
			errno = EPROTO;
			return -1;
		}
	}
	if (!clamd_engine_ok(e, en)) {
		errno = EPROTO;
		return -1;
	}
	if (sa_catb(out, e, en) == -1 || sa_catc(out, '/') == -1 ||
	    sa_catb(out, db, dn) == -1)
		return -1;
	return 0;
}
