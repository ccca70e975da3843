/* ISC license. */
/* stampcanon.c: the canonical body and headers of mailward-stamp(5),
 * and their SHA-256. */
#include "sysdeps.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "hdr.h"
#include "sa.h"
#include "stamp.h"

typedef int (*stamp_sinkfn)(void *, const char *, size_t);

/* mailward-stamp(5) section 8; the last three decide how the body is
 * decoded, so that a stamp cannot be moved onto another reading of it,
 * and keep their white space: a boundary="a  b" is no boundary="a b" */
static const struct {
	const char	*name;
	int		 mime;
} hnames[] = {
	{ "from", 0 }, { "to", 0 }, { "cc", 0 }, { "subject", 0 },
	{ "date", 0 }, { "message-id", 0 }, { "mime-version", 1 },
	{ "content-type", 1 }, { "content-transfer-encoding", 1 }
};

#define ISWSP(c)	((c) == ' ' || (c) == '\t')

static int	canon_body(const char *, size_t, stamp_sinkfn, void *);
static int	canon_mime(struct sa *, const char *, size_t);
static int	canon_value(struct sa *, const char *, size_t);

static int
sink_sa(void *sa, const char *s, size_t n)
{
	return sa_catb(sa, s, n);
}

static int
sink_md(void *md, const char *s, size_t n)
{
	return EVP_DigestUpdate(md, s, n) == 1 ? 0 : -1;
}

/* Lines end in CRLF; empty lines at the end are dropped; a last line
 * without a line end gets one. */
static int
canon_body(const char *b, size_t n, stamp_sinkfn put, void *ctx)
{
	const char	*lf;
	size_t		 pos = 0, end, len, empty = 0;

	while (pos < n) {
		lf = memchr(b + pos, '\n', n - pos);
		end = lf != NULL ? (size_t)(lf - b) : n;
		len = end - pos;
		if (lf != NULL && len > 0 && b[end - 1] == '\r')
			len--;
		if (len == 0)
			empty++;
		else {
			for (; empty > 0; empty--)
				if (put(ctx, "\r\n", 2) == -1)
					return -1;
			if (put(ctx, b + pos, len) == -1 ||
			    put(ctx, "\r\n", 2) == -1)
				return -1;
		}
		pos = lf != NULL ? end + 1 : n;
	}
	return 0;
}

int
stamp_canonbody(const char *b, size_t n, struct sa *out)
{
	return canon_body(b, n, sink_sa, out);
}

/* Unfolded (every LF, and a CR before it, deleted), runs of SP and HTAB
 * made one SP, none at either end: the six fields of RFC 5322. */
static int
canon_value(struct sa *out, const char *v, size_t n)
{
	size_t	 i, start = out->len;
	int	 sp = 0;

	for (i = 0; i < n; i++) {
		if (v[i] == '\n' || (v[i] == '\r' && i + 1 < n &&
		    v[i + 1] == '\n'))
			continue;
		if (v[i] == ' ' || v[i] == '\t') {
			sp = 1;
			continue;
		}
		if (sp && out->len > start && sa_catc(out, ' ') == -1)
			return -1;
		sp = 0;
		if (sa_catc(out, v[i]) == -1)
			return -1;
	}
	return 0;
}

/* Unfolded (a line end before SP or HTAB deleted), SP and HTAB at
 * either end deleted, every other byte kept as it is. */
static int
canon_mime(struct sa *out, const char *v, size_t n)
{
	size_t	 i, start = out->len, keep = out->len;

	for (i = 0; i < n; i++) {
		if (v[i] == '\r' && i + 2 < n && v[i + 1] == '\n' &&
		    ISWSP(v[i + 2]))
			continue;
		if (v[i] == '\n' && i + 1 < n && ISWSP(v[i + 1]))
			continue;
		if (ISWSP(v[i]) && out->len == start)
			continue;
		if (sa_catc(out, v[i]) == -1)
			return -1;
		if (!ISWSP(v[i]))
			keep = out->len;
	}
	out->len = keep;
	return 0;
}

int
stamp_canonhdrs(const char *msg, size_t n, struct sa *out)
{
	struct hdr	 h;
	struct hdr_field f;
	size_t		 i;
	int		 r, found;
	int		(*canon)(struct sa *, const char *, size_t);

	for (i = 0; i < sizeof hnames / sizeof hnames[0]; i++) {
		canon = hnames[i].mime ? canon_mime : canon_value;
		hdr_init(&h, msg, n);
		found = 0;
		while ((r = hdr_next(&h, &f)) == HDR_FIELD) {
			if (!hdr_nameis(&f, hnames[i].name))
				continue;
			found = 1;
			if (sa_cats(out, hnames[i].name) == -1 ||
			    sa_catc(out, ':') == -1 ||
			    canon(out, f.value, f.valuelen) == -1 ||
			    sa_catb(out, "\r\n", 2) == -1)
				return STAMP_ERROR;
		}
		if (r == HDR_TOOLONG || r == HDR_TOOMANY)
			return STAMP_MALFORMED;
		if (!found && (sa_cats(out, hnames[i].name) == -1 ||
		    sa_cats(out, ":\r\n") == -1))
			return STAMP_ERROR;
	}
	return STAMP_VALID;
}

/* The body's offset, the number of status fields and the first one. */
int
stamp_split(const char *msg, size_t n, size_t *body, size_t *nstat,
    struct hdr_field *first)
{
	struct hdr	 h;
	struct hdr_field f;
	int		 r;

	hdr_init(&h, msg, n);
	*nstat = 0;
	while ((r = hdr_next(&h, &f)) == HDR_FIELD)
		if (hdr_nameis(&f, STAMP_NAME) && (*nstat)++ == 0 &&
		    first != NULL)
			*first = f;
	if (r == HDR_TOOLONG || r == HDR_TOOMANY)
		return STAMP_MALFORMED;
	*body = h.body;
	return STAMP_VALID;
}

int
stamp_hashes(const char *msg, size_t n, unsigned char *bh, unsigned char *hh)
{
	struct sa	 c = SA_ZERO;
	EVP_MD_CTX	*md;
	size_t		 body, nstat;
	unsigned int	 len;
	int		 r, ok;

	if ((r = stamp_split(msg, n, &body, &nstat, NULL)) != STAMP_VALID ||
	    (r = stamp_canonhdrs(msg, n, &c)) != STAMP_VALID) {
		sa_free(&c);
		return r;
	}
	if ((md = EVP_MD_CTX_new()) == NULL) {
		sa_free(&c);
		errno = ENOMEM;
		return STAMP_ERROR;
	}
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(md, c.s, c.len) == 1 &&
	    EVP_DigestFinal_ex(md, hh, &len) == 1 &&
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    canon_body(msg + body, n - body, sink_md, md) == 0 &&
	    EVP_DigestFinal_ex(md, bh, &len) == 1;
	EVP_MD_CTX_free(md);
	sa_free(&c);
	if (!ok) {
		errno = EIO;
		return STAMP_ERROR;
	}
	return STAMP_VALID;
}
