#!/bin/sh
# ISC license.
# t/2000-spool-run-filter.t: spool-run runs a filter per message and acts
# on its exit status: 0 and route codes pass the output on, 100 goes to
# failed/, everything else (111, other codes, signals, garbage output) is
# retried until it passes or outlives control/queuelifetime.
. "${0%/*}/lib.sh"
need spool-run
plan 42

filter=$(cd "${0%/*}" && pwd)/filter-subject.sh
mktemp_T
D=$T/home
bare_home "$D" in out route failed
echo 1 >"$D/control/retrybase"
echo 1 >"$D/control/retrymax"
echo 1 >"$D/control/rescan"
echo 600 >"$D/control/queuelifetime"
echo 3 >"$D/control/concurrency-in"
now=$(date +%s)
n=0

# mkspool SUBJECT [TIME]: a spool file in queue/in/new; its id in $id
mkspool() {
	n=$((n + 1))
	id=${2:-$now}.$$.$n
	_id=$id
	printf 'mailward 1\nid %s\ntime %s\nremote 192.0.2.7\nhelo h\ntls 0\nfrom <a@example.org>\nrcpt <b@example.net>\n\nSubject: %s\n\nline 1\nline 2\n' \
	    "$_id" "${2:-$now}" "$1" >"$T/$_id.orig"
	spool_put "$T/$_id.orig" "$D/queue/in" "$_id"
}
logged() { grep -q "^spool-run: info: $1" "$T/log"; }
logcount() { grep -c "^spool-run: info: $1" "$T/log"; }
atleast() { [ "$(logcount "$1")" -ge "$2" ]; }

mkspool pass; pass=$id
mkspool route; route=$id
mkspool perm; perm=$id
mkspool temp; temp=$id
mkspool odd; odd=$id
mkspool signal; sig=$id
mkspool garbage; garb=$id
mkspool empty; empty=$id
mkspool unrouted; unr=$id
mkspool temp $((now - 1000)); old=$id
mkspool pass; dup=$id
# a crash after the output was linked but before the input was unlinked
printf 'mailward 1\nalready passed on\n' >"$D/queue/out/new/$dup"
# a crash while a filter wrote: output left in out/tmp
echo partial >"$D/queue/out/tmp/$pass"
# stale and fresh files in in/tmp
echo stale >"$D/queue/in/tmp/stale"
touch -d '2 days ago' "$D/queue/in/tmp/stale"
echo fresh >"$D/queue/in/tmp/fresh"
chown_unpriv "$D"

asuser=$(su_prefix nobody)
cd "$D" || exit 1
$asuser spool-run -o queue/out -r 20=queue/route -f queue/failed \
    queue/in "$filter" "$T/flag" 2>"$T/log" &
pid=$!
kill_at_exit $pid

wait_for test -f "queue/out/new/$pass"
ok $? "exit 0: output in out/new"
cmp -s "queue/out/new/$pass" "$T/$pass.orig"
ok $? "exit 0: output byte-exact"
wait_for logged "$pass done exit=0 out=out ms=[0-9]"
ok $? "exit 0: log line"
test ! -e "queue/in/new/$pass"
ok $? "exit 0: input removed"
wait_for test -f "queue/route/new/$route"
ok $? "exit 20: output in route/new (-r 20=queue/route)"
cmp -s "queue/route/new/$route" "$T/$route.orig"
ok $? "exit 20: byte-exact"
wait_for logged "$route done exit=20 out=route ms="
ok $? "exit 20: log line"
wait_for test -f "queue/failed/new/$perm"
ok $? "exit 100: input in failed/new"
cmp -s "queue/failed/new/$perm" "$T/$perm.orig"
ok $? "exit 100: the input, unchanged"
wait_for logged "$perm failed exit=100 to=failed$"
ok $? "exit 100: log line"
test ! -e "queue/out/new/$perm" && test ! -e "queue/in/new/$perm"
ok $? "exit 100: output dropped, input gone"

wait_for atleast "$temp deferred exit=111 retry=1s" 2
ok $? "exit 111: deferred and retried"
wait_for logged "$odd deferred exit=7 retry=1s"
ok $? "exit 7: temporary"
wait_for logged "$unr deferred exit=21 retry="
ok $? "exit 21 without -r 21: temporary"
wait_for logged "$sig killed signal=9 ms=[0-9]* retry=1s"
ok $? "killed by a signal: temporary"
wait_for logged "$garb deferred exit=0 reason=badoutput retry=1s"
ok $? "garbage output: temporary"
wait_for logged "$empty deferred exit=0 reason=badoutput"
ok $? "empty output: temporary"
wait_for logged "$old failed exit=111 to=failed reason=lifetime age=[0-9]*s"
ok $? "past control/queuelifetime: failed with a log line"
cmp -s "queue/failed/new/$old" "$T/$old.orig"
ok $? "past the lifetime: the input in failed/"
wait_for logged "$dup done exit=0 out=out duplicate ms="
ok $? "output already passed on: logged as duplicate"
printf 'mailward 1\nalready passed on\n' | cmp -s - "queue/out/new/$dup"
ok $? "the earlier copy is kept, not overwritten"
test ! -e "queue/in/new/$dup"
ok $? "duplicate: input removed"
logged "- tmp-clean file=queue/in/tmp/stale"
ok $? "stale in/tmp file removed at start"
test ! -e queue/in/tmp/stale && test -e queue/in/tmp/fresh
ok $? "fresh in/tmp file kept"
logged "- tmp-clean file=queue/out/tmp/$pass"
ok $? "a crashed run's out/tmp output removed at start"

# a message that fails until the filter starts to succeed
mkspool flaky; flaky=$id
[ "$(id -u)" -eq 0 ] && chown nobody "queue/in/new/$flaky"
wait_for atleast "$flaky deferred exit=111" 2
ok $? "flaky: deferred while failing"
test ! -e "queue/out/new/$flaky"
ok $? "flaky: not passed on meanwhile"
touch "$T/flag"
wait_for test -f "queue/out/new/$flaky"
ok $? "flaky: passes once the filter succeeds"
cmp -s "queue/out/new/$flaky" "$T/$flaky.orig"
ok $? "flaky: byte-exact"
wait_for logged "$flaky done exit=0 out=out"
ok $? "flaky: done logged"

for m in $temp $odd $sig $garb $empty $unr; do
	test -f "queue/in/new/$m" || break
done
ok $? "temporary failures stay in in/new"
test -z "$(ls queue/out/new | grep -v -e "$pass" -e "$dup" -e "$flaky")"
ok $? "nothing else reached out/new"

kill -TERM $pid
wait $pid
ok $? "SIGTERM: exit 0"
logged "- stop"
ok $? "stop logged"
is "$(find queue/out/tmp queue/route/tmp queue/failed/tmp -type f | wc -l)" \
    0 "nothing left in out/tmp, route/tmp, failed/tmp"
is "$(ls queue/in/tmp)" "fresh" "in/tmp holds only the fresh file"
is "$(grep -c "^spool-run: info: $pass " "$T/log")" 1 \
    "one log line for a message that passed at once"
! grep -v -e "^spool-run: info: " -e "^spool-run: warning: " "$T/log" |
    grep -q .
ok $? "only spool-run info/warning lines in the log"
atleast "$temp deferred" 2 &&
    test ! -e "queue/failed/new/$temp"
ok $? "a young message failing temporarily is not failed"
is "$(ls queue/failed/new | sort | tr '\n' ' ')" \
    "$(printf '%s\n' "$perm" "$old" | sort | tr '\n' ' ')" \
    "failed/ holds exactly the 100 and the expired message"
is "$(ls queue/route/new)" "$route" "route/ holds exactly the route"
test -s "$T/log"
ok $? "log is not empty"
