/* ISC license. */
/* smtpenv.c: the envelope an SMTP server builds; see smtpenv.h. */
#include "sysdeps.h"

#include <string.h>

#include "addr.h"
#include "envelope.h"
#include "mwlog.h"
#include "received.h"
#include "sa.h"
#include "smtpenv.h"
#include "smtpfail.h"
#include "subscr.h"

static const char *const replies[SMTPENV_NRESULT] = {
	[SMTPENV_ADDED] = "250 2.1.5 Ok",
	[SMTPENV_DUP] = "250 2.1.5 Ok",
	[SMTPENV_NOSUBS] =
	    "550 5.7.1 Relaying denied: no subscribers configured",
	[SMTPENV_NOTSUB] = "550 5.1.1 Recipient is not a subscriber",
	[SMTPENV_FULL] = "452 4.5.3 Too many recipients",
};	/* SMTPENV_ERR: smtpfail's */

int
smtpenv_rcpt(struct envelope *env, const struct sa *subs,
    unsigned long max, const char *a, size_t n)
{
	const char	*p = NULL;

	if (subs->len == 0)
		return SMTPENV_NOSUBS;
	if (!subscr_match(subs, a, n))
		return SMTPENV_NOTSUB;
	while ((p = envelope_nextrcpt(env, p)) != NULL)
		if (addr_eq(p, strlen(p), a, n))
			return SMTPENV_DUP;
	if (env->nrcpt >= max)
		return SMTPENV_FULL;
	if (envelope_addrcpt(env, a, n) == -1)
		return SMTPENV_ERR;
	return SMTPENV_ADDED;
}

const char *
smtpenv_reply(int r)
{
	if (r == SMTPENV_ERR)
		return smtpfail_reply(SMTPFAIL_NOMEM);
	return r >= 0 && r < SMTPENV_NRESULT ? replies[r] : NULL;
}

int
smtpenv_head(struct sa *out, const struct envelope *env, const char *me,
    int ehlo, int utf8, const char *tls)
{
	struct received	 r;

	if (envelope_fmt(env, out) == -1)
		return -1;
	r.helo = env->helo.s;
	r.helolen = env->helo.len;
	r.remote = env->remote.s;
	r.me = me;
	r.proto = received_proto(ehlo, env->tls, utf8);
	r.tls = env->tls ? tls : NULL;
	r.id = env->id.s;
	r.rcpt = env->nrcpt == 1 ? env->rcpt.s : NULL;
	r.time = (long long)env->time;
	return received_fmt(out, &r);
}

void
smtpenv_reset(struct envelope *env)
{
	env->from.len = 0;
	env->rcpt.len = 0;
	env->nrcpt = 0;
}

const char *
smtpenv_logfrom(char *out, size_t outsz, const struct envelope *env)
{
	if (env->from.len == 0)
		return "";
	return mwlog_esc(out, outsz, env->from.s, env->from.len);
}
