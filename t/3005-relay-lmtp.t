#!/bin/sh
# relay: LMTP next hops (RFC 2033), over a unix socket and over TCP.
# After the data each recipient gets its own reply and is settled by it:
# 250 delivered, 450 retried (then delivered), 550 bounced to the
# sender.  STARTTLS is used over TCP when offered, never over a unix
# socket.  A server that hangs up before every reply is in leaves the
# recipients without a reply pending, and each recipient is delivered
# exactly once.  LHLO to an SMTP server is refused: a temporary failure.
. "${0%/*}/lib.sh"
. "${0%/*}/relay.sh"
need python3 openssl s6-setuidgid
plan 32

sink_cert

relay_home
P=$(free_port)		# SMTP: the bounces
L=$(free_port)		# LMTP over TCP
D=$(free_port)		# LMTP over TCP, hangs up after one reply
S=$T/lmtp.sock		# LMTP over a unix socket
LR="127.0.0.1[127.0.0.1]:$L"
DR="127.0.0.1[127.0.0.1]:$D"
PR="127.0.0.1[127.0.0.1]:$P"
: >"$T/unix.replies"
: >"$T/tcp.replies"
sink_start smtp "$P"
sink_start unix "$S" --lmtp --replies "$T/unix.replies" \
    --tls "$T/cert.pem" "$T/key.pem"
sink_start tcp "$L" --lmtp --replies "$T/tcp.replies" \
    --tls "$T/cert.pem" "$T/key.pem"
sink_start drop "$D" --lmtp --drop-after 1
cat >"$H/control/routes" <<EOF
unix.test	lmtp:$S
tcp.test	lmtp:127.0.0.1:$L
drop.test	LMTP:[127.0.0.1]:$D
smtp.test	lmtp:127.0.0.1:$P
*		127.0.0.1:$P
EOF
relay_start

has() { relay_log | grep -qxF "relay: info: $1"; }
gone() { test ! -e "$H/queue/outbound/new/$1"; }
# how many times the sink NAME took RCPT
took() { cat "$T/$1"/new/* 2>/dev/null | grep -c -xF "rcpt <$2>"; }

# three NAME DOMAIN RELAY TLS REMOTE-MTA: ok@, later@ and gone@DOMAIN
# through the LMTP sink NAME, answered 250, 450 and 550 after the data;
# then later@ is taken on a retry
three() {
	_s=$1 _d=$2 _r=$3 _tls=$4 _mta=$5
	printf '%s\n' "later@$_d 450 4.2.0 <later@$_d> mailbox busy" \
	    "gone@$_d 550 5.1.1 <gone@$_d> no such user" >"$T/$_s.replies"
	newid
	_id=$ID
	printf 'Subject: lmtp %s\n\n.dot\nbody\n' "$_s" |
	    spool_msg "$_id" s@origin.test ok@"$_d" later@"$_d" gone@"$_d"
	wait_for grep -q "$_id done" "$H/relay.log"
	has "$_id delivered to=<ok@$_d> relay=$_r reply=\"250 2.0.0 <ok@$_d> delivered\""
	ok $? "$_s: 250 after the data: delivered"
	has "$_id deferred to=<later@$_d> relay=$_r reply=\"450 4.2.0 <later@$_d> mailbox busy\""
	ok $? "$_s: 450 after the data: deferred"
	has "$_id bounced to=<gone@$_d> relay=$_r reply=\"550 5.1.1 <gone@$_d> no such user\""
	ok $? "$_s: 550 after the data: bounced"
	has "$_id done delivered=1 bounced=1 deferred=1"
	ok $? "$_s: log: done"
	_f=$(sink_grep "$_s" "^rcpt <ok@$_d>$")
	is "$(sed -n '1,4p' "$_f")" "mail <s@origin.test>
rcpt <ok@$_d>
tls $_tls
helo relay.test" "$_s: LHLO, the sender, the one delivered; tls $_tls"
	printf 'Subject: lmtp %s\r\n\r\n.dot\r\nbody\r\n' "$_s" >"$T/want"
	body_of "$_f" | cmp -s "$T/want" -
	ok $? "$_s: data byte for byte"
	is "$(grep '^rcpt ' "$H/queue/outbound/new/$_id")" "rcpt <later@$_d>" \
	    "$_s: the spool file keeps only the deferred recipient"
	wait_for sink_grep smtp "Final-Recipient: rfc822; gone@$_d" >/dev/null
	_b=$(sink_grep smtp "Final-Recipient: rfc822; gone@$_d")
	is "$(sed -n '1,2p' "$_b" 2>/dev/null)" "mail <>
rcpt <s@origin.test>" "$_s: a bounce to the sender"
	tr -d '\r' <"$_b" | grep -A4 "^Final-Recipient: rfc822; gone@$_d$" |
	    grep -v '^$' | tr '\n' '|' >"$T/dsn"
	is "$(cat "$T/dsn")" "Final-Recipient: rfc822; gone@$_d|Action: failed|Status: 5.1.1|${_mta}Diagnostic-Code: smtp; 550 5.1.1 <gone@$_d> no such user|" \
	    "$_s: for the 550 recipient only, with its own reply"
	printf '%s\n' "gone@$_d 550 5.1.1 <gone@$_d> no such user" \
	    >"$T/$_s.replies.tmp" && mv "$T/$_s.replies.tmp" "$T/$_s.replies"
	wait_for gone "$_id"
	ok $? "$_s: 250 on a retry: the message leaves the spool"
	is "$(took "$_s" "ok@$_d") $(took "$_s" "later@$_d") $(took "$_s" "gone@$_d")" \
	    "1 1 0" "$_s: each delivered once, the bounced one never"
}

three unix unix.test "$S" 0 ""
three tcp tcp.test "$LR" 1 "Remote-MTA: dns; 127.0.0.1|"

# the server hangs up after the first reply: one delivered per run
newid
ID3=$ID
printf 'Subject: drop\n\nx\n' |
    spool_msg "$ID3" s@origin.test a@drop.test b@drop.test c@drop.test
wait_for gone "$ID3"
ok $? "hang-ups: the message leaves the spool in the end"
has "$ID3 delivered to=<a@drop.test> relay=$DR reply=\"250 2.0.0 <a@drop.test> delivered\""
ok $? "hang-up: the recipient answered is delivered"
has "$ID3 deferred to=<b@drop.test> relay=$DR reply=\"lost connection with $DR: connection closed by the server\""
ok $? "hang-up: the recipients not answered are deferred"
has "$ID3 done delivered=1 bounced=0 deferred=2"
ok $? "hang-up: log: done, two left"
is "$(took drop a@drop.test) $(took drop b@drop.test) $(took drop c@drop.test)" \
    "1 1 1" "hang-ups: each recipient delivered exactly once"
is "$(grep -c '^sink: dropped after 1$' "$T/drop.log")" 2 \
    "the server hung up on the runs with two recipients or more"
sink_grep smtp 'drop\.test' >/dev/null
is "$?" 1 "and nothing bounced"

# LHLO to an SMTP server: refused, temporary
newid
ID4=$ID
printf 'Subject: wrong\n\nx\n' | spool_msg "$ID4" s@origin.test a@smtp.test
wait_for grep -q "$ID4 done" "$H/relay.log"
has "$ID4 deferred to=<a@smtp.test> relay=$PR reply=\"$PR said: 500 5.5.1 unknown command\""
ok $? "LHLO refused: deferred"

is "$(ls "$H/queue/outbound/tmp" | wc -l)" 0 "nothing left in tmp/"
relay_stop
is "$RELAY_RC" 0 "SIGTERM: relay exits 0"
