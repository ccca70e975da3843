#!/bin/sh
# relay: a delivery's results are committed as soon as the next hop's
# reply to DATA is in, before QUIT: the spool file is removed (or
# rewritten, for a message with another domain still to try) while QUIT
# is unanswered; a QUIT that hangs or a connection dropped at QUIT
# changes nothing.  control/queuelifetime takes spool-run's whole range.
. "${0%/*}/lib.sh"
. "${0%/*}/relay.sh"
need python3 s6-setuidgid
plan 17

relay_home
P=$(free_port)
P2=$(free_port)
DEAD=$(free_port)
sink_start hang "$P" --quit hang --reject bad@dest.test
sink_start drop "$P2" --quit drop
{
	echo "dest.test 127.0.0.1:$P"
	echo "other.test 127.0.0.1:$DEAD"
	echo "drop.test 127.0.0.1:$P2"
} >"$H/control/routes"
echo 8 >"$H/control/timeoutremote"	# how long QUIT hangs
echo 31536000 >"$H/control/queuelifetime"
relay_start
relay_log | grep -q '^relay: info: start '
ok $? "control/queuelifetime 31536000 (spool-run's maximum) is taken"

quits() { [ "$(grep -c '^sink: quit seen$' "$T/hang.log")" -ge "$1" ]; }
CR=$(printf '\r')
subjects() { grep -l "^Subject: $2$CR\$" "$T/$1"/new/* 2>/dev/null | wc -l; }

# 1: one domain; QUIT is never answered.  From <>: the bounce of the
# rejected recipient is logged and discarded, and no bounce goes out.
newid
ID1=$ID
printf 'Subject: one\n\nhello\n' |
    spool_msg "$ID1" "" a@dest.test bad@dest.test
wait_for quits 1
ok $? "the next hop sees QUIT"
test ! -e "$H/queue/outbound/new/$ID1"
ok $? "the message left the spool before QUIT was answered"
relay_log | grep -q "^relay: info: $ID1 bounce discarded: null sender nrcpt=1$"
ok $? "the failed recipient was dealt with before QUIT too"
relay_log | grep -q "$ID1 done"
is $? 1 "while the session still waits for the QUIT reply"
wait_for grep -q "$ID1 done" "$H/relay.log"
relay_log | grep -q "^relay: info: $ID1 done delivered=1 bounced=1 deferred=0$"
ok $? "QUIT timed out: the outcome stands"
relay_log | grep -q "$ID1 \(child exit\|killed\)"
is $? 1 "the child exits 0"
is "$(subjects hang one)" 1 "the message went to the next hop once"

# 2: two domains: the first one's delivered recipient leaves the spool
# file before QUIT; the second domain's is deferred and retried alone
newid
ID2=$ID
printf 'Subject: two\n\nhello\n' |
    spool_msg "$ID2" s@origin.test a@dest.test b@other.test
wait_for quits 2
ok $? "the next hop of the first domain sees QUIT"
grep '^rcpt ' "$H/queue/outbound/new/$ID2" >"$T/rcpts2"
is "$(cat "$T/rcpts2")" "rcpt <b@other.test>" \
    "by then the spool file lists only the recipient still to try"
wait_for grep -q "$ID2 done" "$H/relay.log"
relay_log | grep -q "^relay: info: $ID2 done delivered=1 bounced=0 deferred=1$"
ok $? "log: done, one deferred"
twice() { [ "$(grep -c "$ID2 deferred to=<b@other" "$H/relay.log")" -ge 2 ]; }
wait_for twice
ok $? "the deferred recipient is retried"
is "$(subjects hang two)" 1 "the delivered one is not sent again"

# 3: the next hop closes the connection at QUIT
newid
ID3=$ID
printf 'Subject: three\n\nhello\n' | spool_msg "$ID3" s@origin.test c@drop.test
wait_for grep -q "$ID3 done" "$H/relay.log"
relay_log | grep -q "^relay: info: $ID3 done delivered=1 bounced=0 deferred=0$"
ok $? "connection dropped at QUIT: delivered all the same"
test ! -e "$H/queue/outbound/new/$ID3"
ok $? "and gone from the spool"
is "$(subjects drop three)" 1 "sent once"

relay_stop
is "$RELAY_RC" 0 "relay stops on SIGTERM"
