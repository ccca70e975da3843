/* ISC license. */
/* execscan.h: a vendor's command-line virus scanner as a scan engine
 * (scanres.h) for scan-stage-exec, described by a control file:
 *
 *   # the command; %f is the file to scan, %% a percent sign
 *   command   clamscan --no-summary --stdout --database=/var/lib/clamav %f
 *   clean     0			# exit codes: nothing found
 *   infected  1			# exit codes: something found
 *   virus     ^.*: (.+) FOUND$	# a name per matching output line
 *   timeout   60			# seconds per run
 *   maxoutput 65536		# bytes of output
 *   maxsize   104857600		# bytes of the largest file scanned
 *   version   clamscan --version	# or: engine NAME/VERSION
 *
 * One setting per line: a keyword, white space, its value.  A line whose
 * first non-blank byte is '#' is a comment; elsewhere '#' is data (a
 * regular expression or an argument may hold one).  Blank lines and
 * trailing white space (CR included) are ignored; other control bytes,
 * a line over EXECSCAN_MAXLINE bytes, an unknown keyword, a keyword
 * given twice or a bad value is an error naming the file and line.
 *
 * command, clean and infected are required.  A command is split on
 * white space, no shell, no quoting; at most EXECSCAN_MAXARGS words; %f
 * exactly once (inside a word is fine: --file=%f), %% for a percent
 * sign, any other % an error.  clean and infected are disjoint lists of
 * exit codes in 0..255 but 126 and 127 (the command could not be run).
 * virus is an extended POSIX regular expression whose first group is a
 * virus name; optional.  timeout 1..86400, default 60; maxoutput
 * 1..16777216, default 65536; maxsize 1..4294967296, default 104857600.
 * engine (printable, no white space, at most EXECSCAN_DESCMAX bytes) or
 * version (a command as above, without %f), not both, describe the
 * scanner in the envelope's scanned key; without them it is the
 * command's name.
 *
 * A scan writes the data to a file in the scanner's directory (mode
 * 0600, O_EXCL; the whole message as message.eml with SCANRES_MAILPREFIX
 * in front, a decoded leaf as part), runs the command (runcmd.h), and
 * removes the file.  The exit code decides, fail closed:
 *	clean		CLEAN; but an output line matching virus: ERROR
 *	infected	every name the virus expression finds in the output
 *			(one per line, bytes outside printable ASCII and
 *			commas made '_', cut at EXECSCAN_NAMEMAX), or
 *			EXECSCAN_UNNAMED; heuristic names are sorted by
 *			scanres_addname() (Heuristics.Limits.Exceeded.*)
 *	anything else, a signal, the timeout, output over maxoutput, a
 *	file that cannot be written: ERROR, whose reason quotes the
 *	command's first output line.
 * lib/ never prints. */
#ifndef MW_EXECSCAN_H
#define MW_EXECSCAN_H

#include <sys/types.h>
#include <regex.h>
#include <stddef.h>

#include "sa.h"
#include "scanres.h"

#define EXECSCAN_MAXLINE	4096
#define EXECSCAN_MAXARGS	64
#define EXECSCAN_NAMEMAX	128	/* bytes of one virus name */
#define EXECSCAN_DESCMAX	100	/* bytes of the description */
#define EXECSCAN_UNNAMED	"exec.unnamed"
/* 1 if exit code k (0..255) is in a set of codes (clean, infected) */
#define EXECSCAN_HAS(set, k)	((set)[(k) / 8] & 1U << (k) % 8)

struct execscan_conf {
	char		*argv[EXECSCAN_MAXARGS + 1];	/* NULL-terminated */
	size_t		 fileslot;	/* argv[fileslot] = pre %f post */
	char		*pre, *post;
	char		*version[EXECSCAN_MAXARGS + 1];	/* [0] NULL: none */
	char		*engine;	/* NULL: none */
	unsigned char	 clean[32], infected[32];	/* exit code bits */
	regex_t		 virus;
	int		 hasvirus;
	unsigned long	 timeout;	/* seconds */
	unsigned long	 maxoutput;	/* bytes */
	unsigned long	 maxsize;	/* bytes */
};

/* A scanner at work: its description and temporary directory. */
struct execscan {
	const struct execscan_conf *c;
	char		*dir;		/* NULL: none yet (ERROR) */
	char		 desc[EXECSCAN_DESCMAX + 1];
};

/* Parse the text of file fn: 0, or -1 and err "FN line N: reason" (or
 * "FN: reason"); errno EINVAL, or ENOMEM. */
int	execscan_parse(struct execscan_conf *, const char *, const char *,
	    size_t, struct sa *);
/* Read and parse file fn; absent is an error. */
int	execscan_read(struct execscan_conf *, const char *, struct sa *);
void	execscan_conf_free(struct execscan_conf *);

/* A scanner over c, described (the version command runs now).  0, or -1
 * and err. */
int	execscan_init(struct execscan *, const struct execscan_conf *,
	    struct sa *);
/* Its temporary directory (copied); 0, or -1 and errno. */
int	execscan_setdir(struct execscan *, const char *);
void	execscan_free(struct execscan *);

enum scanres_verdict execscan_message(const struct execscan *, const char *,
	    size_t, struct scanres *);
enum scanres_verdict execscan_leaf(const struct execscan *, const char *,
	    size_t, struct scanres *);
void	execscan_scanner(const struct execscan *, struct scanner *);

#endif
