#!/bin/sh
# ISC license.
# t/2001-spool-run-misc.t: spool-run without a filter (a mover), the
# child timeout, inotify without rescans, and its refusals: usage errors,
# malformed control files, missing spools and root, all exit 111.
. "${0%/*}/lib.sh"
need spool-run
plan 28

filter=$(cd "${0%/*}" && pwd)/filter-subject.sh
mktemp_T
D=$T/home
bare_home "$D" in out failed slow mid
echo 3600 >"$D/control/rescan"		# only inotify can be prompt
echo 1 >"$D/control/retrybase"
echo 1 >"$D/control/timeout-slow"
now=$(date +%s)
n=0
asuser=$(su_prefix nobody)
chown_unpriv "$D"
cd "$D" || exit 1

# mkspool SPOOL SUBJECT: a spool file in queue/SPOOL/new; its id in $id
mkspool() {
	n=$((n + 1))
	id=$now.$$.$n
	printf 'mailward 1\nid %s\ntime %s\nfrom <>\nrcpt <b@example.net>\n\nSubject: %s\n\nbody\n' \
	    "$id" "$now" "$2" >"$T/$id.orig"
	spool_put "$T/$id.orig" "queue/$1" "$id"
}
logged() { grep -q "^spool-run: $1" "$T/$2"; }
# fails RC DESC LOGPATTERN CMD...: CMD exits RC and logs the pattern
fails() {
	_rc=$1 _d=$2 _p=$3
	shift 3
	$asuser "$@" 2>"$T/err" </dev/null
	is "$?" "$_rc" "$_d: exit $_rc"
	grep -q "^spool-run: fatal: $_p" "$T/err"
	ok $? "$_d: says why"
}

# --- refusals -------------------------------------------------------------
fails 111 "no arguments" "usage: spool-run" spool-run
fails 111 "a route code outside 20..39" "usage:" \
    spool-run -r 100=queue/out queue/in cat
fails 111 "no filter and no -o" "usage:" spool-run queue/in
fails 111 "a missing spool" "unable to use queue/nope/tmp: No such file" \
    spool-run -o queue/out queue/nope
echo 0 >control/concurrency-in
fails 111 "concurrency 0" \
    "control/concurrency-in line 1: not a number in 1..1000" \
    spool-run -o queue/out queue/in
printf '# comment\n12x\n' >control/concurrency-in
fails 111 "concurrency 12x" \
    "control/concurrency-in line 2: not a number in 1..1000" \
    spool-run -o queue/out queue/in
rm control/concurrency-in
if [ "$(id -u)" -eq 0 ]; then
	spool-run -o queue/out queue/in 2>"$T/err" </dev/null
	is "$?" 111 "as root: exit 111"
	grep -q "^spool-run: fatal: refusing to run as root" "$T/err"
	ok $? "as root: says why"
else
	skip "not root"
	skip "not root"
fi

# --- a mover: no filter ------------------------------------------------
mkspool in m1
first=$id
$asuser spool-run -o queue/out queue/in 2>"$T/log1" &
pid=$!
kill_at_exit $pid
wait_for test -f "queue/out/new/$first"
ok $? "mover: a message there at start is moved"
cmp -s "queue/out/new/$first" "$T/$first.orig"
ok $? "mover: byte-exact"
mkspool in m2
wait_for test -f "queue/out/new/$id"
ok $? "mover: a new message is noticed without a rescan (inotify)"
wait_for logged "info: $id done exit=0 out=out ms=" log1
ok $? "mover: log line"
kill -TERM $pid
wait $pid
ok $? "mover: exit 0 on SIGTERM"
is "$(ls queue/in/new queue/in/tmp queue/out/tmp)" "queue/in/new:

queue/in/tmp:

queue/out/tmp:" "mover: nothing left behind"

# --- a chain: a filter's output wakes the next runner at once ---------
$asuser spool-run -o queue/mid -n chain1 queue/in "$filter" 2>"$T/log3" &
p1=$!
$asuser spool-run -o queue/out -n chain2 queue/mid 2>"$T/log4" &
p2=$!
kill_at_exit $p1 $p2
wait_for logged "info: - start" log3 && wait_for logged "info: - start" log4
mkspool in pass
wait_for test -f "queue/out/new/$id"
ok $? "chain: filter output noticed by the next runner without a rescan"
cmp -s "queue/out/new/$id" "$T/$id.orig"
ok $? "chain: byte-exact"
kill -TERM $p1 $p2
wait $p1 $p2

# --- no -o: exit 0 consumes, a route code moves the input itself -------
$asuser spool-run -r 20=queue/out -n noout queue/in "$filter" 2>"$T/log5" &
p1=$!
kill_at_exit $p1
mkspool in pass
gone=$id
mkspool in route
wait_for test -f "queue/out/new/$id"
ok $? "no -o: a route code moves the input"
cmp -s "queue/out/new/$id" "$T/$id.orig"
ok $? "no -o: moved unchanged"
wait_for logged "info: $gone done exit=0 out=- ms=" log5 &&
    test ! -e "queue/in/new/$gone" && test ! -e "queue/out/new/$gone"
ok $? "no -o: exit 0 consumes the message"
kill -TERM $p1
wait $p1

# --- a filter that hangs is killed after control/timeout-NAME ------------
mkspool slow hang
$asuser spool-run -o queue/out -n slow queue/slow \
    "$filter" 2>"$T/log2" &
pid=$!
wait_for logged "info: $id killed signal=9 ms=[0-9]* retry=" log2
ok $? "timeout: the child is killed with SIGKILL, a temporary failure"
test -f "queue/slow/new/$id" && test ! -e "queue/out/new/$id"
ok $? "timeout: the message stays"
kill -TERM $pid
wait $pid
test -z "$(ls queue/out/tmp)"
ok $? "timeout: its output is removed"
