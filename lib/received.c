/* ISC license. */
/* received.c: the Received: trace header; see received.h. */
#include "sysdeps.h"

#include <stdio.h>
#include <time.h>

#include "received.h"
#include "sa.h"

const char *
received_proto(int ehlo, int tls, int utf8)
{
	if (tls)
		return utf8 ? "UTF8SMTPS" : "ESMTPS";
	if (ehlo)
		return utf8 ? "UTF8SMTP" : "ESMTP";
	return "SMTP";
}

int
received_fmt(struct sa *h, const struct received *r)
{
	char		 date[64];
	time_t		 t = (time_t)r->time;
	struct tm	 tm;
	int		 ip = r->remote != NULL && r->remote[0] != '\0';

	if (localtime_r(&t, &tm) == NULL || strftime(date, sizeof date,
	    "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		(void)snprintf(date, sizeof date, "@%lld", r->time);
	if (sa_catf(h, "Received: from %.*s (%s%s%s)\n", (int)r->helolen,
	    r->helo, ip ? "[" : "local", ip ? r->remote : "",
	    ip ? "]" : "") == -1 ||
	    (r->tls != NULL && sa_catf(h, "\t(using %s)\n", r->tls) == -1) ||
	    sa_catf(h, "\tby %s (mailward) with %s id %s", r->me, r->proto,
	    r->id) == -1 ||
	    (r->rcpt != NULL && sa_catf(h, "\n\tfor <%s>", r->rcpt) == -1))
		return -1;
	return sa_catf(h, ";\n\t%s\n", date);
}
