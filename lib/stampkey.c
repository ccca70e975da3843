/* ISC license. */
/* stampkey.c: Ed25519 keys, key ids and signatures for stamp.h. */
#include "sysdeps.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "sa.h"
#include "stamp.h"

#define RAWLEN	32	/* an Ed25519 public key */

static int
nopass(char *buf, int size, int rw, void *u)
{
	(void)buf;
	(void)size;
	(void)rw;
	(void)u;
	return -1;	/* an encrypted key is refused, never prompted for */
}

EVP_PKEY *
stamp_keynew(void)
{
	EVP_PKEY_CTX	*c;
	EVP_PKEY	*k = NULL;

	if ((c = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (EVP_PKEY_keygen_init(c) != 1 || EVP_PKEY_keygen(c, &k) != 1) {
		k = NULL;
		errno = EIO;
	}
	EVP_PKEY_CTX_free(c);
	return k;
}

EVP_PKEY *
stamp_keyparse(const char *pem, size_t n, int priv)
{
	BIO		*b;
	EVP_PKEY	*k;

	if (n > INT_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((b = BIO_new_mem_buf(pem, (int)n)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	k = priv ? PEM_read_bio_PrivateKey(b, NULL, nopass, NULL) :
	    PEM_read_bio_PUBKEY(b, NULL, nopass, NULL);
	BIO_free(b);
	if (k != NULL && EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	if (k == NULL) {
		ERR_clear_error();
		errno = EINVAL;
	}
	return k;
}

int
stamp_keypem(EVP_PKEY *k, int priv, struct sa *out)
{
	BIO	*b;
	BUF_MEM	*m = NULL;
	int	 ok, r = -1;

	/* secure memory BIO: its buffer is cleansed when freed */
	if ((b = BIO_new(BIO_s_secmem())) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	ok = priv ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) :
	    PEM_write_bio_PUBKEY(b, k);
	if (ok != 1 || BIO_get_mem_ptr(b, &m) != 1 || m == NULL)
		errno = EIO;
	else if (sa_ready(out, out->len + m->length) == 0 &&
	    sa_catb(out, m->data, m->length) == 0)
		r = 0;
	BIO_free(b);
	return r;
}

int
stamp_keyid(EVP_PKEY *k, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 raw[RAWLEN], md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0;
	size_t			 n = sizeof raw, i;

	if (EVP_PKEY_get_raw_public_key(k, raw, &n) != 1 || n != RAWLEN) {
		ERR_clear_error();
		errno = EINVAL;
		return -1;
	}
	if (EVP_Digest(raw, n, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen < STAMP_KEYIDLEN / 2) {
		errno = EIO;
		return -1;
	}
	for (i = 0; i < STAMP_KEYIDLEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[STAMP_KEYIDLEN] = '\0';
	return 0;
}

int
stamp_sign(EVP_PKEY *k, const char *m, size_t n, unsigned char *sig)
{
	EVP_MD_CTX	*c;
	size_t		 len = STAMP_SIGLEN;
	int		 ok;

	if ((c = EVP_MD_CTX_new()) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	ok = EVP_DigestSignInit(c, NULL, NULL, NULL, k) == 1 &&
	    EVP_DigestSign(c, sig, &len, (const unsigned char *)m, n) == 1 &&
	    len == STAMP_SIGLEN;
	EVP_MD_CTX_free(c);
	if (!ok) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* 1 if sig is k's signature of m, 0 if not, -1 on error. */
int
stamp_sigok(EVP_PKEY *k, const char *m, size_t n, const unsigned char *sig)
{
	EVP_MD_CTX	*c;
	int		 r;

	if ((c = EVP_MD_CTX_new()) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (EVP_DigestVerifyInit(c, NULL, NULL, NULL, k) != 1) {
		EVP_MD_CTX_free(c);
		errno = EIO;
		return -1;
	}
	r = EVP_DigestVerify(c, sig, STAMP_SIGLEN, (const unsigned char *)m,
	    n) == 1;
	EVP_MD_CTX_free(c);
	ERR_clear_error();
	return r;
}

void
stamp_wipe(struct sa *s)
{
	if (s->s != NULL)
		OPENSSL_cleanse(s->s, s->a);
	sa_free(s);
}

int
stamp_keyread(int fd, struct sa *out)
{
	ssize_t	 r;

	if (sa_ready(out, STAMP_MAXKEY + 1) == -1)
		return -1;
	while ((r = read(fd, out->s + out->len, STAMP_MAXKEY + 1 -
	    out->len)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		out->len += (size_t)r;
		if (out->len > STAMP_MAXKEY) {
			errno = EFBIG;
			return -1;
		}
	}
	return 0;
}

/* one public key file into keys[*n] */
static int
stamp_pubfile(const char *fn, EVP_PKEY **keys, size_t max, size_t *n,
    struct sa *err)
{
	struct sa	 pem = SA_ZERO;
	struct stat	 st;
	int		 fd, r;

	if (*n == max) {
		(void)sa_catf(err, "%s: more than %zu public keys", fn, max);
		errno = E2BIG;
		return -1;
	}
	if ((fd = open(fn, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1 ||
	    fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		(void)sa_catf(err, "%s: %s", fn, fd != -1 &&
		    !S_ISREG(st.st_mode) ? "not a regular file" :
		    strerror(errno));
		if (fd != -1)
			(void)close(fd);
		sa_free(&pem);
		return -1;
	}
	r = stamp_keyread(fd, &pem);
	(void)close(fd);
	if (r == -1 || (keys[*n] = stamp_keyparse(pem.s, pem.len, 0)) ==
	    NULL) {
		(void)sa_catf(err, "%s: %s", fn, r == -1 ? (errno == EFBIG ?
		    "too large for a key" : strerror(errno)) :
		    "not an Ed25519 PEM public key (SubjectPublicKeyInfo)");
		sa_free(&pem);
		errno = EINVAL;
		return -1;
	}
	(*n)++;
	sa_free(&pem);
	return 0;
}

int
stamp_pubload(const char *path, EVP_PKEY **keys, size_t max, size_t *n,
    struct sa *err)
{
	struct sa	 fn = SA_ZERO;
	struct dirent	*d;
	DIR		*dir;
	size_t		 len;
	int		 r = 0;

	if ((dir = opendir(path)) == NULL) {
		if (errno == ENOTDIR)
			return stamp_pubfile(path, keys, max, n, err);
		(void)sa_catf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (r == 0 && (errno = 0, d = readdir(dir)) != NULL) {
		len = strlen(d->d_name);
		if (d->d_name[0] == '.' || len < 5 ||
		    strcmp(d->d_name + len - 4, ".pub") != 0)
			continue;
		fn.len = 0;
		if (sa_catf(&fn, "%s/%s", path, d->d_name) == -1 ||
		    sa_0(&fn) == -1)
			r = -1;
		else
			r = stamp_pubfile(fn.s, keys, max, n, err);
	}
	if (r == 0 && errno != 0) {
		(void)sa_catf(err, "%s: %s", path, strerror(errno));
		r = -1;
	}
	(void)closedir(dir);
	sa_free(&fn);
	return r;
}
