/* ISC license. */
/* rolesvc.c: the services of each role and their commands; see
 * rolesvc.h. */
#include "sysdeps.h"

#include "mwhome.h"
#include "rolesvc.h"
#include "sa.h"
#include "svcdir.h"

#define S	MWHOME_SCANNER
#define G	MWHOME_GATEWAY
const struct rolesvc rolesvc[] = {
	{ "smtpd", S | G, ROLESVC_LIMIT, 1, "mwrecv", "smtp-recv", NULL,
	    NULL },
	{ "incoming", S, ROLESVC_LIMIT, 0, "mwqueue", "spool-run",
	    "-o queue/scan -f queue/failed queue/incoming", NULL },
	{ "stamp", S, ROLESVC_LIMIT, 0, "mwstamp", "spool-run",
	    "-o queue/notify -f queue/quarantine queue/stamp",
	    "stamp-status -k keys/status.key" },
	{ "notify", S, ROLESVC_LIMIT, 0, "mwstamp", "spool-run",
	    "-o queue/outbound -r 21=queue/quarantine -f queue/quarantine "
	    "queue/notify", "notify -o queue/scan -r notify" },
	{ "incoming", G, ROLESVC_LIMIT, 0, "mwqueue", "spool-run",
	    "-o queue/togroup -r 20=queue/local -r 21=queue/notify "
	    "-f queue/quarantine queue/incoming", "classify" },
	{ "notify", G, ROLESVC_LIMIT, 0, "mwqueue", "spool-run",
	    "-o queue/quarantine -r 21=queue/quarantine -f queue/quarantine "
	    "queue/notify",
	    "notify -g -o queue/local -x queue/outbound -r notify" },
	{ "togroup", G, ROLESVC_NOLIMIT, 0, "mwrelay", "relay", "-g", NULL },
	{ "local", G, ROLESVC_LIMIT, 0, "mwdeliver", "spool-run",
	    "-f queue/failed queue/local",
	    "deliver-maildir -o queue/outbound" },
	{ "relay", S | G, ROLESVC_NOLIMIT, 0, "mwrelay", "relay", NULL,
	    NULL },
};
#undef S
#undef G
const size_t rolesvc_n = sizeof rolesvc / sizeof rolesvc[0];

int
rolesvc_cmd(struct sa *c, const struct rolesvc *sv,
    const struct rolesvc_ctx *x)
{
	int	 r = 0;

	c->len = 0;
	if (sv->tcp && x->asroot)
		r |= sa_catf(c, "s6-envuidgid %s ", sv->user);
	if (sv->tcp)
		r |= sa_catf(c, "tcpserver%s -v -R -H -l %s -c %lu -- %s %u "
		    "\\\n    ", x->asroot ? " -U" : "",
		    svcdir_wordok(x->me) ? x->me : "0", x->maxconn, x->ip,
		    x->port);
	r |= sa_catf(c, "%s/%s", x->libexec, sv->prog);
	if (sv->args != NULL)
		r |= sa_catf(c, " %s", sv->args);
	if (sv->filter != NULL)
		r |= sa_catf(c, " \\\n    %s/%s", x->libexec, sv->filter);
	return r != 0 || sa_0(c) == -1 ? -1 : 0;
}
