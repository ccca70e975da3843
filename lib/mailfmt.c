/* ISC license. */
/* mailfmt.c: dates and safe text for the messages mailward writes; see
 * mailfmt.h. */
#include "sysdeps.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "mailfmt.h"
#include "sa.h"

int
mailfmt_date(struct sa *out, unsigned long long t)
{
	static const char days[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char mons[][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL) {
		errno = EOVERFLOW;
		return -1;
	}
	return sa_catf(out, "%s, %d %s %d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int
mailfmt_clean(struct sa *out, const char *s, size_t n, size_t max)
{
	size_t	 i;
	char	 c;

	if (s == NULL)
		return 0;
	for (i = 0; i < n && i < max; i++) {
		c = s[i];
		if (sa_catc(out, c >= 0x20 && c < 0x7f ? c : '?') == -1)
			return -1;
	}
	return 0;
}

int
mailfmt_cleans(struct sa *out, const char *s, size_t max)
{
	return s == NULL ? 0 : mailfmt_clean(out, s, strlen(s), max);
}
