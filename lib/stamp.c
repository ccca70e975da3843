/* ISC license. */
/* stamp.c: build, parse and verify the signed status header; the
 * format is specified in mailward-stamp(5), section by section. */
#include "sysdeps.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "hdr.h"
#include "sa.h"
#include "stamp.h"

#define B64HASH		44	/* base64 of STAMP_HASHLEN bytes */
#define B64SIG		88	/* base64 of STAMP_SIGLEN bytes */
#define NTAGS		8
#define MAXTIME		20	/* digits of t= */

static const char	 b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char *const tags[NTAGS] = {
	"v", "verdict", "t", "k", "e", "bh", "hh", "s"
};
static const char *const verdicts[] = {
	"clean", "cleaned", "quarantined", "released"
};

static void	b64enc(char *, const unsigned char *, size_t);
static int	b64dec(unsigned char *, size_t, const char *, size_t);
static int	fold(struct sa *, const char *, size_t, const char *);
static int	make(struct sa *, const struct stamp_in *, const char *,
		    size_t, const char *);
static int	tag(struct stamp *, size_t, const char *, size_t);
static int	findkey(EVP_PKEY *const *, size_t, const char *, EVP_PKEY **);

/* --- base64 (RFC 4648, with padding; decoding is strict) --- */

static void
b64enc(char *out, const unsigned char *in, size_t n)
{
	unsigned long	 v;
	size_t		 i, o = 0;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
}

/* Exactly the encoding b64enc() gives of n bytes, nothing else. */
static int
b64dec(unsigned char *out, size_t n, const char *s, size_t len)
{
	char		 again[B64SIG + 1];
	const char	*p;
	unsigned long	 v;
	size_t		 i, k, o = 0;

	if (n > STAMP_SIGLEN || len != 4 * ((n + 2) / 3))
		return -1;
	for (i = 0; i < len; i += 4) {
		for (v = 0, k = 0; k < 4; k++) {
			p = s[i + k] == '=' ? b64 : memchr(b64,
			    (unsigned char)s[i + k], 64);
			if (p == NULL)
				return -1;
			v = v << 6 | (unsigned long)(p - b64);
		}
		for (k = 0; k < 3 && o < n; k++)
			out[o++] = (unsigned char)(v >> (16 - 8 * k) & 255);
	}
	b64enc(again, out, n);
	return memcmp(again, s, len) == 0 ? 0 : -1;
}

/* "scanned" words become one token: words joined by ',', each byte
 * outside [A-Za-z0-9._/:+-] written %HH. */
int
stamp_engine(struct sa *out, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i, start = out->len;
	int			 sep = 0, r = 0;
	unsigned char		 c;

	for (i = 0; i < n && r == 0; i++) {
		c = (unsigned char)s[i];
		if (c == ' ') {
			sep = out->len > start;
			continue;
		}
		if (sep)
			r = sa_catc(out, ',');
		sep = 0;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c != '\0' &&
		    strchr("._/:+-", c) != NULL))
			r = r == 0 ? sa_catc(out, (char)c) : r;
		else if (r == 0 && (sa_catc(out, '%') == -1 ||
		    sa_catc(out, hex[c >> 4]) == -1 ||
		    sa_catc(out, hex[c & 15]) == -1))
			r = -1;
	}
	if (r == 0 && (out->len == start || out->len - start >
	    STAMP_MAXENGINE)) {
		errno = EINVAL;
		r = -1;
	}
	if (r == -1)
		out->len = start;
	return r;
}

/* an upper-case hex digit's value (stamp_engine writes those), or -1 */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
stamp_unengine(struct sa *out, const char *e)
{
	size_t	 start = out->len;
	int	 hi, lo, r = 0;
	char	 c;

	for (; *e != '\0' && r == 0; e++) {
		c = *e;
		if (c == ',')
			c = ' ';
		else if (c == '%') {
			hi = e[1] == '\0' ? -1 : hexval(e[1]);
			lo = hi == -1 || e[2] == '\0' ? -1 : hexval(e[2]);
			if (hi == -1 || lo == -1 || (hi << 4 | lo) < 0x20 ||
			    (hi << 4 | lo) == 0x7f) {
				errno = EINVAL;
				r = -1;
				break;
			}
			c = (char)(hi << 4 | lo);
			e += 2;
		}
		r = sa_catc(out, c);
	}
	if (r == -1)
		out->len = start;
	return r;
}

/* --- writing --- */

/* "NAME:" and the tags (s holds them joined by "; "), folded before
 * the SP of a "; " where a line would pass STAMP_FOLD columns; a tag
 * longer than a line is cut with FWS inside its value. */
static int
fold(struct sa *out, const char *s, size_t n, const char *eol)
{
	const char	*semi;
	size_t		 col = sizeof STAMP_NAME, i, j, len, room;

	if (sa_cats(out, STAMP_NAME ":") == -1)
		return -1;
	for (i = 0; i < n; i = j + 2) {
		semi = memchr(s + i, ';', n - i);
		j = semi != NULL ? (size_t)(semi - s) : n;
		len = j - i + (j < n);		/* the tag and its ';' */
		if (col + 1 + len > STAMP_FOLD && col > 1) {
			if (sa_cats(out, eol) == -1)
				return -1;
			col = 0;
		}
		if (sa_catc(out, ' ') == -1)
			return -1;
		col++;
		while (col + len > STAMP_FOLD) {
			room = STAMP_FOLD - col;
			if (sa_catb(out, s + i, room) == -1 ||
			    sa_cats(out, eol) == -1 || sa_catc(out, ' ') == -1)
				return -1;
			col = 1;
			i += room;
			len -= room;
		}
		if (sa_catb(out, s + i, len) == -1)
			return -1;
		col += len;
	}
	return sa_cats(out, eol);
}

static int
make(struct sa *out, const struct stamp_in *in, const char *msg, size_t n,
    const char *eol)
{
	struct sa	 e = SA_ZERO, tbs = SA_ZERO;
	unsigned char	 bh[STAMP_HASHLEN], hh[STAMP_HASHLEN];
	unsigned char	 sig[STAMP_SIGLEN];
	char		 bhb[B64HASH + 1], hhb[B64HASH + 1], sigb[B64SIG + 1];
	char		 kid[STAMP_KEYIDLEN + 1];
	int		 r;

	if (in->verdict < 0 || in->verdict > STAMP_RELEASED ||
	    stamp_engine(&e, in->scanned, in->scannedlen) == -1) {
		errno = EINVAL;
		return STAMP_MALFORMED;
	}
	if ((r = stamp_hashes(msg, n, bh, hh)) != STAMP_VALID) {
		sa_free(&e);
		return r;
	}
	b64enc(bhb, bh, sizeof bh);
	b64enc(hhb, hh, sizeof hh);
	r = STAMP_ERROR;
	if (stamp_keyid(in->key, kid) == 0 &&
	    sa_catf(&tbs, "v=1; verdict=%s; t=%llu; k=%s; e=",
	    verdicts[in->verdict], in->t, kid) == 0 && sa_cat(&tbs, &e) == 0 &&
	    sa_catf(&tbs, "; bh=%s; hh=%s", bhb, hhb) == 0 &&
	    stamp_sign(in->key, tbs.s, tbs.len, sig) == 0) {
		b64enc(sigb, sig, sizeof sig);
		if (sa_catf(&tbs, "; s=%s", sigb) == 0 &&
		    fold(out, tbs.s, tbs.len, eol) == 0)
			r = STAMP_VALID;
	}
	sa_free(&e);
	sa_free(&tbs);
	return r;
}

int
stamp_strip(struct sa *out, const char *msg, size_t n, size_t *removed)
{
	struct hdr	 h;
	struct hdr_field f;
	size_t		 from = 0;

	int		 r;

	*removed = 0;
	hdr_init(&h, msg, n);
	while ((r = hdr_next(&h, &f)) == HDR_FIELD) {
		if (!hdr_nameis(&f, STAMP_NAME))
			continue;
		if (sa_catb(out, msg + from, f.off - from) == -1)
			return -1;
		from = f.off + f.len;
		(*removed)++;
	}
	/* past a cap the fields are not all seen: one may hide there */
	if (r == HDR_TOOLONG || r == HDR_TOOMANY) {
		errno = EMSGSIZE;
		return -1;
	}
	return sa_catb(out, msg + from, n - from);
}

int
stamp_apply(struct sa *out, const struct stamp_in *in, const char *msg,
    size_t n, size_t *removed)
{
	struct stamp	 st;
	EVP_PKEY	*key = in->key;
	const char	*lf = n > 0 ? memchr(msg, '\n', n) : NULL;
	size_t		 start = out->len;
	int		 r;

	*removed = 0;
	/* a first line that is folding would join our field */
	if (n > 0 && (msg[0] == ' ' || msg[0] == '\t'))
		return STAMP_MALFORMED;
	r = make(out, in, msg, n, lf != NULL && lf > msg && lf[-1] == '\r' ?
	    "\r\n" : "\n");
	if (r == STAMP_VALID && stamp_strip(out, msg, n, removed) == -1)
		r = STAMP_ERROR;
	/* it must verify: our field may take the section over a cap */
	if (r == STAMP_VALID && (r = stamp_verify(&st, out->s + start,
	    out->len - start, &key, 1, in->t, 0)) != STAMP_ERROR &&
	    r != STAMP_VALID)
		r = STAMP_MALFORMED;
	if (r != STAMP_VALID)
		out->len = start;
	return r;
}

/* --- reading --- */

static int
tag(struct stamp *st, size_t i, const char *v, size_t n)
{
	size_t	 k;

	switch (i) {
	case 0:
		return n == 1 && v[0] == '1' ? 0 : -1;
	case 1:
		return (st->verdict = stamp_verdictparse(v, n)) == -1 ? -1 : 0;
	case 2:
		if (n == 0 || n > MAXTIME || (v[0] == '0' && n > 1))
			return -1;
		for (k = 0; k < n; k++)
			if (v[k] < '0' || v[k] > '9' ||
			    __builtin_mul_overflow(st->t, 10, &st->t) ||
			    __builtin_add_overflow(st->t,
			    (unsigned)(v[k] - '0'), &st->t))
				return -1;
		return 0;
	case 3:
	case 4:
		if (n == 0 || n > (i == 3 ? STAMP_KEYIDLEN : STAMP_MAXENGINE) ||
		    (i == 3 && n != STAMP_KEYIDLEN))
			return -1;
		for (k = 0; k < n; k++)
			if (i == 3 ? strchr("0123456789abcdef", v[k]) == NULL :
			    strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
			    "RSTUVWXYZ0123456789._/:+-,%", v[k]) == NULL)
				return -1;
		memcpy(i == 3 ? st->k : st->e, v, n);
		return 0;
	case 5:
	case 6:
		return b64dec(i == 5 ? st->bh : st->hh, STAMP_HASHLEN, v, n);
	default:
		return b64dec(st->sig, STAMP_SIGLEN, v, n);
	}
}

int
stamp_parse(struct stamp *st, const char *v, size_t n)
{
	char		 buf[STAMP_MAXVALUE];
	const char	*eq;
	size_t		 len = 0, i, p, q, nl;

	memset(st, 0, sizeof *st);
	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)v[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c < 33 || c > 126 || len == sizeof buf)
			return STAMP_MALFORMED;
		buf[len++] = (char)c;
	}
	for (i = 0, p = 0; i < NTAGS; i++, p = q + 1) {
		if (p > len)
			return STAMP_MALFORMED;
		for (q = p; q < len && buf[q] != ';'; q++)
			;
		if ((q == len) != (i == NTAGS - 1))
			return STAMP_MALFORMED;
		nl = strlen(tags[i]);
		eq = memchr(buf + p, '=', q - p);
		if (eq == NULL || (size_t)(eq - buf) - p != nl ||
		    memcmp(buf + p, tags[i], nl) != 0 ||
		    tag(st, i, eq + 1, q - p - nl - 1) == -1)
			return STAMP_MALFORMED;
		if (i == NTAGS - 1)
			break;
		if (st->tbslen + 2 + q - p > sizeof st->tbs)
			return STAMP_MALFORMED;
		if (i > 0) {
			memcpy(st->tbs + st->tbslen, "; ", 2);
			st->tbslen += 2;
		}
		memcpy(st->tbs + st->tbslen, buf + p, q - p);
		st->tbslen += q - p;
	}
	return STAMP_VALID;
}

static int
findkey(EVP_PKEY *const *keys, size_t nkeys, const char *k, EVP_PKEY **out)
{
	char	 id[STAMP_KEYIDLEN + 1];
	size_t	 i;

	for (i = 0; i < nkeys; i++) {
		if (stamp_keyid(keys[i], id) == -1)
			return STAMP_ERROR;
		if (memcmp(id, k, STAMP_KEYIDLEN) == 0) {
			*out = keys[i];
			return STAMP_VALID;
		}
	}
	return STAMP_UNKNOWNKEY;
}

int
stamp_verify(struct stamp *st, const char *msg, size_t n,
    EVP_PKEY *const *keys, size_t nkeys, unsigned long long now,
    unsigned long long maxage)
{
	struct hdr_field f;
	EVP_PKEY	*key = NULL;
	unsigned char	 bh[STAMP_HASHLEN], hh[STAMP_HASHLEN];
	size_t		 body, nstat;
	int		 r;

	memset(st, 0, sizeof *st);
	if ((r = stamp_split(msg, n, &body, &nstat, &f)) != STAMP_VALID)
		return r;
	if (nstat != 1)
		return nstat == 0 ? STAMP_NONE : STAMP_MULTI;
	if ((r = stamp_parse(st, f.value, f.valuelen)) != STAMP_VALID ||
	    (r = findkey(keys, nkeys, st->k, &key)) != STAMP_VALID)
		return r;
	switch (stamp_sigok(key, st->tbs, st->tbslen, st->sig)) {
	case -1:
		return STAMP_ERROR;
	case 0:
		return STAMP_BADSIG;
	}
	if (st->t > now && st->t - now > STAMP_SKEW)
		return STAMP_FUTURE;
	if (now > st->t && now - st->t > maxage)
		return STAMP_EXPIRED;
	if ((r = stamp_hashes(msg, n, bh, hh)) != STAMP_VALID)
		return r;
	if (memcmp(bh, st->bh, sizeof bh) != 0)
		return STAMP_BODY;
	if (memcmp(hh, st->hh, sizeof hh) != 0)
		return STAMP_HEADERS;
	return STAMP_VALID;
}

const char *
stamp_strerror(int r)
{
	static const char *const words[] = {
		"valid", "error", "no-stamp", "multiple-stamps", "malformed",
		"unknown-key", "bad-signature", "expired", "future",
		"body-changed", "headers-changed"
	};

	if (r < 0 || (size_t)r >= sizeof words / sizeof words[0])
		return "unknown";
	return words[r];
}

const char *
stamp_verdictname(int v)
{
	if (v < 0 || v > STAMP_RELEASED)
		return "unknown";
	return verdicts[v];
}

int
stamp_verdictparse(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++)
		if (strlen(verdicts[i]) == n && memcmp(s, verdicts[i], n) == 0)
			return (int)i;
	return -1;
}
