/* ISC license. */
/* fuzz_smtp.c: a libFuzzer harness for smtp-recv's parsers: the command
 * line reader, the command parsers and the DATA/BDAT state machine (fed
 * in the chunks the input asks for, and checked to survive a round trip
 * through a relay's encoding unchanged).  Not part of make check:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 \
 *     -D_POSIX_C_SOURCE=200809L -Ilib -o fuzz_smtp t/fuzz/fuzz_smtp.c \
 *     lib/smtpdata.c lib/smtpcmd.c lib/smtpline.c lib/addr.c lib/sa.c \
 *     lib/bio.c
 *   ./fuzz_smtp -max_total_time=60 t/data/fuzz/smtp */
#include "sysdeps.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bio.h"
#include "sa.h"
#include "smtpcmd.h"
#include "smtpdata.h"
#include "smtpline.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
encode(const struct sa *msg, struct sa *wire)
{
	size_t	 i;
	int	 bol = 1;

	wire->len = 0;
	for (i = 0; i < msg->len; i++) {
		if (bol && msg->s[i] == '.')
			(void)sa_catc(wire, '.');
		if (msg->s[i] == '\n')
			(void)sa_catc(wire, '\r');
		(void)sa_catc(wire, msg->s[i]);
		bol = msg->s[i] == '\n';
	}
	if (!bol)
		(void)sa_cats(wire, "\r\n");
	(void)sa_cats(wire, ".\r\n");
}

static void
data(const char *p, size_t n, int mode, size_t chunk)
{
	struct smtpdata	 d;
	struct sa	 msg = SA_ZERO, wire = SA_ZERO, again = SA_ZERO;
	size_t		 pos = 0, take, used;
	int		 r = SMTPDATA_MORE;

	smtpdata_init(&d, mode, 0, smtpdata_sink_sa, &msg);
	while (pos < n && r != SMTPDATA_END) {
		take = chunk == 0 || chunk > n - pos ? n - pos : chunk;
		r = smtpdata_feed(&d, p + pos, take, &used);
		if (used > take || (r != SMTPDATA_END && used != take))
			abort();
		pos += used;
	}
	if (mode == SMTPDATA_BDAT)
		smtpdata_finish(&d);
	if (memchr(msg.s, '\r', msg.len) != NULL)
		abort();		/* no CR is ever stored */
	if (mode == SMTPDATA_DOT && r == SMTPDATA_END) {
		encode(&msg, &wire);
		smtpdata_init(&d, SMTPDATA_DOT, 0, smtpdata_sink_sa, &again);
		if (smtpdata_feed(&d, wire.s, wire.len, &used) !=
		    SMTPDATA_END || used != wire.len || d.flags != 0 ||
		    again.len != msg.len ||
		    (msg.len > 0 && memcmp(again.s, msg.s, msg.len) != 0))
			abort();
	}
	sa_free(&msg);
	sa_free(&wire);
	sa_free(&again);
}

static void
commands(const char *p, size_t n, size_t chunk)
{
	struct bio		 in;
	struct sa		 line = SA_ZERO, a = SA_ZERO;
	struct smtpcmd		 c;
	struct smtpcmd_mail	 m = SMTPCMD_MAIL_ZERO;
	unsigned long long	 size;
	char			 buf[64];
	int			 last, r;

	bio_init_mem(&in, p, n, buf, sizeof buf);
	in.memchunk = chunk;
	while ((r = smtpline_read(&in, &line, 512)) != SMTPLINE_EOF) {
		if (r != SMTPLINE_OK)
			continue;
		if (memchr(line.s, '\0', line.len) != NULL || line.len > 512)
			abort();
		(void)smtpcmd_parse(line.s, line.len, &c);
		if (c.arg == NULL)
			continue;
		(void)smtpcmd_helo(c.arg, c.arglen, &a);
		(void)smtpcmd_mail(c.arg, c.arglen, &m);
		(void)smtpcmd_rcpt(c.arg, c.arglen, 1, &a);
		(void)smtpcmd_bdat(c.arg, c.arglen, &size, &last);
	}
	sa_free(&line);
	sa_free(&a);
	sa_free(&m.addr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t n)
{
	const char	*p = (const char *)buf;

	if (n < 2)
		return 0;
	switch (buf[0] % 3) {
	case 0:
		data(p + 2, n - 2, SMTPDATA_DOT, buf[1] % 16);
		break;
	case 1:
		data(p + 2, n - 2, SMTPDATA_BDAT, buf[1] % 16);
		break;
	default:
		commands(p + 2, n - 2, buf[1] % 16);
	}
	return 0;
}
