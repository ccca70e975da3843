/* ISC license. */
/* smtpline.c: bounded SMTP command lines and data over a bio; see
 * smtpline.h. */
#include "sysdeps.h"

#include <errno.h>
#include <string.h>

#include "bio.h"
#include "sa.h"
#include "smtpdata.h"
#include "smtpline.h"

static ssize_t	more(struct bio *);
static int	finish(struct sa *, size_t, int);

/* Make sure input is buffered: >0 bytes buffered, 0 EOF, -1 error. */
static ssize_t
more(struct bio *in)
{
	if (bio_buffered(in) > 0)
		return (ssize_t)bio_buffered(in);
	return bio_fill(in);
}

static int
finish(struct sa *line, size_t max, int toolong)
{
	size_t	i;

	if (toolong) {
		line->len = 0;
		return SMTPLINE_TOOLONG;
	}
	if (line->len > 0 && line->s[line->len - 1] == '\r')
		line->len--;
	if (line->len > max) {
		line->len = 0;
		return SMTPLINE_TOOLONG;
	}
	for (i = 0; i < line->len; i++)
		if (line->s[i] == '\0' || line->s[i] == '\r')
			return SMTPLINE_SYNTAX;
	return SMTPLINE_OK;
}

int
smtpline_read(struct bio *in, struct sa *line, size_t max)
{
	const char	*p, *lf;
	size_t		 n, take;
	ssize_t		 r;
	int		 toolong = 0;

	if (max > SMTPLINE_HARDMAX)
		max = SMTPLINE_HARDMAX;
	line->len = 0;
	for (;;) {
		if ((r = more(in)) <= 0)
			return r < 0 ? SMTPLINE_ERR : SMTPLINE_EOF;
		p = in->buf + in->pos;
		n = bio_buffered(in);
		lf = memchr(p, '\n', n);
		take = lf != NULL ? (size_t)(lf - p) : n;
		/* max + 1 raw bytes: the line and the CR of its CRLF */
		if (!toolong && take > max + 1 - line->len)
			toolong = 1;
		if (!toolong && sa_catb(line, p, take) == -1)
			return SMTPLINE_ERR;
		in->pos += take;
		if (lf != NULL) {
			in->pos++;
			return finish(line, max, toolong);
		}
	}
}

int
smtpline_data(struct bio *in, struct smtpdata *d)
{
	size_t	used;
	ssize_t	r;
	int	end;

	for (;;) {
		if ((r = more(in)) <= 0) {
			if (r == 0)
				errno = EPIPE;
			return -1;
		}
		end = smtpdata_feed(d, in->buf + in->pos, bio_buffered(in),
		    &used);
		in->pos += used;
		if (end == SMTPDATA_END)
			return 0;
	}
}

int
smtpline_bdat(struct bio *in, struct smtpdata *d, unsigned long long n)
{
	size_t	take, used;
	ssize_t	r;

	while (n > 0) {
		if ((r = more(in)) <= 0) {
			if (r == 0)
				errno = EPIPE;
			return -1;
		}
		take = bio_buffered(in);
		if (take > n)
			take = (size_t)n;
		(void)smtpdata_feed(d, in->buf + in->pos, take, &used);
		in->pos += take;
		n -= take;
	}
	return 0;
}
