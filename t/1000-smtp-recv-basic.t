#!/bin/sh
# ISC license.
# t/1000-smtp-recv-basic.t: smtp-recv under tcpserver: a whole session
# with exact replies and the spool file it writes, the other commands,
# command-line errors, early talkers, and real clients (swaks, smtplib).
. "${0%/*}/lib.sh"
. "${0%/*}/recv.sh"
need tcpserver python3 swaks mailward-setup
plan 46

recv_home --subscriber alice@example.org --subscriber @example.net
recv_start

# --- one session, every reply exact --------------------------------------
raw '=220 mx.test.example ESMTP mailward' \
    '>EHLO client.example\r\n' \
    '=250-mx.test.example|250-PIPELINING|250-SIZE 36700160|250-8BITMIME|250-SMTPUTF8|250-CHUNKING|250 ENHANCEDSTATUSCODES' \
    '>MAIL FROM:<bob@example.com>\r\n' '=250 2.1.0 Ok' \
    '>RCPT TO:<alice@example.org>\r\n' '=250 2.1.5 Ok' \
    '>RCPT TO:<Carol@EXAMPLE.NET>\r\n' '=250 2.1.5 Ok' \
    '>RCPT TO:<ALICE@example.org>\r\n' '=250 2.1.5 Ok' \
    '>RCPT TO:<mallory@example.com>\r\n' \
    '=550 5.1.1 Recipient is not a subscriber' \
    '>DATA\r\n' '=354 End data with <CR><LF>.<CR><LF>' \
    '>Subject: one\r\n\r\nline 1\r\n..dotted\r\n.\r\n' \
    '<250 2.0.0 Ok: queued as ' \
    '>QUIT\r\n' '=221 2.0.0 Bye' '<<'
ok $? "a session: exact replies"
id=$(sed -n 's/^S: 250 2.0.0 Ok: queued as //p' "$T/raw.out")
test -f "$IN/new/$id"
ok $? "the queue id names the spool file in queue/incoming/new"
is "$(new_count) $(tmp_count)" "1 0" "one file in new/, none in tmp/"
f=$IN/new/$id
is "$(sed -e '/^$/q' -e 's/^time [0-9][0-9]*$/time T/' "$f")" "mailward 1
id $id
time T
remote 127.0.0.1
helo client.example
tls 0
from <bob@example.com>
rcpt <alice@example.org>
rcpt <Carol@example.net>" "envelope: all accepted recipients, domain lowercased, no duplicate"
t0=$(sed -n 's/^time //p' "$f")
case $id in "$t0".*) ok 0 "envelope time is the id's time" ;;
*) ok 1 "envelope time is the id's time" ;; esac
sed '1,/^$/d' "$f" >"$T/msg"
is "$(sed -n '1,2p' "$T/msg")" "Received: from client.example ([127.0.0.1])
	by mx.test.example (mailward) with ESMTP id $id;" \
    "Received: helo, address, me, protocol, id (no for: two recipients)"
sed -n '3p' "$T/msg" | grep -Eq '^	[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [-+][0-9]{4}$'
ok $? "Received: RFC 5322 date"
is "$(sed '1,3d' "$T/msg" | od -An -c | tr -s ' ')" \
    "$(printf 'Subject: one\n\nline 1\n.dotted\n' | od -An -c | tr -s ' ')" \
    "message byte-exact: LF line ends, dot unstuffed"
logged "info: $id queued conn=[^ ]+ from=<bob@example.com> nrcpt=2 size=29 tls=0 spool=queue/incoming\$"
ok $? "log: queued line with id, sender, count, size"
logged "warning: [^ ]+ reject rcpt=<mallory@example.com> reply=\"550 5.1.1 Recipient is not a subscriber\""
ok $? "log: rejected recipient"
logged "info: [^ ]+ close remote=127.0.0.1 helo=client.example tls=0 msgs=1 refused=0 badrcpt=1 errors=0 reason=quit\$"
ok $? "log: one close line per connection"

# --- the other commands ----------------------------------------------------
raw '<220 ' '>HELO c.example\r\n' '=250 mx.test.example' \
    '>NOOP\r\n' '=250 2.0.0 Ok' \
    '>VRFY alice\r\n' \
    '=252 2.5.0 Cannot VRFY; send the message and delivery will be attempted' \
    '>HELP\r\n' '<214 2.0.0 ' '>RSET\r\n' '=250 2.0.0 Ok' \
    '>XYZZY\r\n' '=500 5.5.1 Command unrecognized' \
    '>DATA\r\n' '=503 5.5.1 MAIL first' \
    '>RCPT TO:<alice@example.org>\r\n' '=503 5.5.1 MAIL first' \
    '>MAIL FROM:<a@b.example> FOO=BAR\r\n' '=555 5.5.4 Unsupported parameter' \
    '>MAIL FROM:<a b>\r\n' '=501 5.1.7 Bad sender address syntax' \
    '>MAIL FROM:<>\r\n' '=250 2.1.0 Ok' \
    '>MAIL FROM:<>\r\n' '=503 5.5.1 Nested MAIL command' \
    '>RCPT TO:<>\r\n' '=501 5.1.3 Bad recipient address syntax' \
    '>RCPT TO:<alice@example.org> NOTIFY=NEVER\r\n' \
    '=555 5.5.4 Unsupported parameter' \
    '>DATA\r\n' '=554 5.5.1 No valid recipients' \
    '>STARTTLS\r\n' '=502 5.5.1 STARTTLS not available' \
    '>QUIT\r\n' '=221 2.0.0 Bye' '<<'
ok $? "HELO, NOOP, VRFY 252, HELP, RSET, bad commands and their replies"
logged "close remote=127.0.0.1 helo=c.example tls=0 msgs=0 refused=0 badrcpt=0 errors=9 reason=quit"
ok $? "log: bad commands counted"
raw '<220 ' '>MAIL FROM:<a@b.example>\r\n' \
    '=503 5.5.1 Send HELO or EHLO first' '>QUIT\r\n' '=221 2.0.0 Bye'
ok $? "MAIL before HELO: 503 5.5.1"
raw '<220 ' '>EHLO\r\n' '=501 5.5.4 Syntax error in arguments' \
    '>EHLO a\x01b\r\n' '=501 5.5.4 Syntax error in arguments' \
    '>QUIT\r\n' '=221 2.0.0 Bye'
ok $? "EHLO without a name or with control characters: 501 5.5.4"

# --- limits on recipients and errors -------------------------------------
ctl maxrcpt 2
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' '=250 2.1.5 Ok' \
    '>RCPT TO:<x@example.net>\r\n' '=250 2.1.5 Ok' \
    '>RCPT TO:<alice@example.org>\r\n' '=250 2.1.5 Ok' \
    '>RCPT TO:<y@example.net>\r\n' '=452 4.5.3 Too many recipients' \
    '>RSET\r\n' '<250 ' '>QUIT\r\n' '<221 '
ok $? "maxrcpt: 452 4.5.3 past the limit; a duplicate is not counted"
rm -f "$H/control/maxrcpt"
raw '<220 ' '>NOOP\x00x\r\n' '=500 5.5.2 NUL or CR in command line' \
    '>NOOP\rx\r\n' '=500 5.5.2 NUL or CR in command line' \
    '>NOOP\r\n' '=250 2.0.0 Ok' '>QUIT\r\n' '<221 '
ok $? "NUL or bare CR in a command: 500 5.5.2, the session goes on"
long=$(printf '%3000s' '' | tr ' ' x)
raw '<220 ' ">NOOP $long\\r\\nNOOP\\r\\n" '=500 5.5.2 Line too long' \
    '=250 2.0.0 Ok' '>QUIT\r\n' '<221 '
ok $? "a 3000-byte line: 500 5.5.2 Line too long, then in step again"
short=$(printf '%2040s' '' | tr ' ' x)
raw '<220 ' ">NOOP $short\\r\\n" '=250 2.0.0 Ok' '>QUIT\r\n' '<221 '
ok $? "a 2045-byte line is within linelimit 2048"
ctl linelimit 600
raw '<220 ' ">NOOP $short\\r\\n" '=500 5.5.2 Line too long' '>QUIT\r\n' '<221 '
ok $? "control/linelimit lowers the limit"
rm -f "$H/control/linelimit"
ctl maxerrors 3
raw '<220 ' '>FOO\r\nBAR\r\nBAZ\r\nNOOP\r\n' '=500 5.5.1 Command unrecognized' \
    '=500 5.5.1 Command unrecognized' '=500 5.5.1 Command unrecognized' \
    '=421 4.7.0 Too many errors, closing' '<<'
ok $? "maxerrors: 421 4.7.0 and the connection closes"
logged "errors=3 reason=errors\$"
ok $? "log: reason=errors"
rm -f "$H/control/maxerrors"

# --- early talkers and pipelining before the EHLO reply -------------------
ctl greetdelay 2000
raw '>EHLO early.example\r\n' \
    '=554 5.5.0 Talking before greeting' '<<'
ok $? "talking before the greeting: 554 5.5.0 and close"
logged "reason=earlytalker\$"
ok $? "log: reason=earlytalker"
raw '=220 mx.test.example ESMTP mailward' '>QUIT\r\n' '=221 2.0.0 Bye'
ok $? "a client that waits gets the greeting after greetdelay"
rm -f "$H/control/greetdelay"
printf 'EHLO early.example\r\n' | (cd "$H" && TCPREMOTEIP=192.0.2.9 \
    as_recv "$MW_BUILD/libexec/smtp-recv" >"$T/early.out" 2>"$T/early.err")
is "$? $(od -An -c "$T/early.out" | tr -s ' ')" \
    "0 $(printf '554 5.5.0 Talking before greeting\r\n' | od -An -c | tr -s ' ')" \
    "greetdelay 0: input already waiting is caught"
grep -q 'close remote=192.0.2.9 helo="" .*reason=earlytalker$' "$T/early.err"
ok $? "log: remote from TCPREMOTEIP, reason=earlytalker"
raw '<220 ' '>EHLO c\r\nMAIL FROM:<a@b.example>\r\n' \
    '=554 5.5.0 Commands before EHLO reply' '<<'
ok $? "commands pipelined after EHLO before its reply: 554 5.5.0"
logged "helo=c tls=0 msgs=0 refused=0 badrcpt=0 errors=0 reason=pipelining\$"
ok $? "log: reason=pipelining"
is "$(new_count) $(tmp_count)" "1 0" "nothing spooled by those sessions"

# --- SMTPUTF8 ----------------------------------------------------------------
raw '<220 ' '>EHLO c\r\n' '<250 ' \
    '>MAIL FROM:<\xc3\xbc@example.com>\r\n' \
    '=553 5.6.7 Non-ASCII address needs SMTPUTF8' \
    '>MAIL FROM:<\xc3\xbc@example.com> SMTPUTF8\r\n' '=250 2.1.0 Ok' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' '<354 ' \
    '>Subject: utf8\r\n\r\nx\r\n.\r\n' '<250 2.0.0 Ok: queued as ' \
    '>QUIT\r\n' '<221 '
ok $? "SMTPUTF8: a non-ASCII sender needs the parameter"
id=$(sed -n 's/^S: 250 2.0.0 Ok: queued as //p' "$T/raw.out")
grep -q "^	by mx.test.example (mailward) with UTF8SMTP id $id\$" "$IN/new/$id" &&
    grep -q "^	for <alice@example.org>;\$" "$IN/new/$id" &&
    grep -q "^from <$(printf '\303\274')@example.com>\$" "$IN/new/$id"
ok $? "Received: with UTF8SMTP, for the one recipient; sender kept"

# --- real clients ------------------------------------------------------------
swaks --server "127.0.0.1:$P" --from x@example.com --to alice@example.org \
    --helo swaks.example --header 'Subject: via swaks' >"$T/swaks.out" 2>&1
ok $? "swaks: message accepted"
grep -q '^<-  250 2.0.0 Ok: queued as ' "$T/swaks.out"
ok $? "swaks saw the queued reply"
"$PYTHON" "${0%/*}/smtpc.py" -p "$P" -f x@example.com -t alice@example.org \
    -t bob@example.net --subject 'via smtplib' >"$T/smtpc.out" 2>&1
ok $? "python smtplib: message accepted"
id=$(sed -n 's/^250 2.0.0 Ok: queued as //p' "$T/smtpc.out")
test -n "$id" && grep -q '^Subject: via smtplib$' "$IN/new/$id" &&
    grep -q '^rcpt <bob@example.net>$' "$IN/new/$id"
ok $? "smtplib's message in its spool file"
is "$(new_count) $(tmp_count)" "4 0" "four messages, nothing in tmp/"

# --- the null sender ---------------------------------------------------------
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<>\r\n' '=250 2.1.0 Ok' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' '<354 ' \
    '>Subject: bounce\r\n\r\nx\r\n.\r\n' '<250 2.0.0 Ok: queued as ' \
    '>QUIT\r\n' '<221 '
ok $? "the null sender: a bounce is accepted"
id=$(sed -n 's/^S: 250 2.0.0 Ok: queued as //p' "$T/raw.out")
test -n "$id" && grep -q '^from <>$' "$IN/new/$id"
ok $? "envelope: from <>"
logged "info: $id queued conn=[^ ]+ from=<> nrcpt=1 size=[0-9]+ tls=0 spool=queue/incoming\$"
ok $? "log: the null sender as from=<>, unquoted"

# --- the program itself ------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
	(cd "$H" && "$MW_BUILD/libexec/smtp-recv" </dev/null >/dev/null \
	    2>"$T/root.err")
	is "$? $(cat "$T/root.err")" "111 smtp-recv: fatal: refusing to run as root" \
	    "as root: refuses, exit 111"
else
	skip "root refusal (not root)"
fi
(cd "$H" && as_recv "$MW_BUILD/libexec/smtp-recv" -x </dev/null \
    >/dev/null 2>"$T/usage.err")
is "$? $(cat "$T/usage.err")" "111 smtp-recv: fatal: usage: smtp-recv [-q SPOOL]" \
    "usage error: exit 111"
ctl databytes 12x
(cd "$H" && as_recv "$MW_BUILD/libexec/smtp-recv" </dev/null \
    >"$T/bad.out" 2>"$T/bad.err")
is "$? $(cat "$T/bad.err")" "111 smtp-recv: fatal: control/databytes line 1: not a number in 1..1073741824" \
    "a malformed control file: fatal, exit 111, file and line named"
is "$(cat "$T/bad.out")" "" "and no greeting"
ctl barelf maybe
rm -f "$H/control/databytes"
(cd "$H" && as_recv "$MW_BUILD/libexec/smtp-recv" </dev/null \
    >/dev/null 2>"$T/bad.err")
is "$? $(cat "$T/bad.err")" "111 smtp-recv: fatal: control/barelf line 1: not normalize or reject" \
    "control/barelf: normalize or reject"
rm -f "$H/control/barelf"
ctl subscribers 'alice@example.org' 'not an address'
(cd "$H" && as_recv "$MW_BUILD/libexec/smtp-recv" </dev/null \
    >/dev/null 2>"$T/bad.err")
is "$? $(cat "$T/bad.err")" "111 smtp-recv: fatal: control/subscribers: not an address or @domain: \"not an address\"" \
    "control/subscribers: a bad entry is fatal"
