#!/bin/sh
# ISC license.
# relay -g: a gateway's queue/togroup goes to the members of
# control/group in turn, whatever the recipient's domain: the first
# member down, the second takes it; every member down, the message
# waits and goes when one returns; a 550 of the group bounces to the
# sender through queue/outbound, never into the group's spool; a
# malformed control/group is fatal, an empty one waited for; with
# tls=require only a member that offers STARTTLS gets the mail.
. "${0%/*}/lib.sh"
. "${0%/*}/relay.sh"
need python3 s6-setuidgid
plan 15

relay_home
mkdir -p "$H/queue/togroup/tmp" "$H/queue/togroup/new"
echo "* 127.0.0.1:1" >"$H/control/routes"	# never used with -g
P1=$(free_port)
P2=$(free_port)
printf '# the group, in order\n127.0.0.1:%s\n127.0.0.1:%s\n' "$P1" "$P2" \
    >"$H/control/group"
chown_unpriv "$H"
relay_start -g
grep -q "relay: info: start spool=queue/togroup .* group=2$" "$H/relay.log"
ok $? "relay -g owns queue/togroup with two members"

# 1: the first member down, the second up
sink_start two "$P2"
newid
ID1=$ID
printf 'Subject: one\n\nhello\n' | SPOOL_Q=togroup spool_msg "$ID1" \
    s@origin.test a@one.test b@two.test
wait_for sink_atleast two 2
ok $? "the first member refuses connections: the second takes it"
sink_grep two '^rcpt <a@one.test>$' >/dev/null &&
    sink_grep two '^rcpt <b@two.test>$' >/dev/null &&
    [ "$(sink_count two)" -eq 2 ]
ok $? "both domains went to the group (a transaction each), none elsewhere"
wait_for grep -q "$ID1 done delivered=2" "$H/relay.log"
ok $? "log: both recipients delivered"
grep -q "relay: info: $ID1 failover relay=127.0.0.1\[127.0.0.1\]:$P1 reason=\"connect to 127.0.0.1\[127.0.0.1\]:$P1: Connection refused\"" "$H/relay.log"
ok $? "log: the first member failed, the next took over"
test ! -e "$H/queue/togroup/new/$ID1"
ok $? "and it leaves queue/togroup"

# 2: every member down: it waits, then goes to the first that returns
kill_sink() { for _p in $(pgrep -f "smtpsink.py -d $T/$1"); do kill "$_p"; done; }
kill_sink two
wait_for sh -c "! ss -Hltn 'sport = :$P2' | grep -q ."
newid
ID2=$ID
printf 'Subject: two\n\nhello\n' | SPOOL_Q=togroup spool_msg "$ID2" \
    s@origin.test a@one.test
wait_for grep -q "$ID2 deferred" "$H/relay.log"
ok $? "the whole group down: deferred"
test -e "$H/queue/togroup/new/$ID2"
ok $? "the message waits in queue/togroup"
sink_start one "$P1"
wait_for sink_atleast one 1
ok $? "a member returns: delivered there on a retry"

# 3: the group refuses a recipient: a bounce, to the sender, by outbound
kill_sink one
sink_start three "$P1" --reject no@one.test
newid
ID3=$ID
printf 'Subject: three\n\nhello\n' | SPOOL_Q=togroup spool_msg "$ID3" \
    s@origin.test no@one.test
wait_for grep -q "$ID3 done" "$H/relay.log"
b=$(grep -l '^rcpt <s@origin.test>$' "$H"/queue/outbound/new/* 2>/dev/null |
    head -n 1)
[ -n "$b" ] && grep -q '^from <>$' "$b" && grep -q 'no@one.test' "$b"
ok $? "a 550 of the group: a bounce to the sender in queue/outbound"
is "$(spool_count "$H/queue/togroup")" 0 "nothing left in queue/togroup"
relay_stop

# 4: control/group malformed or empty
echo 'origin:25' >"$H/control/group"
(cd "$H" && run_unpriv relay -g) 2>"$T/err"
is "$?" 111 "origin in control/group: fatal (111)"
: >"$H/control/group"
(cd "$H" && run_unpriv timeout 2 relay -g) 2>"$T/err"
r=$?
grep -q 'warning: control/group: no member of the group .*; queue/togroup waits, looking again every 60 s$' "$T/err" &&
    [ "$(grep -c . "$T/err")" -eq 1 ] && [ $r -eq 124 ]
ok $? "an empty control/group: said so once, and waits for one"

# 5: tls=require: the group only ever over TLS
sink_cert
P3=$(free_port)
P4=$(free_port)
sink_start plainm "$P3"
sink_start tlsm "$P4" --tls "$T/cert.pem" "$T/key.pem"
printf '127.0.0.1:%s tls=require\n127.0.0.1:%s tls=require\n' "$P3" "$P4" \
    >"$H/control/group"
relay_start -g
newid
ID5=$ID
printf 'Subject: five\n\nhello\n' | SPOOL_Q=togroup spool_msg "$ID5" \
    s@origin.test a@one.test
wait_for sink_atleast tlsm 1
F=$(sink_grep tlsm 'Subject: five')
is "$(sed -n 3p "$F")" "tls 1" \
    "tls=require: the member that offers STARTTLS gets it, over TLS"
grep -q "$ID5 failover relay=127.0.0.1\\[127.0.0.1\\]:$P3 reason=.*no STARTTLS offered (tls=require)" "$H/relay.log" &&
    [ "$(sink_count plainm)" -eq 0 ]
ok $? "the one that does not: passed over, nothing sent to it"
relay_stop
