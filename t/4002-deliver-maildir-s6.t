#!/bin/sh
# ISC license.
# t/4002-deliver-maildir-s6.t: a gateway home from mailward-setup under
# s6: a message dropped into queue/incoming passes the "incoming" service
# (spool-run running classify, which finds it already scanned) and the
# "local" service (spool-run running deliver-maildir) into the Maildir,
# with both services' log lines; an unknown recipient is bounced into
# queue/outbound; a spool file put back into queue/local after delivery
# leaves one copy.  The gateway's group is at 127.0.0.1:9, where nobody
# answers: the spool files' client, 192.0.2.7, stands in for a member of
# the group (--scan-policy source), so nothing is sent there.
. "${0%/*}/lib.sh"
need mailward-setup spool-run classify deliver-maildir s6-svscan s6-log
plan 9

port=$(free_port)
mkhome gateway --listen "127.0.0.1:$port" --me mx.example.org \
    --maildir alice@example.org=Maildir/alice --next-hop 127.0.0.1:9 \
    --group 127.0.0.1:9 --scan-policy source --scanner-net 192.0.2.7/32
now=$(date +%s)
n=0
# mkspool RCPT...: a spool file $T/$id
mkspool() {
	n=$((n + 1))
	id=$now.$$.$n
	{
		printf 'mailward 1\nid %s\ntime %s\nremote 192.0.2.7\nhelo c.example\ntls 0\nfrom <s@example.com>\n' "$id" "$now"
		for _r; do printf 'rcpt <%s>\n' "$_r"; done
		printf '\nMessage-ID: <%s@test>\nSubject: s6 %s\n\nbody\n' "$id" "$n"
	} >"$T/$id"
	chmod 644 "$T/$id"
}
# put SPOOL ID: into queue/SPOOL the way a producer does
put() { spool_put "$T/$2" "$H/queue/$1"; }
copies() { grep -l "^Message-ID: <$1@test>" "$H"/Maildir/alice/new/* \
    "$H"/Maildir/alice/cur/* 2>/dev/null | wc -l; }

start_home
mkspool alice@example.org
m1=$id
put incoming "$m1"
mkspool alice@example.org nobody@example.org
m2=$id
put incoming "$m2"
wait_for maildir_atleast "$H/Maildir/alice" 2
is "$(maildir_count "$H/Maildir/alice")" 2 "both messages in the Maildir"
wait_for log_has incoming "spool-run: info: $m1 done exit=20 out=local" &&
    log_has incoming "classify: info: $m1 local policy=source .*source=group"
ok $? "incoming service: classify passed it on to queue/local"
wait_for log_has local "deliver-maildir: info: $m1 delivered to=alice@example.org"
ok $? "local service: deliver-maildir's line"
wait_for log_has local "spool-run: info: $m1 done exit=0 out=-"
ok $? "local service: spool-run's line"
wait_for log_has local "deliver-maildir: info: $m2 bounced to=nobody@example.org status=5.1.1 dsn=[0-9]"
ok $? "unknown recipient bounced into queue/outbound"
is "$(copies "$m1")" 1 "one copy of the first message"

# the crash case: the spool file comes back into queue/local
put local "$m1"
wait_for log_has local "deliver-maildir: info: $m1 done delivered=0 duplicate=1"
ok $? "redelivery: a duplicate"
wait_for test -z "$(ls "$H/queue/local/new")"
ok $? "redelivery: consumed"
is "$(copies "$m1")" 1 "redelivery: still one copy"
