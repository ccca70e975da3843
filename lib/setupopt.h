/* ISC license. */
/* setupopt.h: mailward-setup's command line, parsed and checked.
 *
 *   ROLE DIR [--listen IP:PORT] [--me NAME] [--next-hop HOST[:PORT]]
 *   [--subscriber ADDR]... [--maildir ADDR=PATH]...
 *   [--tls-cert FILE --tls-key FILE] [--libexec DIR] [--softlimit MIB]
 *   [--softlimit-scan MIB] [--databases DIR] [--stages LIST]
 *   [--chain-key FILE]... [--clamd ADDR] [--scanexec FILE]
 *   [--group HOST[:PORT]]... [--group-key FILE]... [--scanner-net CIDR]...
 *   [--scan-policy stamp|source|either|both] [--internal DOMAIN=NEXTHOP]...
 *
 * setupopt_parse() takes argv[1..argc-1]; an option's value follows it
 * or an '='.  Each value is checked as the program that reads it later
 * would check it, DIR and Maildir paths for svcdir_wordok(), and a
 * certificate and key for OpenSSL to load and match.  subs gets every
 * --subscriber and --maildir address once, a line each; maildirs gets
 * "ADDR PATH" lines (gateway only, one per address).  --databases
 * (scanner only) must name a directory; --stages (scanner only) is
 * checked by stages_parse(); each --chain-key (scanner only) must be a
 * readable file, and is made absolute into chainkeys; --clamd and
 * --scanexec (a file, made absolute) are the scanner's too; --group,
 * --group-key (checked as --chain-key), --scanner-net (cidr.h) and
 * --scan-policy the gateway's; it is made absolute, as the TLS
 * files are, against the caller's directory.  Returns 0, or -1
 * with errno EINVAL (a usage error) or ENOMEM and "what: value" in err.
 * Pure but for reading the TLS files; the strings point into argv.
 * setupopt_parse() clears o first; setupopt_free() frees it after. */
#ifndef MW_SETUPOPT_H
#define MW_SETUPOPT_H

#include <stddef.h>
#include "sa.h"

struct setupopt {
	const char	*role;		/* "scanner" or "gateway" */
	const char	*dir;
	const char	*listen;	/* NULL: not given; likewise below */
	const char	*me;
	const char	*nexthop;
	const char	*tlscert;	/* made absolute by setupopt_parse */
	const char	*tlskey;
	const char	*libexec;
	const char	*softlimit;
	const char	*softlimitscan;
	const char	*databases;	/* made absolute by setupopt_parse */
	const char	*stages;	/* "clamav,clamd,exec" (stages.h) */
	const char	*clamd;		/* clamd's socket or HOST:PORT */
	const char	*scanexec;	/* made absolute by setupopt_parse */
	struct sa	 subs;		/* "ADDR\n"... */
	struct sa	 maildirs;	/* "ADDR PATH\n"... */
	struct sa	 chainkeys;	/* "/ABS/PATH\n"... */
	struct sa	 groupkeys;	/* gateway: "/ABS/PATH\n"... */
	struct sa	 group;		/* gateway: "HOST[:PORT]\n"... */
	struct sa	 scannernets;	/* gateway: "CIDR\n"... */
	const char	*scanpolicy;	/* gateway: stamp|source|either|both */
	struct sa	 internal;	/* gateway: "DOMAIN NEXTHOP\n"... */
	int		 gateway;
	struct sa	 err;
	char		*abs[4];	/* owned: tlscert, tlskey, databases,
					 * scanexec */
};

int	setupopt_parse(struct setupopt *, int, char *const *);
void	setupopt_free(struct setupopt *);
/* IP:PORT or [IPv6]:PORT with a port: 0 and ip (bare), or -1. */
int	setupopt_listen(const char *, char *, size_t, unsigned int *);

#endif
