#!/bin/sh
# ISC license.
# t/1004-smtp-recv-limits.t: message size (SIZE= and the data itself, DATA
# and BDAT), hop count, command timeout, no subscribers, spool errors
# (451, and 452 on a full disk), and -q SPOOL.
. "${0%/*}/lib.sh"
. "${0%/*}/recv.sh"
need tcpserver python3 mailward-setup
plan 24

recv_home --subscriber alice@example.org
recv_start
x500=$(printf '%500s' '' | tr ' ' x)

# --- databytes --------------------------------------------------------------
ctl databytes 1000
raw '<220 ' '>EHLO c\r\n' '~250-SIZE 1000' \
    '>MAIL FROM:<bob@example.com> SIZE=1001\r\n' \
    '=552 5.3.4 Message size exceeds limit' \
    '>MAIL FROM:<bob@example.com> SIZE=1000\r\n' '=250 2.1.0 Ok' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' '<354 ' \
    ">Subject: big\\r\\n\\r\\n$x500\\r\\n$x500\\r\\n$x500\\r\\n.\\r\\n" \
    '=552 5.3.4 Message size exceeds limit' \
    '>MAIL FROM:<bob@example.com>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n' \
    '<250 ' '<250 ' '<354 ' ">Subject: fits\\r\\n\\r\\n$x500\\r\\n.\\r\\n" \
    '<250 2.0.0 Ok: queued as ' '>QUIT\r\n' '<221 '
ok $? "databytes: SIZE= over it and data over it: 552 5.3.4; then one that fits"
is "$(new_count) $(tmp_count)" "1 0" "only the one that fits; nothing left in tmp/"
logged "warning: [^ ]+ reject conn=[^ ]+ from=<bob@example.com> nrcpt=1 size=1517 reason=size reply=\"552 5.3.4 Message size exceeds limit\""
ok $? "log: reject reason=size, the size counted to the end"
raw '<220 ' '>EHLO c\r\n' '<250 ' \
    ">MAIL FROM:<>\\r\\nRCPT TO:<alice@example.org>\\r\\nBDAT 502\\r\\n$x500\\r\\nBDAT 502\\r\\n$x500\\r\\nBDAT 502 LAST\\r\\n$x500\\r\\nRSET\\r\\n" \
    '<250 ' '<250 ' '=250 2.0.0 502 octets received' \
    '=552 5.3.4 Message size exceeds limit' \
    '=552 5.3.4 Message size exceeds limit' '=250 2.0.0 Ok' \
    '>QUIT\r\n' '<221 '
ok $? "BDAT over databytes: 552 for that chunk and the rest, all read"
is "$(new_count) $(tmp_count)" "1 0" "nothing spooled, nothing left in tmp/"
rm -f "$H/control/databytes" "$IN"/new/*

# --- hop count --------------------------------------------------------------
hops() {
	i=0
	while [ $i -lt "$1" ]; do
		printf 'Received: from hop%d by x; Thu, 1 Jan 2026 00:00:00 +0000\\r\\n' $i
		i=$((i + 1))
	done
}
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<bob@example.com>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' '<354 ' \
    ">$(hops 100)Subject: loop\\r\\n\\r\\nReceived: in the body\\r\\n.\\r\\n" \
    '=554 5.4.6 Too many hops, mail loop?' '>QUIT\r\n' '<221 '
ok $? "100 Received: lines: 554 5.4.6"
logged "reason=hops reply="
ok $? "log: reject reason=hops"
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<bob@example.com>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' '<354 ' \
    ">$(hops 99)Subject: loop\\r\\n\\r\\nReceived: in the body\\r\\n.\\r\\n" \
    '<250 2.0.0 Ok: queued as ' '>QUIT\r\n' '<221 '
ok $? "99 Received: lines (and one in the body): accepted"
is "$(grep -c '^Received: ' "$(new_file)")" 101 "ours added: 101 in the spool file"
rm -f "$IN"/new/*

# --- timeoutsmtpd --------------------------------------------------------------
ctl timeoutsmtpd 1
raw '<220 ' '>EHLO c\r\n' '<250 ' '=421 4.4.2 Timeout, closing' '<<'
ok $? "idle past timeoutsmtpd: 421 4.4.2 and close"
logged "close remote=127.0.0.1 helo=c .*reason=timeout\$"
ok $? "log: reason=timeout"
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' '<354 ' \
    '>Subject: half\r\n\r\nhalf a mess' '=421 4.4.2 Timeout, closing' \
    '<<'
ok $? "silent inside DATA: 421 4.4.2"
wait_for test "$(tmp_count)" = 0
is "$(new_count) $(tmp_count)" "0 0" "the half message is gone from tmp/"
rm -f "$H/control/timeoutsmtpd"

# --- no subscribers: never an open relay -----------------------------------
ctl subscribers '# nobody yet'
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<bob@example.com>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' \
    '=550 5.7.1 Relaying denied: no subscribers configured' \
    '>RCPT TO:<postmaster>\r\n' \
    '=550 5.7.1 Relaying denied: no subscribers configured' \
    '>QUIT\r\n' '<221 '
ok $? "empty control/subscribers: every RCPT 550 5.7.1"
logged "warning: [^ ]+ nosubscribers reason="
ok $? "log: nosubscribers"
is "$(grep -c 'nosubscribers' "$T/recv.log")" 1 "logged once per connection"
rm -f "$H/control/subscribers"
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<bob@example.com>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' \
    '=550 5.7.1 Relaying denied: no subscribers configured' \
    '>QUIT\r\n' '<221 '
ok $? "no control/subscribers: 550 5.7.1"
ctl subscribers alice@example.org

# --- spool errors ---------------------------------------------------------------
mv "$IN/tmp" "$IN/tmp.away"
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' \
    '>DATA\r\n' '=451 4.3.0 Local error in processing' \
    '>BDAT 5 LAST\r\nhello' '=451 4.3.0 Local error in processing' \
    '>QUIT\r\n' '<221 '
ok $? "spool not writable: 451 4.3.0 at DATA and BDAT (chunk read)"
logged "warning: [^ ]+ unable to open spool file in queue/incoming: No such file or directory"
ok $? "log: unable to open spool file"
mv "$IN/tmp.away" "$IN/tmp"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=16k,mode=2770 tmpfs "$IN/tmp" 2>/dev/null; then
	chown "$(stat -c %u:%g "$IN")" "$IN/tmp"
	big=$(printf '%1000s' '' | tr ' ' y)
	i=0 lines=
	while [ $i -lt 40 ]; do lines="$lines$big\\r\\n"; i=$((i + 1)); done
	raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<>\r\n' '<250 ' \
	    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' '<354 ' \
	    ">Subject: full\\r\\n\\r\\n$lines.\\r\\n" \
	    '=452 4.3.1 Insufficient system storage' '>QUIT\r\n' '<221 '
	ok $? "disk full: 452 4.3.1"
	is "$(new_count) $(tmp_count)" "0 0" "nothing half-written in new/ or tmp/"
	umount "$IN/tmp"
else
	skip "disk full (needs root and tmpfs)"
	skip "disk full: nothing half-written (needs root and tmpfs)"
fi

# --- -q SPOOL -----------------------------------------------------------------
mkdir -p "$H/queue/other/tmp" "$H/queue/other/new"
[ "$(id -u)" -eq 0 ] && chown -R mwrecv "$H/queue/other"
recv_start -q queue/other
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>BDAT 2 LAST\r\nhi' \
    '<250 2.0.0 Ok: queued as ' '>QUIT\r\n' '<221 '
ok $? "-q queue/other: accepted"
is "$(ls "$H/queue/other/new" | wc -l) $(new_count)" "1 0" \
    "the message is in queue/other"
logged "queued conn=.* spool=queue/other\$"
ok $? "log: spool=queue/other"
