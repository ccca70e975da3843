/* ISC license. */
/* fuzz_mime.c: a libFuzzer harness for the MIME walker, the decoders
 * and the cleaner.  Every walk must pass the oracle of
 * t/unit/mimetree.h (offsets rebuild the message exactly); every part
 * decodes within its cap; when the walk is OK, each leaf is cleaned in
 * turn and the result must walk OK again, with the same bytes outside
 * the replaced part.  Not part of make check:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 \
 *     -D_POSIX_C_SOURCE=200809L -Ilib -It/unit -o fuzz_mime \
 *     t/fuzz/fuzz_mime.c lib/mime.c lib/mimeparam.c lib/mimedec.c \
 *     lib/mimeclean.c lib/sa.c
 *   ./fuzz_mime -max_total_time=60 t/data/mime t/data/fuzz/mime
 *
 * The first input byte picks the limits (depth 0..15, parts 1..64). */
#include "sysdeps.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "mimeclean.h"
#include "mimedec.h"
#include "mimetree.h"
#include "sa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
clean_each(const char *p, size_t n, const struct mime *m,
    unsigned int depth, size_t parts)
{
	struct mimeclean_item	 it = { 0, "V", "infected", 1 };
	struct mime		 m2 = MIME_ZERO;
	struct sa		 out = SA_ZERO;
	const struct mime_part	*t;
	size_t			 ti, tail;
	char			 why[256];

	for (it.part = 1; it.part < m->n; it.part++) {
		if (!mime_isleaf(&m->part[it.part]) ||
		    (ti = mimeclean_target(m, it.part)) == MIME_NONE)
			continue;
		if (mimeclean_build(p, n, m, &it, 1, "q", &out) !=
		    MIMECLEAN_OK)
			abort();
		t = &m->part[ti];
		tail = n - t->part_end;
		if (out.len < t->part_off + tail ||
		    memcmp(out.s, p, t->part_off) != 0 ||
		    memcmp(out.s + out.len - tail, p + t->part_end, tail) != 0)
			abort();
		/* a notice is one leaf: no deeper, no more parts */
		if (mime_walk(&m2, out.s, out.len, depth, parts) != MIME_OK ||
		    mimetree_check(out.s, out.len, &m2, why, sizeof why) != 0)
			abort();
	}
	mime_free(&m2);
	sa_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t n)
{
	const char	*p = (const char *)buf + 1;
	struct mime	 m = MIME_ZERO;
	struct sa	 dec = SA_ZERO;
	char		 why[256];
	size_t		 i, parts;
	unsigned int	 depth;
	int		 r;

	if (n < 1)
		return 0;
	n--;
	depth = buf[0] & 15;
	parts = (size_t)(buf[0] >> 4) * 4 + 1;
	r = mime_walk(&m, p, n, depth, parts);
	if (r == MIME_NOMEM || m.outcome != r)
		abort();
	if ((r == MIME_OK || r == MIME_MALFORMED) &&
	    mimetree_check(p, n, &m, why, sizeof why) != 0)
		abort();
	for (i = 0; i < m.n; i++)
		if (mimedec_part(p, &m.part[i], &dec, 4096) == MIMEDEC_NOMEM ||
		    dec.len > 4096)
			abort();
	if (r == MIME_OK)
		clean_each(p, n, &m, depth, parts);
	mime_free(&m);
	sa_free(&dec);
	return 0;
}
