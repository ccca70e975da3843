#!/bin/sh
# ISC license.
# t/7100-scan-stage-clamd.t: scan-stage-clamd against Debian's clamd (as
# nobody, on its own socket, over the project's test signatures), as an
# unprivileged user:
# * filter mode: a clean message byte for byte; EICAR and clam.zip
#   attached cleaned to exactly what scan-stage-clamav makes of them;
#   EICAR in a single-part body quarantined; the control files;
# * never clean when clamd is not there, or is a fake (t/fakeclamd.py,
#   over TCP) that answers nonsense, never answers, or hangs up;
# * daemon mode: started while clamd is down, messages wait in
#   queue/scan and go through once it is up; clamd stopped in mid-run,
#   the messages deferred, clamd back: each arrives once.
. "${0%/*}/lib.sh"
need scan-stage-clamd scan-stage-clamav python3 ss
src=$(cd "${0%/*}/.." && pwd)
corpus=${MW_CORPUS:-$src/../shared/corpus/cpython-email}
testfiles=${MW_TESTFILES:-/usr/share/clamav-testfiles}
[ -x /usr/sbin/clamd ] || skip_all "no /usr/sbin/clamd (clamav-daemon)"
[ -d "$corpus" ] || skip_all "no corpus at $corpus"
[ -f "$testfiles/clam.zip" ] || skip_all "no clamav-testfiles"
plan 52

stage_db
bare_home "$H" scan stamp quarantine
chown_unpriv "$H"
Q=$H/queue

# envelope ID: a spool file's envelope block, the empty line included
envelope() {
	printf 'mailward 1\nid %s\ntime %s\nremote -\nhelo -\ntls 0\n' \
	    "$1" "$(date +%s)"
	printf 'from <a@example.org>\nrcpt <b@example.net>\n\n'
}
# attach NAME: a multipart message, a text part and NAME (stdin, base64)
attach() {
	printf 'From: <a@example.org>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary=b\n\n--b\n'
	printf 'Content-Type: text/plain\n\nsee attached\n\n--b\n'
	printf 'Content-Type: application/octet-stream; name=%s\n' "$1"
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64
	printf '\n--b--\n'
}
cp "$corpus/msg_01.txt" "$T/clean.msg"
cp "$corpus/msg_02.txt" "$T/clean2.msg"
printf '%s' "$EICAR" | attach eicar.com >"$T/eicar.msg"
attach clam.zip <"$testfiles/clam.zip" >"$T/clamzip.msg"
printf 'From: <a@example.org>\nSubject: single\n\n%s\n' "$EICAR" \
    >"$T/single.msg"
for m in clean eicar clamzip single; do
	{ envelope "f.$m"; cat "$T/$m.msg"; } >"$T/$m.in"
done

# scan [ARG...] <IN: the stage as nobody in $H; $rc, $T/out, $T/err
scan() {
	(cd "$H" && run_unpriv scan-stage-clamd "$@") >"$T/out" 2>"$T/err"
	rc=$?
}
body() { sed '1,/^$/d' "$1"; }
# The same input through scan-stage-clamav: the same bytes but for the
# names (libclamav in-process lists every signature that matched, clamd
# the first) and the scanned key.
same_as_clamav() {
	(cd "$H" && run_unpriv scan-stage-clamav -d "$DB") <"$1" 2>/dev/null |
	    sed '/^scanned /d; /^found /d; s/^viruses .*/viruses X/;
	    s/^Virus: .*/Virus: X/' >"$T/clamav.out"
	sed '/^scanned /d; /^found /d; s/^viruses .*/viruses X/;
	    s/^Virus: .*/Virus: X/' "$T/out" | cmp -s - "$T/clamav.out"
}

# --- filter mode, clamd up ------------------------------------------------
start_clamd "$T/clamd" "$DB"
ok $? "clamd answers PING on its socket"

scan -s "$CLAMD_SOCK" <"$T/clean.in"
is "$rc" 0 "clean message: exit 0"
body "$T/out" | cmp -s - "$T/clean.msg"
ok $? "the message byte for byte"
sed -n '/^verdict /p; /^scanned /p' "$T/out" | tr '\n' ' ' |
    grep -q '^verdict clean scanned clamd/1\.4\.[0-9]*/[0-9]* $'
ok $? "verdict clean, scanned clamd/ENGINE/DB (clamd's VERSION)"
grep -q '^scan-stage-clamd: info: f\.clean verdict=clean viruses="" removed=0 scans=2 ' "$T/err"
ok $? "logged: whole message and one leaf, each asked of clamd"

scan -s "$CLAMD_SOCK" <"$T/eicar.in"
is "$rc" 0 "EICAR attached: exit 0"
grep -q '^verdict cleaned$' "$T/out" &&
    grep -q '^viruses Mailward\.Test\.EICAR\.UNOFFICIAL$' "$T/out" &&
    grep -q '^mailward removed this part of the message\.$' "$T/out"
ok $? "verdict cleaned, the name, the notice"
same_as_clamav "$T/eicar.in"
ok $? "exactly what scan-stage-clamav makes of it"

scan -s "$CLAMD_SOCK" <"$T/clamzip.in"
is "$rc" 0 "clam.zip attached: exit 0"
grep -q '^verdict cleaned$' "$T/out" &&
    grep -q '^viruses Mailward\.Test\.' "$T/out" &&
    grep -q '^File: clam\.zip$' "$T/out"
ok $? "clamd unpacked it: cleaned, the notice names clam.zip"
same_as_clamav "$T/clamzip.in"
ok $? "exactly what scan-stage-clamav makes of it"

scan -s "$CLAMD_SOCK" <"$T/single.in"
is "$rc" 100 "EICAR in a single-part body: exit 100"
[ ! -s "$T/out" ]
ok $? "nothing on standard output"
grep -q '^scan-stage-clamd: info: f\.single verdict=quarantined viruses=Mailward\.Test\.EICAR\.UNOFFICIAL .*reason="found in the body of a single-part' "$T/err"
ok $? "logged: id, verdict, name, reason"

scan -s "$CLAMD_SOCK" <"$T/clean.msg"
is "$rc" 0 "a bare message: exit 0"
cmp -s "$T/out" "$T/clean.msg"
ok $? "out as it came"

# the control files
echo "$CLAMD_SOCK" >"$H/control/clamd-address"
scan <"$T/eicar.in"
is "$rc" 0 "no -s: control/clamd-address is read"
grep -q '^verdict cleaned$' "$T/out"
ok $? "and clamd scanned"
scan -s "$T/nonexistent.sock" <"$T/clean.in"
is "$rc" 111 "-s overrides control/clamd-address"
echo 'clamd.example.org' >"$H/control/clamd-address"
scan <"$T/clean.in"
is "$rc" 111 "control/clamd-address without a port: 111"
grep -q 'fatal: control/clamd-address line 1: not a socket path or host:port' "$T/err"
ok $? "logged: the file and line"
rm -f "$H/control/clamd-address"
echo 0 >"$H/control/clamd-timeout"
scan -s "$CLAMD_SOCK" <"$T/clean.in"
is "$rc" 111 "control/clamd-timeout 0: 111"
grep -q 'fatal: control/clamd-timeout line 1' "$T/err"
ok $? "logged: the file and line"
rm -f "$H/control/clamd-timeout"
echo 1000000 >"$H/control/clamd-maxstream"
scan -s "$CLAMD_SOCK" <"$T/clean.in"
is "$rc" 111 "clamd-maxstream below control/databytes: 111"
grep -q "fatal: the clamd engine's limits" "$T/err"
ok $? "logged"
echo 500000 >"$H/control/databytes"
scan -s "$CLAMD_SOCK" <"$T/clean.in"
is "$rc" 0 "and with databytes below it: 0"
rm -f "$H"/control/*

# --- never clean without a clamd that answers ------------------------------
scan -s "$T/nonexistent.sock" <"$T/clean.in"
is "$rc" 111 "no clamd at the address: 111"
[ ! -s "$T/out" ] && grep -q 'warning: f\.clean verdict=temporary .*reason="scan: clamd: connect to ' "$T/err"
ok $? "nothing on standard output, logged"
port=$(free_port)
for mode in nonsense silent close; do
	"$PYTHON" "$src/t/fakeclamd.py" -p "$port" -m $mode -l "$T/fake.log" &
	fpid=$!
	kill_at_exit $fpid
	wait_port "$port"
	echo 2 >"$H/control/clamd-timeout"
	scan -s "127.0.0.1:$port" <"$T/clean.in"
	is "$rc" 111 "a fake clamd ($mode) over TCP: 111"
	[ ! -s "$T/out" ] && grep -q 'warning: f\.clean verdict=temporary ' "$T/err"
	ok $? "nothing on standard output, logged"
	kill $fpid
	wait $fpid 2>/dev/null
done
grep -q "^fakeclamd: nonsense zINSTREAM $(($(wc -c <"$T/clean.msg") + 24))\$" "$T/fake.log"
ok $? "the fake got the message with the Received: line in front"
scan -s "127.0.0.1:$port" <"$T/clean.in"
is "$rc" 111 "nothing listening on the port: 111"
rm -f "$H"/control/*

scan -x <"$T/clean.in"
is "$rc" 111 "usage error: 111"
scan -s "$CLAMD_SOCK" extra <"$T/clean.in"
is "$rc" 111 "an operand: 111"
if [ "$(id -u)" -eq 0 ]; then
	(cd "$H" && scan-stage-clamd -s "$CLAMD_SOCK") <"$T/clean.in" \
	    >"$T/out" 2>"$T/err"
	is "$?" 111 "as root: 111"
	grep -q 'fatal: refusing to run as root' "$T/err" && [ ! -s "$T/out" ]
	ok $? "as root: logged, nothing on standard output"
else
	skip "not root"
	skip "not root"
fi

# --- daemon mode ------------------------------------------------------------
stop_clamd
echo "$CLAMD_SOCK" >"$H/control/clamd-address"
echo 1 >"$H/control/retrybase"
echo 2 >"$H/control/retrymax"
echo 1000 >"$H/control/scanmaxfail"
echo 5 >"$H/control/clamd-timeout"
chown_unpriv "$H"
: >"$T/log"
n=0
# drop NAME: $T/NAME.msg as a spool file into queue/scan; its id in $id
drop() {
	n=$((n + 1))
	id=$(date +%s).$$.$n
	{ envelope "$id"; cat "$T/$1.msg"; } >"$T/$id"
	spool_put "$T/$id" "$Q/scan"
}
logged() { grep -q -e "$1" "$T/log"; }
logcount() { grep -c -e "$1" "$T/log"; }
in_spool() { [ -f "$Q/$1/new/$2" ]; }
count() { spool_count "$Q/$1"; }
deferred() { logged "info: $1 deferred exit=111 tries=$2"; }

(cd "$H" && exec $(su_prefix nobody) scan-stage-clamd -D 2>>"$T/log") &
dpid=$!
kill_at_exit $dpid
wait_for logged "info: - start spool=queue/scan"
ok $? "the daemon starts while clamd is down"
drop clean; w1=$id
wait_for deferred $w1 2
ok $? "a message waits: deferred, retried"
logged "warning: $w1 verdict=temporary .*reason=\"scan: clamd: connect to "
ok $? "why: logged"
start_clamd "$T/clamd" "$DB"
wait_for in_spool stamp $w1
ok $? "clamd up: the message goes through to queue/stamp"

drop eicar; e1=$id
drop single; s1=$id
wait_for in_spool stamp $e1 && grep -q '^verdict cleaned$' "$Q/stamp/new/$e1"
ok $? "EICAR attached: cleaned, in queue/stamp"
wait_for in_spool quarantine $s1
ok $? "EICAR in a single-part body: in queue/quarantine"

stop_clamd
ids=
for m in clean eicar clean2; do
	drop $m
	ids="$ids $id"
done
all_deferred() { for _i in $ids; do deferred $_i 1 || return 1; done; }
wait_for all_deferred
ok $? "clamd stopped: three messages deferred"
is "$(count scan) $(count stamp) $(count quarantine)" "3 2 1" \
    "they wait in queue/scan, nothing passed on"
start_clamd "$T/clamd" "$DB"
all_in() { for _i in $ids; do in_spool stamp $_i || return 1; done; }
wait_for all_in
ok $? "clamd back: all three in queue/stamp"
is "$(count scan) $(count stamp) $(count quarantine)" "0 5 1" \
    "none lost, none twice"
once=0
for _i in $w1 $ids; do
	[ "$(logcount "info: $_i verdict=clean\(ed\)\{0,1\} ")" -eq 1 ] ||
	    once=1
done
is "$once" 0 "each scanned to a verdict once"
kill -TERM $dpid
wait $dpid
ok $? "SIGTERM: the daemon stops, exit 0"
