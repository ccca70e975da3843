/* ISC license. */
/* scanres.c: one scan's findings; see scanres.h. */
#include "sysdeps.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scanres.h"

void
scanres_copy(char *dst, size_t dstsz, const char *s)
{
	size_t	 n = strlen(s);

	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

void
scanres_start(struct scanres *r)
{
	memset(r, 0, sizeof *r);
	r->verdict = SCANRES_ERROR;
}

void
scanres_note(struct scanres *r, unsigned int flag, const char *why)
{
	int	 bit = __builtin_ctz(flag);

	r->flags |= flag;
	if (r->why[bit][0] == '\0')
		scanres_copy(r->why[bit], sizeof r->why[bit], why);
}

void
scanres_addname(struct scanres *r, const char *name)
{
	static const char	 lim[] = "Heuristics.Limits.Exceeded.";
	static const char	 enc[] = "Heuristics.Encrypted.";
	size_t			 n = strlen(name), have = strlen(r->names);
	const char		*p;

	if (strncmp(name, lim, sizeof lim - 1) == 0)
		scanres_note(r, SCANRES_F_LIMIT, name + sizeof lim - 1);
	else if (strncmp(name, enc, sizeof enc - 1) == 0)
		scanres_note(r, SCANRES_F_ENCRYPTED, name + sizeof enc - 1);
	else
		scanres_note(r, SCANRES_F_VIRUS, "");
	if (n == 0 || strchr(name, ',') != NULL)
		return;		/* not a name for a comma-separated list */
	for (p = r->names; (p = strstr(p, name)) != NULL; p += n)
		if ((p == r->names || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return;
	if (have + (have > 0) + n >= sizeof r->names) {
		r->cut = 1;
		return;
	}
	if (have > 0)
		r->names[have++] = ',';
	memcpy(r->names + have, name, n + 1);
	r->nnames++;
}

enum scanres_verdict
scanres_settle(struct scanres *r)
{
	static const enum scanres_verdict	 v[4] = {
		SCANRES_VIRUS, SCANRES_LIMIT, SCANRES_ENCRYPTED,
		SCANRES_UNSCANNABLE,
	};
	int					 bit;

	for (bit = 0; bit < 4; bit++)
		if (r->flags & 1U << bit) {
			scanres_copy(r->what, sizeof r->what, r->why[bit]);
			return r->verdict = v[bit];
		}
	r->what[0] = '\0';
	return r->verdict = SCANRES_CLEAN;
}

enum scanres_verdict
scanres_fail(struct scanres *r, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(r->what, sizeof r->what, fmt, ap);	/* may cut */
	va_end(ap);
	return r->verdict = SCANRES_ERROR;
}

const char *
scanres_name(enum scanres_verdict v)
{
	switch (v) {
	case SCANRES_CLEAN:		return "clean";
	case SCANRES_VIRUS:		return "virus";
	case SCANRES_LIMIT:		return "limit";
	case SCANRES_ENCRYPTED:		return "encrypted";
	case SCANRES_UNSCANNABLE:	return "unscannable";
	case SCANRES_ERROR:		return "error";
	}
	return "error";
}
