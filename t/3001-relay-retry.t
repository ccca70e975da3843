#!/bin/sh
# relay: next hop down, then up; a 4xx for one recipient rewrites the
# spool file with only that one; past control/queuelifetime the pending
# recipients bounce with 4.4.7; a per-destination limit of 1.
. "${0%/*}/lib.sh"
. "${0%/*}/relay.sh"
need python3 s6-setuidgid
plan 19

relay_home
P=$(free_port)
echo "* 127.0.0.1:$P" >"$H/control/routes"
echo 1 >"$H/control/concurrencyperhost"
relay_start

# 1: nobody listens yet
newid
ID1=$ID
printf 'Subject: down\n\nhello\n' | spool_msg "$ID1" s@origin.test a@dest.test
wait_for grep -q "$ID1 deferred" "$H/relay.log"
relay_log | grep -q "^relay: info: $ID1 deferred to=<a@dest.test> relay=127.0.0.1\[127.0.0.1\]:$P reply=\"connect to 127.0.0.1\[127.0.0.1\]:$P: Connection refused\"$"
ok $? "next hop down: deferred, with the reason"
test -e "$H/queue/outbound/new/$ID1"
ok $? "the message stays in the spool"
grep -q '^rcpt <a@dest.test>$' "$H/queue/outbound/new/$ID1"
ok $? "with its recipient"

sink_start sink "$P" --tempfail later@dest.test
wait_for sink_atleast sink 1
ok $? "next hop up: the message arrives on a retry"
wait_for grep -q "$ID1 done delivered=1" "$H/relay.log"
ok $? "log: done"
test ! -e "$H/queue/outbound/new/$ID1"
ok $? "and leaves the spool"

# 2: a 4xx for one recipient of two
newid
ID2=$ID
printf 'Subject: partly\n\nhello\n' |
    spool_msg "$ID2" s@origin.test now@dest.test later@dest.test
wait_for grep -q "$ID2 done" "$H/relay.log"
relay_log | grep -q "^relay: info: $ID2 deferred to=<later@dest.test> relay=127.0.0.1\[127.0.0.1\]:$P reply=\"451 4.2.0 try again later\"$"
ok $? "log: 451 deferred"
relay_log | grep -q "^relay: info: $ID2 done delivered=1 bounced=0 deferred=1$"
ok $? "log: done with one pending"
F=$(sink_grep sink 'Subject: partly')
is "$(sed -n 2p "$F")" "rcpt <now@dest.test>" "delivered to the other recipient"
grep '^rcpt ' "$H/queue/outbound/new/$ID2" >"$T/rcpts"
is "$(cat "$T/rcpts")" "rcpt <later@dest.test>" \
    "spool file rewritten with only the pending recipient"
sed '1,/^$/d' "$H/queue/outbound/new/$ID2" >"$T/body2"
printf 'Subject: partly\n\nhello\n' >"$T/want2"
cmp -s "$T/body2" "$T/want2"
ok $? "message kept byte for byte"
grep -q "^id $ID2$" "$H/queue/outbound/new/$ID2"
ok $? "and its queue id"
twice() { [ "$(grep -c "$ID2 deferred to=<later" "$H/relay.log")" -ge 2 ]; }
wait_for twice
ok $? "retried"
is "$(sink_count sink)" 2 "never twice to the one that took it"
relay_stop
is "$RELAY_RC" 0 "relay stops on SIGTERM"

# 3: older than queuelifetime: the pending recipient bounces, 4.4.7
relay_home
echo "* 127.0.0.1:$P" >"$H/control/routes"
relay_start
newid
ID3=$ID
printf 'Subject: old\n\nhello\n' |
    SPOOL_TIME=$(($(date +%s) - 432001)) \
    spool_msg "$ID3" s@origin.test later@dest.test
wait_for grep -q "$ID3 done" "$H/relay.log"
relay_log | grep -q "^relay: info: $ID3 expired to=<later@dest.test>$"
ok $? "log: expired after the default 5 days"
wait_for sink_grep sink "X-Mailward-Queue-ID: $ID3" >/dev/null
B=$(sink_grep sink "X-Mailward-Queue-ID: $ID3")
ok $? "a bounce arrived"
tr -d '\r' <"$B" | grep -A3 '^Final-Recipient: rfc822; later@dest.test$' |
    tr '\n' '|' >"$T/dsn3"
is "$(cat "$T/dsn3")" "Final-Recipient: rfc822; later@dest.test|Action: failed|Status: 4.4.7|Remote-MTA: dns; 127.0.0.1|" \
    "Status: 4.4.7"
tr -d '\r' <"$B" | grep -q '^Diagnostic-Code: smtp; 451 4.2.0 try again later; retry timeout exceeded$'
ok $? "with the last reply and the reason"
