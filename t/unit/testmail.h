/* ISC license. */
/* testmail.h: test-message builders that check_cav.c and check_scanmsg.c
 * share (t/unit/testmail.c): encoders (base64, quoted-printable of
 * binary data, uuencode), Debian's clamav-testfiles, and zips built in
 * memory (stored or deflated zeros, ZIP64 entries, encrypted-flagged
 * members), and the Ed25519 key of RFC 8032's first test vector that
 * the stamp suites share.  Like unit.h's helpers, these fail the
 * calling test. */
#ifndef MW_TESTMAIL_H
#define MW_TESTMAIL_H

#include <stddef.h>

#include <openssl/evp.h>

#include "sa.h"

#define TM_TESTFILES	"/usr/share/clamav-testfiles"

enum cte { CTE_B64, CTE_QP };

/* a zip member: stored, or deflated zeros (zeros bytes, then data) */
struct zmember {
	const char	*name;
	const char	*data;
	size_t		 len;
	size_t		 zeros;		/* deflate: zeros before data */
	int		 flags;
};
#define Z_DEFLATE	0x1
#define Z_ZIP64		0x2
#define Z_ENCRYPTED	0x4

/* Append the C string s to m. */
void	tm_cat(struct sa *, const char *);
/* Append the n bytes at p encoded, ending the line: base64 (76 a line),
 * quoted-printable with CR and LF encoded too (ending in a soft break),
 * uuencode (ending in the "`" line). */
void	tm_b64(struct sa *, const unsigned char *, size_t);
void	tm_qp(struct sa *, const unsigned char *, size_t);
void	tm_uu(struct sa *, const unsigned char *, size_t);
/* The whole of TM_TESTFILES/name into out (install clamav-testfiles). */
void	tm_readtestfile(const char *, struct sa *);
/* z = a zip of the n members at m, replacing what it held. */
void	tm_zip_build(struct sa *, const struct zmember *, size_t);

/* The private key of RFC 8032 7.1, TEST 1 (its public key is
 * d75a9801...511a); the caller frees it. */
EVP_PKEY *tm_rfc8032key(void);

#endif
