#!/bin/sh
# relay: delivery to the next hop, a 550 for one recipient and its
# bounce, no bounce of a bounce, a malformed spool file, root, SIGTERM.
. "${0%/*}/lib.sh"
. "${0%/*}/relay.sh"
need python3 s6-setuidgid
plan 29

relay_home
P=$(free_port)
sink_start sink "$P" --reject bad@dest.test
echo "* 127.0.0.1:$P" >"$H/control/routes"

if [ "$(id -u)" -eq 0 ]; then
	(cd "$H" && relay) 2>"$T/root.err"
	is "$?" 111 "relay as root exits 111"
	grep -q '^relay: fatal: refusing to run as root$' "$T/root.err"
	ok $? "and says why"
else
	skip "not root"
	skip "not root"
fi

echo 'x.test 127.0.0.1:0' >>"$H/control/routes"
(cd "$H" && run_unpriv relay) 2>"$T/routes.err"
is "$?" 111 "a malformed control/routes is fatal"
grep -q '^relay: fatal: control/routes line 2: port not a number' \
    "$T/routes.err"
ok $? "naming the file and the line"
echo "* 127.0.0.1:$P" >"$H/control/routes"

relay_start

# 1: two recipients, one transaction; a leading dot; no final newline
newid
ID1=$ID
printf 'Subject: one\n\n.leading dot\nlast line' |
    spool_msg "$ID1" s@origin.test a@dest.test b@dest.test
wait_for sink_atleast sink 1
is "$(sink_count sink)" 1 "one message at the next hop"
F=$(sink_grep sink 'Subject: one')
is "$(sed -n '1,3p' "$F")" "mail <s@origin.test>
rcpt <a@dest.test>
rcpt <b@dest.test>" "envelope: sender and both recipients"
printf 'Subject: one\r\n\r\n.leading dot\r\nlast line\r\n' >"$T/want1"
body_of "$F" >"$T/got1"
cmp -s "$T/want1" "$T/got1"
ok $? "data byte for byte: CRLF, dot-stuffing undone, final CRLF"
wait_for grep -q "$ID1 done" "$H/relay.log"
relay_log | grep -q "^relay: info: $ID1 delivered to=<a@dest.test> relay=127.0.0.1\[127.0.0.1\]:$P reply=\"250 2.0.0 ok 1\"$"
ok $? "log: delivered, relay and reply"
relay_log | grep -q "^relay: info: $ID1 done delivered=2 bounced=0 deferred=0$"
ok $? "log: done"
test ! -e "$H/queue/outbound/new/$ID1"
ok $? "message removed from the spool"

# 2: one recipient refused with 550: delivered to the other, bounce
newid
ID2=$ID
printf 'Subject: two\nMessage-ID: <two@origin.test>\n\nbody\n' |
    spool_msg "$ID2" s@origin.test ok@dest.test bad@dest.test
wait_for grep -q "$ID2 done" "$H/relay.log"
wait_for sink_atleast sink 3
is "$(sink_count sink)" 3 "the message and its bounce arrived"
F=$(sink_grep sink 'Subject: two')
is "$(sed -n '2,3p' "$F")" "rcpt <ok@dest.test>
tls 0" "the message went to the accepted recipient only"
relay_log | grep -q "^relay: info: $ID2 bounced to=<bad@dest.test> relay=127.0.0.1\[127.0.0.1\]:$P reply=\"550 5.1.1 no such user\"$"
ok $? "log: bounced"
relay_log | grep -q "^relay: info: $ID2 bounce id=[0-9]*\.[0-9]*\.[0-9a-f]* nrcpt=1$"
ok $? "log: bounce queued"
B=$(sink_grep sink 'report-type=delivery-status')
ok $? "a delivery status notification arrived"
is "$(sed -n '1,2p' "$B")" "mail <>
rcpt <s@origin.test>" "from <> to the sender"
grep -q '^Auto-Submitted: auto-replied' "$B"
ok $? "Auto-Submitted: auto-replied"
grep -q '^From: Mail Delivery System <MAILER-DAEMON@relay.test>' "$B"
ok $? "From: MAILER-DAEMON@me"
tr -d '\r' <"$B" | grep -A4 '^Final-Recipient: rfc822; bad@dest.test$' |
    tr '\n' '|' >"$T/dsn2"
is "$(cat "$T/dsn2")" "Final-Recipient: rfc822; bad@dest.test|Action: failed|Status: 5.1.1|Remote-MTA: dns; 127.0.0.1|Diagnostic-Code: smtp; 550 5.1.1 no such user|" \
    "per-recipient fields"
tr -d '\r' <"$B" | sed -n '/^Content-Type: text\/rfc822-headers/,$p' |
    grep -q '^Message-ID: <two@origin.test>$'
ok $? "the original headers as text/rfc822-headers"
tr -d '\r' <"$B" | grep -q '^body$'
is "$?" 1 "but not the body"

# 3: a bounce that fails is not bounced
newid
ID3=$ID
printf 'Subject: three\n\nx\n' | spool_msg "$ID3" "" bad@dest.test
wait_for grep -q "$ID3 done" "$H/relay.log"
relay_log | grep -q "^relay: info: $ID3 bounce discarded: null sender nrcpt=1$"
ok $? "null sender: bounce discarded, logged"
test ! -e "$H/queue/outbound/new/$ID3"
ok $? "and the message removed"

# 4: a malformed spool file goes to queue/failed
newid
ID4=$ID
printf 'mailward 1\nid %s\n' "$ID4" >"$H/queue/outbound/tmp/$ID4"
mv "$H/queue/outbound/tmp/$ID4" "$H/queue/outbound/new/$ID4"
wait_for test -e "$H/queue/failed/new/$ID4"
ok $? "malformed spool file moved to queue/failed"
relay_log | grep -q "^relay: warning: $ID4 malformed: "
ok $? "log: malformed"

is "$(sink_count sink)" 3 "nothing else reached the next hop"
is "$(ls "$H/queue/outbound/tmp" | wc -l)" 0 "nothing left in tmp/"
relay_stop
is "$RELAY_RC" 0 "SIGTERM: relay exits 0"
relay_log | grep -q '^relay: info: stop$'
ok $? "log: stop"
