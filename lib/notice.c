/* ISC license. */
/* notice.c: the text of mailward's notices; see notice.h. */
#include "sysdeps.h"

#include <string.h>

#include "mailfmt.h"
#include "notice.h"
#include "sa.h"

const char *
notice_kindname(enum notice_kind k)
{
	switch (k) {
	case NOTICE_RCPT:	return "recipient";
	case NOTICE_ADMIN:	return "admin";
	case NOTICE_SENDER:	return "sender";
	}
	return "recipient";
}

/* "  Label:    value\n", the value made safe; "-" when there is none.  A
 * header value's folding becomes spaces. */
static int
line(struct sa *out, const char *label, const char *v, size_t n)
{
	size_t	 i, start;

	if (sa_catf(out, "  %-10s ", label) == -1)
		return -1;
	while (v != NULL && n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	if (v == NULL || n == 0)
		return sa_cats(out, "-\n");
	start = out->len;
	if (mailfmt_clean(out, v, n, NOTICE_MAXVALUE) == -1)
		return -1;
	for (i = start; i < out->len; i++)	/* CR LF TAB of folding */
		if (out->s[i] == '?' && (v[i - start] == '\n' ||
		    v[i - start] == '\r' || v[i - start] == '\t'))
			out->s[i] = ' ';
	if (n > NOTICE_MAXVALUE && sa_cats(out, "...") == -1)
		return -1;
	return sa_catc(out, '\n');
}

static int
lines(struct sa *out, const char *label, const char *v)
{
	return line(out, label, v, v != NULL ? strlen(v) : 0);
}

/* 0 cleaned, 1 held for a virus, 2 held unscanned by a gateway, 3 held
 * there as a loop */
static int
situation(const struct notice_info *in)
{
	return in->unscanned ? 2 + !!in->loop : !!in->held;
}

static int
header(struct sa *out, enum notice_kind k, const struct notice_info *in,
    const char *to)
{
	static const char *const subj[3][4] = {
		{ "A virus was removed from a message to you",
		  "A message to you was held: it carries a virus",
		  "A message to you was held: it was not scanned",
		  "A message to you was held: a mail loop" },
		{ "Virus report: parts removed", "Virus report: message held",
		  "Gateway report: message held unscanned",
		  "Gateway report: message held in a loop" },
		{ "A virus was removed from your message",
		  "Your message was held: it carries a virus",
		  "Your message was held: it was not scanned",
		  "Your message was held: a mail loop" },
	};

	if (sa_cats(out, "From: mailward <") == -1 ||
	    mailfmt_cleans(out, in->from, 256) == -1 ||
	    sa_cats(out, ">\nTo: <") == -1 ||
	    mailfmt_cleans(out, to, 256) == -1 ||
	    sa_catf(out, ">\nSubject: %s\nDate: ",
	    subj[k][situation(in)]) == -1 ||
	    mailfmt_date(out, in->now) == -1 ||
	    sa_cats(out, "\nMessage-ID: <") == -1 ||
	    mailfmt_cleans(out, in->msgid, 200) == -1 ||
	    sa_catc(out, '@') == -1 || mailfmt_cleans(out, in->me, 256) == -1)
		return -1;
	return sa_catf(out, ">\nAuto-Submitted: auto-generated\n"
	    "X-Mailward-Notice: %s\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=us-ascii\n"
	    "Content-Transfer-Encoding: 7bit\n\n", notice_kindname(k));
}

static int
intro(struct sa *out, enum notice_kind k, const struct notice_info *in)
{
	static const char *const what[3] = {
		"A message to you",
		"A message",
		"Your message",
	};

	if (in->unscanned)
		return sa_catf(out, "%s arrived at the mailward gateway ",
		    what[k]) == -1 || mailfmt_cleans(out, in->me, 256) == -1 ||
		    sa_cats(out, in->loop ? ".\nIt has passed this gateway too "
		    "many times (a mail loop), so it is held\nin quarantine "
		    "and was not delivered.\n\n" : ".\nIt could not be shown "
		    "to have been scanned for viruses by the scanning\ngroup, "
		    "so it is held in quarantine and was not delivered.\n\n")
		    == -1 ? -1 : 0;
	if (sa_catf(out, "%s was scanned for viruses by mailward at ",
	    what[k]) == -1 || mailfmt_cleans(out, in->me, 256) == -1)
		return -1;
	if (in->held)
		return sa_cats(out, ".\nSomething in it could not be removed "
		    "safely, so the whole message\nis held in quarantine and "
		    "was not delivered.\n\n");
	return sa_cats(out, ".\nThe infected parts were removed and replaced "
	    "by a short note;\nthe rest of the message was delivered.\n\n");
}

static int
facts(struct sa *out, const struct notice_info *in)
{
	return line(out, "Sender:", in->sender, strlen(in->sender)) == -1 ||
	    line(out, "From:", in->hdrfrom, in->hdrfromlen) == -1 ||
	    line(out, "Subject:", in->subject, in->subjectlen) == -1 ||
	    lines(out, "Virus:", in->viruses) == -1 ||
	    lines(out, "Reason:", in->why) == -1 ||
	    lines(out, "Queue id:", in->qid) == -1 ? -1 : 0;
}

/* the administrator's record */
static int
record(struct sa *out, const struct notice_info *in)
{
	static const char *const releasehow[4] = {
		"",
		"release it (scanned again) with\n  mailward-quarantine "
		    "release ",
		"send it to the scanning group again with\n"
		    "  mailward-quarantine release ",
		"once the loop is mended, deliver it as it is with\n"
		    "  mailward-quarantine release --force ",
	};
	const char	*r = in->rcpts;
	size_t		 i;

	if (lines(out, "Client:", in->remote) == -1 ||
	    lines(out, "HELO:", in->helo) == -1 ||
	    sa_catf(out, "  %-10s ", "Arrived:") == -1 ||
	    mailfmt_date(out, in->arrived) == -1 ||
	    sa_catc(out, '\n') == -1 ||
	    lines(out, "Stages:", in->scanned) == -1 ||
	    lines(out, "Found by:", in->found) == -1)
		return -1;
	for (i = 0; i < in->nrcpt && i < NOTICE_MAXRCPTS; i++) {
		if (lines(out, i == 0 ? "Rcpt:" : "", r) == -1)
			return -1;
		r += strlen(r) + 1;
	}
	if (in->nrcpt > NOTICE_MAXRCPTS && sa_catf(out, "  %-10s and %zu "
	    "more\n", "", in->nrcpt - NOTICE_MAXRCPTS) == -1)
		return -1;
	if (sa_cats(out, "\n") == -1)
		return -1;
	if (in->held)
		return sa_cats(out, "Held in queue/quarantine on ") == -1 ||
		    mailfmt_cleans(out, in->me, 256) == -1 ||
		    sa_cats(out, "; see it with\n  mailward-quarantine show ")
		    == -1 || mailfmt_cleans(out, in->qid, 200) == -1 ||
		    sa_cats(out, "\n") == -1 ||
		    sa_cats(out, releasehow[situation(in)]) == -1 ||
		    mailfmt_cleans(out, in->qid, 200) == -1 ||
		    sa_catc(out, '\n') == -1 ? -1 : 0;
	return sa_cats(out, "The cleaned message was passed on.\n");
}

int
notice_make(enum notice_kind k, const struct notice_info *in, const char *to,
    struct sa *out)
{
	if (header(out, k, in, to) == -1 || intro(out, k, in) == -1 ||
	    facts(out, in) == -1)
		return -1;
	if (k == NOTICE_ADMIN)
		return record(out, in);
	if (k == NOTICE_SENDER)
		return sa_cats(out, "\nThe recipients were told.  If you did "
		    "not send this message, your\naddress was forged and "
		    "you need do nothing.\n");
	if (!in->held)
		return sa_cats(out, "\nNothing else is needed.\n");
	return sa_cats(out, "\nTo ask for the message to be released, write "
	    "to ") == -1 || mailfmt_cleans(out, in->admin, 256) == -1 ||
	    sa_cats(out, "\nand quote the queue id above.\n") == -1 ? -1 : 0;
}
