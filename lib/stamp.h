/* ISC license. */
/* stamp.h: the signed status header X-Mailward-Status; mailward-stamp(5)
 * is the format's specification, and this module implements it.
 *
 * A message here is the bytes after a spool file's envelope block (or a
 * bare message), LF or CRLF line ends.  stamp_apply() removes every
 * status field from the header section and puts a new, signed one on
 * top; stamp_verify() checks the one status field against a list of
 * public keys, the clock and the message.  Pure functions over buffers:
 * no file, no exit, no output.  Keys are OpenSSL Ed25519 EVP_PKEYs
 * parsed from PEM in memory (stampkey.c).  On STAMP_ERROR (or -1) errno
 * is set; an OpenSSL failure sets EIO and leaves OpenSSL's error queue
 * to the caller. */
#ifndef MW_STAMP_H
#define MW_STAMP_H

#include <stddef.h>
#include <openssl/evp.h>

#include "hdr.h"
#include "sa.h"

#define STAMP_NAME	"X-Mailward-Status"
#define STAMP_KEYIDLEN	16	/* hex digits */
#define STAMP_HASHLEN	32	/* SHA-256 */
#define STAMP_SIGLEN	64	/* Ed25519 */
#define STAMP_MAXENGINE	512	/* e= as written */
#define STAMP_MAXVALUE	2048	/* a field's value without white space */
#define STAMP_MAXTBS	1024	/* the signed string */
#define STAMP_SKEW	300	/* seconds a stamp may lie in the future */
#define STAMP_FOLD	78	/* fold lines at this many columns */
#define STAMP_MAXKEY	16384	/* a PEM key file */

/* RELEASED: an operator let it out of the quarantine without a new
 * scan (mailward-quarantine(1) release --force) */
enum stamp_verdict { STAMP_CLEAN, STAMP_CLEANED, STAMP_QUARANTINED,
	STAMP_RELEASED };

enum stamp_result {
	STAMP_VALID = 0,
	STAMP_ERROR,		/* memory, OpenSSL: errno set */
	STAMP_NONE,		/* no status field */
	STAMP_MULTI,		/* more than one */
	STAMP_MALFORMED,	/* the field, or the header section */
	STAMP_UNKNOWNKEY,	/* k= names none of the keys */
	STAMP_BADSIG,
	STAMP_EXPIRED,		/* older than the maximum age */
	STAMP_FUTURE,		/* more than STAMP_SKEW ahead */
	STAMP_BODY,		/* bh= differs: the body changed */
	STAMP_HEADERS		/* hh= differs: a selected header changed */
};

/* A parsed status field. */
struct stamp {
	int			 verdict;
	unsigned long long	 t;
	char			 k[STAMP_KEYIDLEN + 1];
	char			 e[STAMP_MAXENGINE + 1];
	unsigned char		 bh[STAMP_HASHLEN];
	unsigned char		 hh[STAMP_HASHLEN];
	unsigned char		 sig[STAMP_SIGLEN];
	char			 tbs[STAMP_MAXTBS];	/* the signed string */
	size_t			 tbslen;
};

/* What stamp_apply() signs. */
struct stamp_in {
	EVP_PKEY		*key;		/* private */
	int			 verdict;
	unsigned long long	 t;
	const char		*scanned;	/* envelope key "scanned" */
	size_t			 scannedlen;
};

/* The header section of msg (see hdr.h; a line that is no field starts
 * the body): the body's offset, the number of status fields and the
 * first of them (if not NULL).  VALID, or MALFORMED over a cap. */
int	stamp_split(const char *, size_t, size_t *, size_t *,
	    struct hdr_field *);
/* canonical forms (appended to the sa) and their SHA-256 (stampcanon.c) */
int	stamp_canonbody(const char *, size_t, struct sa *);	/* 0, -1 */
int	stamp_canonhdrs(const char *, size_t, struct sa *);	/* result */
int	stamp_hashes(const char *, size_t, unsigned char *,
	    unsigned char *);		/* bh, hh: VALID, MALFORMED, ERROR */
/* the e= token of a "scanned" value; -1 EINVAL if empty or too long */
int	stamp_engine(struct sa *, const char *, size_t);
/* its inverse: a parsed e= (NUL-terminated) back to the space-separated
 * "scanned" value it was made from; -1 EINVAL on a bad %XX or a byte
 * that no "scanned" value may hold (a control byte, NUL). */
int	stamp_unengine(struct sa *, const char *);

/* out += msg without its status fields; *removed counts those.  0, or
 * -1: ENOMEM, or EMSGSIZE when the header section is over the caps of
 * hdr.h, so that a status field past them could not be found. */
int	stamp_strip(struct sa *, const char *, size_t, size_t *);
/* out = the new status field + msg without its status fields; *removed
 * counts those.  VALID, MALFORMED (header caps), ERROR. */
int	stamp_apply(struct sa *, const struct stamp_in *, const char *,
	    size_t, size_t *);
/* Parse a field's raw value (after the ':'): VALID or MALFORMED. */
int	stamp_parse(struct stamp *, const char *, size_t);
/* Check msg's status field with keys at time now: a stamp_result. */
int	stamp_verify(struct stamp *, const char *, size_t,
	    EVP_PKEY *const *, size_t, unsigned long long, unsigned long long);
const char *stamp_strerror(int);	/* a reason word: "body-changed" */
const char *stamp_verdictname(int);
int	stamp_verdictparse(const char *, size_t);	/* -1 if none */

/* keys (stampkey.c) */
EVP_PKEY *stamp_keynew(void);
/* PEM: PKCS#8 private key (priv) or SubjectPublicKeyInfo; Ed25519 only;
 * NULL with EINVAL otherwise.  Never asks for a passphrase. */
EVP_PKEY *stamp_keyparse(const char *, size_t, int);
/* A key file's contents (at most STAMP_MAXKEY bytes, else EFBIG) from
 * fd into out.  0, or -1 with errno. */
int	stamp_keyread(int, struct sa *);
/* Public keys from path, a PEM file or a directory whose NAME.pub files
 * (not starting with a dot) are all read, into keys[*n..max-1]; *n
 * counts them.  0, or -1 with "PATH: reason" appended to err. */
int	stamp_pubload(const char *, EVP_PKEY **, size_t, size_t *,
	    struct sa *);
/* Append the key's PEM to an empty sa; wipe it with stamp_wipe(). */
int	stamp_keypem(EVP_PKEY *, int, struct sa *);
/* First 16 hex digits of SHA-256 of the raw public key, NUL-ended. */
int	stamp_keyid(EVP_PKEY *, char *);
int	stamp_sign(EVP_PKEY *, const char *, size_t, unsigned char *);
int	stamp_sigok(EVP_PKEY *, const char *, size_t, const unsigned char *);
void	stamp_wipe(struct sa *);	/* cleanse, then free */

#endif
