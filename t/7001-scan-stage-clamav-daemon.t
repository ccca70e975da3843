#!/bin/sh
# ISC license.
# t/7001-scan-stage-clamav-daemon.t: scan-stage-clamav -D owning
# queue/scan, as an unprivileged user, with two pre-forked workers:
# clean and cleaned messages to queue/stamp, unfixable ones to
# queue/quarantine; a worker killed with SIGKILL in mid-scan, the message
# retried and passed on once; SIGHUP while messages flow; a broken
# database on reload keeps the old engine; the workers' temporary
# directories go with them; a message that outlives its worker every
# time ends in quarantine after control/scanmaxcrash tries, one that
# fails every time after control/scanmaxfail; a new database file is
# loaded without a signal.
. "${0%/*}/lib.sh"
need scan-stage-clamav python3 pgrep
src=$(cd "${0%/*}/.." && pwd)
corpus=${MW_CORPUS:-$src/../shared/corpus/cpython-email}
[ -d "$corpus" ] || skip_all "no corpus at $corpus"
plan 42

stage_db
bare_home "$H" scan stamp quarantine
echo "$DB" >"$H/control/databases"
echo 1 >"$H/control/retrybase"
echo 2 >"$H/control/retrymax"
echo 2 >"$H/control/scanworkers"
echo 5 >"$H/control/scanpermessages"
chown_unpriv "$H"
Q=$H/queue
: >"$T/log"
n=0

# drop NAME: $T/NAME.msg as a spool file into queue/scan; its id in $id
drop() {
	n=$((n + 1))
	id=1767225600.$$.$n
	{ printf 'mailward 1\nid %s\ntime %s\nremote -\nhelo -\ntls 0\n' \
	    "$id" "$(date +%s)"
	  printf 'from <a@example.org>\nrcpt <b@example.net>\n\n'
	  cat "$T/$1.msg"; } >"$T/$id"
	spool_put "$T/$id" "$Q/scan"
}
# start: the daemon in the background, in $H; its pid in $dpid
start() {
	_loads=$(logcount 'engine loaded')
	(cd "$H" && exec $(su_prefix nobody) scan-stage-clamav -D \
	    2>>"$T/log") &
	dpid=$!
	kill_at_exit $dpid
	wait_for loaded_more $_loads
}
loaded_more() { [ "$(logcount 'engine loaded')" -gt "$1" ]; }
stop() {
	kill -TERM $dpid
	wait $dpid
}
logged() { grep -q -e "$1" "$T/log"; }
logcount() { grep -c -e "$1" "$T/log"; }
in_spool() { [ -f "$Q/$1/new/$2" ]; }
count() { spool_count "$Q/$1"; }
# the busy worker: the child with a libclamav temporary file open
busy_worker() {
	for _p in $(pgrep -P $dpid); do
		ls -l /proc/$_p/fd 2>/dev/null | grep -q "$H/tmp/scan\." &&
		    { echo $_p; return 0; }
	done
	return 1
}
# a multipart message: a text part, then FILE's lines as base64 data
cp "$corpus/msg_01.txt" "$T/clean.msg"
cp "$corpus/msg_02.txt" "$T/clean2.msg"
{ printf 'From: <a@example.org>\nMIME-Version: 1.0\n'
  printf 'Content-Type: multipart/mixed; boundary=b\n\n--b\n'
  printf 'Content-Type: text/plain\n\nsee attached\n\n--b\n'
  printf 'Content-Type: application/octet-stream; name=eicar.com\n'
  printf 'Content-Transfer-Encoding: base64\n\n'
  printf '%s' "$EICAR" | base64; printf '\n--b--\n'; } >"$T/eicar.msg"
printf 'From: <a@example.org>\nSubject: single\n\n%s\n' "$EICAR" \
    >"$T/single.msg"

workers() { [ "$(pgrep -P $dpid | wc -l)" -eq "$1" ]; }
start
wait_for test -d "$H/tmp/scan.0" -a -d "$H/tmp/scan.1"
ok $? "one temporary directory per worker: tmp/scan.0, tmp/scan.1"
wait_for workers 2
ok $? "two workers"

# --- the three outcomes ----------------------------------------------------
drop clean; c1=$id
drop eicar; e1=$id
drop single; s1=$id
wait_for in_spool stamp $c1
ok $? "clean message: in queue/stamp"
grep -q '^verdict clean$' "$Q/stamp/new/$c1" &&
    sed '1,/^$/d' "$Q/stamp/new/$c1" | cmp -s - "$T/clean.msg"
ok $? "verdict clean, the message as it came"
wait_for in_spool stamp $e1
ok $? "EICAR attached: in queue/stamp"
grep -q '^verdict cleaned$' "$Q/stamp/new/$e1" &&
    grep -q '^viruses Mailward\.Test\.EICAR\.UNOFFICIAL' "$Q/stamp/new/$e1" &&
    grep -q '^mailward removed this part of the message\.$' \
    "$Q/stamp/new/$e1"
ok $? "verdict cleaned, names, the notice"
wait_for in_spool quarantine $s1
ok $? "EICAR in a single-part body: in queue/quarantine"
grep -q '^verdict quarantined$' "$Q/quarantine/new/$s1" &&
    grep -q '^quarantine found in the body of a single-part' \
    "$Q/quarantine/new/$s1" && grep -q -F -x "$EICAR" "$Q/quarantine/new/$s1"
ok $? "verdict quarantined, the reason, the message kept"
logged "info: $s1 verdict=quarantined viruses=Mailward"
ok $? "logged"
printf 'mailward 1\nid x\n\nSubject: no envelope fields\n\nhi\n' \
    >"$T/malformed"
spool_put "$T/malformed" "$Q/scan"
wait_for in_spool quarantine malformed
ok $? "a malformed spool file: in queue/quarantine"
cmp -s "$Q/quarantine/new/malformed" "$T/malformed"
ok $? "kept as it came"
is "$(count scan) $(count stamp) $(count quarantine)" "0 2 2" \
    "each once, queue/scan empty"
is "$(ls -A "$Q/stamp/tmp"; ls -A "$Q/quarantine/tmp")" "" \
    "nothing left in tmp/ of the spools"

# --- a worker killed in mid-scan ----------------------------------------------
"$PYTHON" - "$T/big.msg" <<'EOF'
import base64, random, sys
r = random.Random(7000)
d = bytes(r.getrandbits(8) for _ in range(1 << 16)) * 256
with open(sys.argv[1], 'wb') as f:
    f.write(b'From: <a@example.org>\nSubject: big\nMIME-Version: 1.0\n'
            b'Content-Type: multipart/mixed; boundary=b\n\n--b\n'
            b'Content-Type: text/plain\n\nhi\n\n--b\n'
            b'Content-Type: application/octet-stream\n'
            b'Content-Transfer-Encoding: base64\n\n' +
            base64.encodebytes(d) + b'\n--b--\n')
EOF
drop big; b1=$id
MW_WAIT=30 wait_for busy_worker >/dev/null
ok $? "the big message is being scanned"
victim=$(busy_worker)
kill -KILL "$victim"
ok $? "worker $victim killed with SIGKILL"
MW_WAIT=60 wait_for in_spool stamp $b1
ok $? "the message is retried and arrives in queue/stamp"
logged "warning: $b1 crashed why=\"signal 9\" count=1"
ok $? "the crash is logged"
is "$(logcount "info: $b1 verdict=clean ")" 1 "scanned clean once"
is "$(count scan) $(count stamp) $(count quarantine)" "0 3 2" \
    "the message arrived once"
! kill -0 "$victim" 2>/dev/null && wait_for workers 2
ok $? "the killed worker was replaced"

# --- SIGHUP while messages flow ----------------------------------------------
ids=
for f in "$corpus"/msg_*.txt; do
	cp "$f" "$T/m.msg"
	drop m
	ids="$ids $id"
	case $n in *0) kill -HUP $dpid ;; esac
done
all_in() { for _i in $ids; do in_spool stamp $_i || return 1; done; }
MW_WAIT=60 wait_for all_in
ok $? "48 messages, SIGHUPs among them: all in queue/stamp"
is "$(count scan) $(count stamp) $(count quarantine)" "0 51 2" \
    "none lost, none twice"
logged "info: - reload gen=2"
ok $? "a reload is logged"
! logged "reload-failed"
ok $? "no reload failed"

# --- a broken database on reload ----------------------------------------------
rm -f "$DB"/*
printf 'Broken:0:*:zz\n' >"$DB/broken.ndb"
kill -HUP $dpid
wait_for logged "warning: - reload-failed gen=[0-9]* reason="
ok $? "a malformed database: reload-failed logged"
gen=$(sed -n 's/.*reload-failed gen=\([0-9]*\).*/\1/p' "$T/log" | tail -n 1)
drop eicar; e2=$id
wait_for in_spool stamp $e2 &&
    grep -q '^verdict cleaned$' "$Q/stamp/new/$e2"
ok $? "the old engine still scans: EICAR cleaned"
cp "$src"/t/data/sigs/mailward-test.* "$DB/" && rm -f "$DB/broken.ndb"
kill -HUP $dpid
wait_for logged "info: - reload gen=$((gen + 1))"
ok $? "the database repaired: the next reload works"
drop clean2; c2=$id
wait_for in_spool stamp $c2
ok $? "and messages are scanned"

# --- a new database file: reloaded without a signal --------------------------
sleep 3				# the repair's own reload has settled
reloads=$(logcount "info: - reload gen=")
added=mailward-added-signature-xyzzy
printf 'Mailward.Test.Added:0:*:%s\n' \
    "$(printf '%s' $added | od -An -tx1 | tr -d ' \n')" >"$DB/added.ndb.tmp"
mv "$DB/added.ndb.tmp" "$DB/added.ndb"
reloaded() { [ "$(logcount "info: - reload gen=")" -gt "$reloads" ]; }
wait_for reloaded
ok $? "a database file renamed into the directory: reloaded"
{ printf 'From: <a@example.org>\nMIME-Version: 1.0\n'
  printf 'Content-Type: multipart/mixed; boundary=b\n\n--b\n'
  printf 'Content-Type: text/plain\n\nsee attached\n\n--b\n'
  printf 'Content-Type: application/octet-stream; name=x.bin\n'
  printf 'Content-Transfer-Encoding: base64\n\n'
  printf 'data %s data\n' $added | base64; printf '\n--b--\n'; } >"$T/added.msg"
drop added; a1=$id
wait_for in_spool stamp $a1 && grep -q '^verdict cleaned$' "$Q/stamp/new/$a1" &&
    grep -q '^viruses Mailward\.Test\.Added' "$Q/stamp/new/$a1"
ok $? "the new signature is in use"

# --- stop: the workers' temporary directories go --------------------------------
stop
ok $? "SIGTERM: the daemon stops, exit 0"
logged "info: - stop"
ok $? "stop logged"
is "$(ls -A "$H/tmp")" "" "tmp/scan.* removed after the workers exit"

# --- a message that outlives its worker every time ---------------------------
echo 1 >"$H/control/scantimeout"
echo 2 >"$H/control/scanmaxcrash"
echo 20000 >"$H/control/mimeparts"
"$PYTHON" - "$T/slow.msg" <<'EOF'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('From: <a@example.org>\nMIME-Version: 1.0\n'
            'Content-Type: multipart/mixed; boundary=b\n\n')
    for i in range(8000):
        f.write('--b\nContent-Type: text/plain\n\npart number %d\n' % i)
    f.write('--b--\n')
EOF
start
drop slow; w1=$id
MW_WAIT=60 wait_for in_spool quarantine $w1
ok $? "a message over control/scantimeout every time: quarantined"
logged "warning: $w1 crashed why=timeout count=1" &&
    logged "warning: $w1 crashed why=timeout count=2"
ok $? "after scanmaxcrash (2) timeouts"
logged "warning: $w1 verdict=quarantined reason=\"crashed 2 times, the last: timeout\""
ok $? "logged"
grep -q '^verdict quarantined$' "$Q/quarantine/new/$w1" &&
    grep -q '^quarantine crashed 2 times, the last: timeout$' \
    "$Q/quarantine/new/$w1"
ok $? "the envelope says why"
sed '1,/^$/d' "$Q/quarantine/new/$w1" | cmp -s - "$T/slow.msg"
ok $? "the message kept as it came"
stop
is "$(count scan) $(ls -A "$H/tmp")" "0 " "queue/scan empty, tmp/ empty"

# --- a message that fails (111) every time ---------------------------------
echo 2 >"$H/control/scanmaxfail"
echo 31536000 >"$H/control/queuelifetime"	# the ids are from 2026-01-01
chmod 0500 "$Q/stamp/tmp"		# the worker cannot write its result
start
drop clean; f1=$id
wait_for in_spool quarantine $f1
ok $? "a temporary failure every time: quarantined"
logged "info: $f1 deferred exit=111 tries=1" &&
    logged "warning: $f1 verdict=quarantined reason=\"failed 2 times"
ok $? "after control/scanmaxfail (2) tries, logged"
grep -q '^quarantine failed 2 times (temporary errors)$' \
    "$Q/quarantine/new/$f1" && ! grep -q '^verdict clean' \
    "$Q/quarantine/new/$f1"
ok $? "the envelope says why; it was never passed on"
stop
chmod 0700 "$Q/stamp/tmp"
