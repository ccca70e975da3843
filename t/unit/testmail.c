/* ISC license. */
/* testmail.c: test-message builders of check_cav.c and check_scanmsg.c;
 * see testmail.h. */
#include "sysdeps.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sa.h"
#include "testmail.h"
#include "unit.h"

/* Fail the test unless cond; a pass marks no point (see unit.c). */
#define TM_CHECK(cond) \
	do { \
		if (!(cond)) \
			ck_abort_msg("testmail: %s", #cond); \
	} while (0)

/* --- encoders ----------------------------------------------------- */

void
tm_cat(struct sa *m, const char *s)
{
	TM_CHECK(sa_cats(m, s) == 0);
}

void
tm_b64(struct sa *m, const unsigned char *p, size_t n)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			 q[4];
	size_t			 i, col = 0;
	unsigned long		 v;
	int			 bad = 0;

	/* no check per byte: each one is a write(2) for Check */
	for (i = 0; i < n; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = a[v >> 18 & 63];
		q[1] = a[v >> 12 & 63];
		q[2] = i + 1 < n ? a[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? a[v & 63] : '=';
		bad |= sa_catb(m, q, 4);
		if ((col += 4) == 76) {
			bad |= sa_catc(m, '\n');
			col = 0;
		}
	}
	TM_CHECK(bad == 0);
	tm_cat(m, "\n");
}

/* quoted-printable of binary data: CR and LF encoded too */
void
tm_qp(struct sa *m, const unsigned char *p, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 e[3] = { '=', 0, 0 };
	size_t			 i, col = 0;
	int			 bad = 0;

	for (i = 0; i < n; i++) {
		if (col >= 72) {
			bad |= sa_catb(m, "=\n", 2);
			col = 0;
		}
		if (p[i] >= 33 && p[i] <= 126 && p[i] != '=') {
			bad |= sa_catc(m, (char)p[i]);
			col++;
		} else {
			e[1] = hex[p[i] >> 4];
			e[2] = hex[p[i] & 15];
			bad |= sa_catb(m, e, 3);
			col += 3;
		}
	}
	TM_CHECK(bad == 0);
	tm_cat(m, "=\n");	/* no line break of its own after the data */
}

void
tm_uu(struct sa *m, const unsigned char *p, size_t n)
{
	size_t	 i, j, k;
	unsigned long v;
	int	 bad = 0;

#define UUC(x)	((char)((x) == 0 ? '`' : (x) + ' '))
	for (i = 0; i < n; i += 45) {
		k = n - i < 45 ? n - i : 45;
		bad |= sa_catc(m, UUC(k));
		for (j = 0; j < k; j += 3) {
			v = (unsigned long)p[i + j] << 16;
			if (j + 1 < k)
				v |= (unsigned long)p[i + j + 1] << 8;
			if (j + 2 < k)
				v |= p[i + j + 2];
			bad |= sa_catc(m, UUC(v >> 18 & 63));
			bad |= sa_catc(m, UUC(v >> 12 & 63));
			bad |= sa_catc(m, UUC(v >> 6 & 63));
			bad |= sa_catc(m, UUC(v & 63));
		}
		bad |= sa_catc(m, '\n');
	}
	TM_CHECK(bad == 0);
	tm_cat(m, "`\n");
#undef UUC
}

void
tm_readtestfile(const char *name, struct sa *out)
{
	char	 fn[UNIT_PATHSZ];
	int	 n;

	n = snprintf(fn, sizeof fn, "%s/%s", TM_TESTFILES, name);
	TM_CHECK(n > 0 && (size_t)n < sizeof fn);
	unit_readfile(fn, out);		/* fails: install clamav-testfiles */
}

/* --- zips ----------------------------------------------------------- */

static uint32_t
crc32b(uint32_t crc, const void *data, size_t n)
{
	const unsigned char	*p = data;
	int			 k;

	crc = ~crc;
	while (n-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xEDB88320U & (0U - (crc & 1)));
	}
	return ~crc;
}

static void
le(struct sa *z, unsigned long long v, int n)
{
	while (n-- > 0) {
		TM_CHECK(sa_catc(z, (char)(v & 0xff)) == 0);
		v >>= 8;
	}
}

/* deflate bits, LSB first; Huffman codes go MSB first */
struct bits {
	struct sa	*z;
	unsigned int	 cur, n;
	int		 bad;
};

static void
putcode(struct bits *b, unsigned int code, int len)
{
	while (len-- > 0) {
		b->cur |= (code >> len & 1) << b->n;
		if (++b->n == 8) {
			b->bad |= sa_catc(b->z, (char)b->cur);
			b->cur = b->n = 0;
		}
	}
}

/* one fixed-Huffman block: zeros NUL bytes (as length-258 copies of
 * distance 1), then the bytes of data (all below 144) as literals */
static void
deflate_zeros(struct sa *z, size_t zeros, const char *data, size_t n)
{
	struct bits	 b = { z, 0, 0, 0 };
	size_t		 i;

	putcode(&b, 1, 1);		/* BFINAL */
	putcode(&b, 2, 2);		/* BTYPE 01, bits reversed */
	if (zeros > 0) {
		putcode(&b, 0x30, 8);	/* literal 0 */
		for (i = 1; i + 258 <= zeros; i += 258) {
			putcode(&b, 0xC5, 8);	/* length 258 */
			putcode(&b, 0, 5);	/* distance 1 */
		}
		for (; i < zeros; i++)
			putcode(&b, 0x30, 8);
	}
	for (i = 0; i < n; i++) {
		b.bad |= (unsigned char)data[i] >= 144;
		putcode(&b, 0x30 + (unsigned char)data[i], 8);
	}
	putcode(&b, 0, 7);		/* end of block */
	if (b.n > 0)
		b.bad |= sa_catc(z, (char)b.cur);
	TM_CHECK(b.bad == 0);
}

/* one member's local header and data; its central record into cd */
static void
zip_member(struct sa *z, struct sa *cd, const struct zmember *m)
{
	struct sa	 body = SA_ZERO;
	uint32_t	 crc = 0;
	size_t		 i, usize = m->zeros + m->len, off = z->len;
	static const char zero[256];
	int		 z64 = (m->flags & Z_ZIP64) != 0, pass;

	for (i = m->zeros; i > 0; i -= i < 256 ? i : 256)
		crc = crc32b(crc, zero, i < 256 ? i : 256);
	crc = crc32b(crc, m->data, m->len);
	if (m->flags & Z_ENCRYPTED)
		TM_CHECK(sa_catb(&body, "0123456789ab", 12) == 0);
	if (m->flags & Z_DEFLATE)
		deflate_zeros(&body, m->zeros, m->data, m->len);
	else
		TM_CHECK(sa_catb(&body, m->data, m->len) == 0);
	for (pass = 0; pass < 2; pass++) {
		struct sa	*o = pass == 0 ? z : cd;

		le(o, pass == 0 ? 0x04034b50 : 0x02014b50, 4);
		if (pass == 1)
			le(o, z64 ? 45 : 20, 2);	/* made by */
		le(o, z64 ? 45 : 20, 2);		/* needed */
		le(o, m->flags & Z_ENCRYPTED ? 1 : 0, 2);
		le(o, m->flags & Z_DEFLATE ? 8 : 0, 2);
		le(o, 0, 2);				/* time */
		le(o, 0x21, 2);				/* 1980-01-01 */
		le(o, crc, 4);
		le(o, z64 ? 0xFFFFFFFFUL : body.len, 4);
		le(o, z64 ? 0xFFFFFFFFUL : usize, 4);
		le(o, strlen(m->name), 2);
		le(o, z64 ? 20 : 0, 2);			/* extra */
		if (pass == 1) {
			le(o, 0, 2 + 2 + 2 + 4);	/* comment..attrs */
			le(o, off, 4);
		}
		tm_cat(o, m->name);
		if (z64) {
			le(o, 1, 2);
			le(o, 16, 2);
			le(o, usize, 8);
			le(o, body.len, 8);
		}
		if (pass == 0)
			TM_CHECK(sa_cat(o, &body) == 0);
	}
	sa_free(&body);
}

void
tm_zip_build(struct sa *z, const struct zmember *m, size_t n)
{
	struct sa	 cd = SA_ZERO;
	size_t		 i, cdoff;

	z->len = 0;
	for (i = 0; i < n; i++)
		zip_member(z, &cd, &m[i]);
	cdoff = z->len;
	TM_CHECK(sa_cat(z, &cd) == 0);
	le(z, 0x06054b50, 4);
	le(z, 0, 4);
	le(z, n, 2);
	le(z, n, 2);
	le(z, cd.len, 4);
	le(z, cdoff, 4);
	le(z, 0, 2);
	sa_free(&cd);
}

EVP_PKEY *
tm_rfc8032key(void)
{
	static const unsigned char seed[32] = {
		0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84,
		0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69,
		0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae,
		0x7f, 0x60
	};
	EVP_PKEY	*k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519,
			    NULL, seed, sizeof seed);

	ck_assert_ptr_nonnull(k);
	return k;
}
