#!/bin/sh
# ISC license.
# t/4003-deliver-maildir-dovecot.t: the Maildirs deliver-maildir writes,
# read back through Debian's Dovecot (start_dovecot): mail sent by SMTP
# to a gateway home is fetched over IMAP and POP3 byte for byte (with
# the three fields mailward puts on top), each user sees only their own
# mail, a stamp survives as it was signed, Dovecot takes the file names
# as new mail and the files stay the Maildir owner's; and the harness's
# LMTP listeners (unix socket and TCP) deliver into the same Maildirs.
# The gateway runs classify: the SMTP client on 127.0.0.1 stands in for
# a member of the group, and the stamp's key is a group key
# (--scan-policy either --scanner-net 127.0.0.1/32 --group-key), so the
# mail goes to the Maildirs, never to the group (127.0.0.1:9, where
# nobody answers), and classify keeps the valid stamp.
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run classify deliver-maildir stamp-status \
    mailward-keygen tcpserver s6-svscan python3
dovecot_bin >/dev/null || skip_all "no dovecot"
for x in imap pop3 lmtp; do
	[ -x "/usr/lib/dovecot/$x" ] || skip_all "no dovecot-${x}d"
done
plan 42

mailc=$(cd "${0%/*}" && pwd)/mailc.py
mc() { "$PYTHON" "$mailc" "$@"; }
# the group's key, made first: the gateway trusts its stamps
mktemp_T
K=$T/keys
mkdir "$K" || exit 1
chown_unpriv "$K"
kid=$(run_unpriv mailward-keygen "$K" 2>"$T/keygen.err")
P=$(free_port)
mkhome gateway --listen "127.0.0.1:$P" --me gw.example.org \
    --maildir alice@example.org=Maildir/alice \
    --maildir bob@example.org=Maildir/bob \
    --group 127.0.0.1:9 --scan-policy either --scanner-net 127.0.0.1/32 \
    --group-key "$K/status.pub"
A=$H/Maildir/alice
B=$H/Maildir/bob
start_home
wait_port "$P"
ok $? "smtpd listens on 127.0.0.1:$P"

# msg NAME ID SUBJECT: $T/NAME.eml, a message with CRLF line ends whose
# body has lines SMTP and POP3 must dot-stuff
msg() {
	printf '%s\r\n' "From: Sender <sender@example.net>" \
	    "To: <alice@example.org>" "Subject: $3" \
	    "Date: Thu, 1 Jan 2026 00:00:00 +0000" "Message-ID: <$2>" \
	    "MIME-Version: 1.0" "Content-Type: text/plain; charset=us-ascii" \
	    "" "first line of $1" ".a line that starts with a dot" \
	    ".." " a line with a space at either end " "" "last line" \
	    >"$T/$1.eml"
}
# send NAME RCPT: $T/NAME.eml by SMTP to the gateway
send() {
	"$PYTHON" "${0%/*}/smtpc.py" -p "$P" -f sender@example.net -t "$2" \
	    "$T/$1.eml" >"$T/$1.smtp" 2>&1
}
# imap USER OUT / pop3 USER OUT [--dele]: read USER's INBOX, listing in
# OUT.out, the messages in OUT/
imap() {
	rm -rf "$2" && mkdir "$2" &&
	mc imap -p "$DOVECOT_IMAP" -u "$1" -w "pw-$1" -o "$2" >"$2.out" 2>&1
}
pop3() {
	_u=$1
	_o=$2
	shift 2
	rm -rf "$_o" && mkdir "$_o" &&
	mc pop3 -p "$DOVECOT_POP3" -u "$_u" -w "pw-$_u" -o "$_o" "$@" \
	    >"$_o.out" 2>&1
}
# byid ID DIR...: the file in the DIRs that is message ID
byid() {
	_i=$1
	shift
	for _f; do
		grep -l "^Message-ID: <$_i>" "$_f"/* 2>/dev/null
	done | head -n 1
}
# top3 FILE: its first three header fields; after3 FILE: the rest
top3() { awk '!/^[ \t]/ && ++n > 3 { exit } { print }' "$1"; }
after3() { awk 'd { print; next } !/^[ \t]/ && ++n > 3 { d = 1; print }' "$1"; }
crlf() { sed 's/$/\r/' "$1"; }

# a stamped message, as a scanner hands it back (stamp-status)
now=$(date +%s)
{
	printf 'mailward 1\nid %s.%s.5a\ntime %s\nremote -\nhelo -\n' \
	    "$now" $$ "$now"
	printf 'tls 0\nfrom <sender@example.net>\nrcpt <alice@example.org>\n'
	printf 'verdict clean\nscanned clamav/1.0.7/27450\n\n'
	printf 'From: Scanner <sender@example.net>\nTo: alice@example.org\n'
	printf 'Subject: stamped\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n'
	printf 'Message-ID: <s@dovecot.test>\n\nThis one was scanned.\n'
} >"$T/s.in"
run_unpriv stamp-status -k "$K/status.key" <"$T/s.in" >"$T/s.out" \
    2>"$T/s.err" &&
    head -n 1 "$T/s.err" | grep -q " stamped verdict=clean key=$kid "
ok $? "a message stamped with a new key ($kid)"
sed '1,/^$/d' "$T/s.out" >"$T/s.lf"
crlf "$T/s.lf" >"$T/s.eml"
# the status field as signed, with CRLF
awk 'NR > 1 && !/^[ \t]/ { exit } { print }' "$T/s.lf" | sed 's/$/\r/' \
    >"$T/s.stamp"

msg a a@dovecot.test "for alice"
msg b b@dovecot.test "for bob"
send a alice@example.org
ok $? "SMTP: a message for alice"
send b bob@example.org
ok $? "SMTP: a message for bob"
send s alice@example.org
ok $? "SMTP: the stamped message for alice"
wait_for maildir_atleast "$A" 2 && wait_for maildir_atleast "$B" 1
ok $? "deliver-maildir stores them: two for alice, one for bob"
ls "$A/new" | sort >"$T/a.names"

start_dovecot "$T/dovecot" alice@example.org:"$A" bob@example.org:"$B"
r=$?
ok $r "Dovecot: IMAP $DOVECOT_IMAP, POP3 $DOVECOT_POP3, LMTP $DOVECOT_LMTP_PORT"
[ $r -eq 0 ] || { echo "Bail out! no Dovecot"; exit 1; }

# --- IMAP ---
imap alice@example.org "$T/ia"
ok $? "IMAP: alice logs in and fetches her INBOX"
is "$(grep -v '^msg ' "$T/ia.out")" "exists 2
all 1 2
unseen 1 2
new 1 2" "two messages, both new and unseen"
is "$(grep -c '^msg [12] size=[0-9]* flags=\\Recent$' "$T/ia.out")" 2 \
    "flags: \\Recent alone"
bad=0
for i in 1 2; do
	[ "$(sed -n "s/^msg $i size=\([0-9]*\) .*/\1/p" "$T/ia.out")" = \
	    "$(wc -c <"$T/ia/$i")" ] || bad=1
done
ok $bad "RFC822.SIZE is the size fetched"
ia=$(byid a@dovecot.test "$T/ia")
after3 "$ia" | cmp -s - "$T/a.eml"
ok $? "alice's message: what was sent, byte for byte, below three fields"
top3 "$ia" | tr -d '\r' | sed 's/:.*//' | grep -v '^[ 	]' >"$T/ia.top"
is "$(cat "$T/ia.top")" "Return-Path
Delivered-To
Received" "the three: Return-Path, Delivered-To, Received"
top3 "$ia" | tr -d '\r' | sed -n 1,3p | grep -c \
    -e '^Return-Path: <sender@example\.net>$' \
    -e '^Delivered-To: alice@example\.org$' \
    -e '^Received: from client\.example\.org ' >"$T/ia.n"
is "$(cat "$T/ia.n")" 3 "sender, recipient, the client's HELO"
tr -d '\r' <"$ia" | grep -q '^Subject: for alice$'
ok $? "Subject read back"
tr -d '\r' <"$ia" | sed '1,/^$/d' >"$T/ia.body"
is "$(cat "$T/ia.body")" "first line of a
.a line that starts with a dot
..
 a line with a space at either end 

last line" "body read back, dot lines and spaces intact"
bad=0
for i in 1 2; do
	f=$(byid "$(tr -d '\r' <"$T/ia/$i" |
	    sed -n 's/^Message-ID: <\(.*\)>$/\1/p' | head -n 1)" \
	    "$A/cur" "$A/new")
	[ -n "$f" ] && crlf "$f" | cmp -s - "$T/ia/$i" || bad=1
done
ok $bad "each IMAP copy is its Maildir file with CRLF line ends"
ls "$A/cur" | sed 's/:2,$//' | sort | cmp -s - "$T/a.names" &&
    [ -z "$(ls "$A/new")" ]
ok $? "Dovecot moved them to cur/, names kept, flags none (:2,)"

sc=$(byid s@dovecot.test "$T/ia")
awk 'f && !/^[ \t]/ { exit } /^X-Mailward-Status:/ { f = 1 } f { print }' \
    "$sc" | cmp -s - "$T/s.stamp"
ok $? "the status field is fetched exactly as stamp-status wrote it"
after3 "$sc" | cmp -s - "$T/s.eml"
ok $? "and the whole stamped message as sent"
line=$(run_unpriv stamp-status -v -K "$K/status.pub" <"$sc" 2>"$T/v.err")
is "$?:${line%% age=*}" "0:valid verdict=clean key=$kid" \
    "stamp-status -v: the IMAP copy's stamp is valid"

imap bob@example.org "$T/ib"
ok $? "IMAP: bob logs in"
is "$(grep '^exists' "$T/ib.out"):$(grep -l '^Message-ID: <[as]@' \
    "$T"/ib/* | wc -l)" "exists 1:0" "bob sees his one message, none of alice's"
after3 "$T/ib/1" | cmp -s - "$T/b.eml"
ok $? "bob's message: what was sent"
mc imap -p "$DOVECOT_IMAP" -u bob@example.org -w pw-alice@example.org \
    >"$T/ibad.out" 2>&1
is $? 1 "bob with alice's password: refused"

# --- POP3 ---
pop3 alice@example.org "$T/pa" --dele
ok $? "POP3: alice, RETR and DELE both, QUIT"
grep -q "^stat 2 $(cat "$T"/ia/* | wc -c)\$" "$T/pa.out"
ok $? "STAT: 2 messages, the octets IMAP fetched"
bad=0
for i in 1 2; do
	cmp -s "$T/pa/$i" "$T/ia/$i" || bad=1
done
ok $bad "RETR gives the same bytes as IMAP"
pop3 alice@example.org "$T/pa2"
is "$?:$(head -n 1 "$T/pa2.out")" "0:stat 0 0" "after QUIT: POP3 has none"
imap alice@example.org "$T/ia2"
is "$(head -n 1 "$T/ia2.out"):$(maildir_count "$A")" "exists 0:0" \
    "IMAP has none and the Maildir is empty"
pop3 bob@example.org "$T/pb"
is "$?:$(head -n 1 "$T/pb.out")" "0:stat 1 $(wc -c <"$T/ib/1")" \
    "bob's is still there"
cmp -s "$T/pb/1" "$T/ib/1"
ok $? "and RETR gives what IMAP gave"

# --- delivered while Dovecot runs ---
msg d d@dovecot.test "while Dovecot runs"
send d alice@example.org && wait_for maildir_atleast "$A" 1
ok $? "SMTP: one more for alice"
imap alice@example.org "$T/ia3"
is "$(grep -v '^msg ' "$T/ia3.out")" "exists 1
all 1
unseen 1
new 1" "Dovecot sees it at once, new and unseen"
after3 "$T/ia3/1" | cmp -s - "$T/d.eml"
ok $? "byte for byte"

# --- the harness's LMTP ---
msg l l@dovecot.test "by LMTP"
mc lmtp -S "$DOVECOT_LMTP" -f sender@example.net -t alice@example.org \
    -t bob@example.org "$T/l.eml" >"$T/l.out" 2>&1
ok $? "LMTP on the socket: LHLO, MAIL, RCPT alice and bob, DATA"
is "$(grep '^data [^ ]*@' "$T/l.out" | cut -d' ' -f1-3 | sort)" \
    "data alice@example.org 250
data bob@example.org 250" "a 250 for each recipient after the data"
msg m m@dovecot.test "by LMTP over TCP"
mc lmtp -p "$DOVECOT_LMTP_PORT" -f sender@example.net \
    -t alice@example.org -t nosuch@example.org "$T/m.eml" >"$T/m.out" 2>&1
is "$?:$(grep -c -e '^rcpt nosuch@example\.org 550 ' \
    -e '^data alice@example\.org 250 ' "$T/m.out")" "1:2" \
    "LMTP on 127.0.0.1:$DOVECOT_LMTP_PORT: alice 250, an unknown user 550"
imap alice@example.org "$T/ia4"
imap bob@example.org "$T/ib4"
is "$(head -n 1 "$T/ia4.out"):$(head -n 1 "$T/ib4.out")" \
    "exists 3:exists 2" "IMAP: alice has 3, bob 2"
f=$(byid l@dovecot.test "$T/ia4")
[ -n "$f" ] && tail -c "$(wc -c <"$T/l.eml")" "$f" | cmp -s - "$T/l.eml" &&
    f=$(byid m@dovecot.test "$T/ib4") && [ -z "$f" ]
ok $? "alice reads the LMTP message as sent; bob has not the other"
if [ "$(id -u)" -eq 0 ]; then
	u=$(stat -c %U "$A")
	is "$(find "$A" "$B" ! -user "$u" | head -n 3)" "" \
	    "every file in the Maildirs is still $u's"
else
	skip "file owners (not root)"
fi

stop_dovecot
grep -E 'Error|Fatal|Panic' "$T/dovecot/dovecot.log" >"$T/dovecot.errors"
is "$(cat "$T/dovecot.errors")" "" "Dovecot logged no error"
