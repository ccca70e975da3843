#!/bin/sh
# relay: STARTTLS when offered; a route with tls=require waits for a next
# hop that offers it.
. "${0%/*}/lib.sh"
. "${0%/*}/relay.sh"
need python3 openssl s6-setuidgid
plan 8

sink_cert

relay_home
P=$(free_port)
Q=$(free_port)
sink_start tls "$P" --tls "$T/cert.pem" "$T/key.pem"
sink_start plain "$Q"
cat >"$H/control/routes" <<EOF
opportunistic.test 127.0.0.1:$P
required.test 127.0.0.1:$P tls=require
missing.test 127.0.0.1:$Q tls=require
plain.test 127.0.0.1:$Q
EOF
relay_start

newid
ID1=$ID
printf 'Subject: opportunistic\n\nx\n' |
    spool_msg "$ID1" s@origin.test a@opportunistic.test
wait_for sink_grep tls 'Subject: opportunistic' >/dev/null
F=$(sink_grep tls 'Subject: opportunistic')
is "$(sed -n 3p "$F")" "tls 1" "STARTTLS used when offered"

newid
ID2=$ID
printf 'Subject: required\n\nx\n' | spool_msg "$ID2" s@origin.test a@required.test
wait_for sink_grep tls 'Subject: required' >/dev/null
F=$(sink_grep tls 'Subject: required')
is "$(sed -n 3p "$F")" "tls 1" "tls=require: delivered over TLS"

newid
ID3=$ID
printf 'Subject: plain\n\nx\n' | spool_msg "$ID3" s@origin.test a@plain.test
wait_for sink_grep plain 'Subject: plain' >/dev/null
F=$(sink_grep plain 'Subject: plain')
is "$(sed -n 3p "$F")" "tls 0" "no STARTTLS offered: plain text"

newid
ID4=$ID
printf 'Subject: missing\n\nx\n' | spool_msg "$ID4" s@origin.test a@missing.test
wait_for grep -q "$ID4 done" "$H/relay.log"
relay_log | grep -q "^relay: info: $ID4 deferred to=<a@missing.test> relay=127.0.0.1\[127.0.0.1\]:$Q reply=\"127.0.0.1\[127.0.0.1\]:$Q: no STARTTLS offered (tls=require)\"$"
ok $? "tls=require and no STARTTLS: deferred, with the reason"
test -e "$H/queue/outbound/new/$ID4"
ok $? "the message waits in the spool"
sink_grep plain 'Subject: missing' >/dev/null
is "$?" 1 "and was not sent in plain text"
is "$(sink_count tls)" 2 "two messages over TLS"
relay_stop
is "$RELAY_RC" 0 "relay stops"
