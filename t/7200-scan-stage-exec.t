#!/bin/sh
# ISC license.
# t/7200-scan-stage-exec.t: scan-stage-exec, as an unprivileged user,
# with the shipped configurations over the project's test signatures
# (scripts/scanners/clamscan, and scripts/scanners/clamdscan against a
# clamd of our own) and with fake vendors written here:
# * filter mode: a clean message byte for byte, an EICAR attachment
#   replaced by exactly the notice, EICAR in a single-part body
#   quarantined (100), clam.zip attached cleaned;
# * a vendor that hangs (timeout), exits with an unknown code, or says
#   infected without a name we can read: 111, 111, cleaned with the
#   fallback name; malformed and missing control files: 111, file and
#   line logged;
# * daemon mode: messages to queue/stamp and queue/quarantine; a vendor
#   that hangs defers the message (logged), which passes once the vendor
#   works again; no scanner process is left behind.
. "${0%/*}/lib.sh"
need scan-stage-exec clamscan
src=$(cd "${0%/*}/.." && pwd)
testfiles=${MW_TESTFILES:-/usr/share/clamav-testfiles}
[ -f "$testfiles/clam.zip" ] || skip_all "no clamav-testfiles"
plan 59

stage_db
bare_home "$H" scan stamp quarantine
mkdir "$T/ftmp" || exit 1		# filter mode's TMPDIR
chown_unpriv "$H"
chown_unpriv "$T/ftmp"
cd "$H" || exit 1

# scan [ARG...] <IN: the stage as nobody in $H; $rc, $T/out, $T/err
scan() {
	run_unpriv env TMPDIR="$T/ftmp" scan-stage-exec "$@" >"$T/out" \
	    2>"$T/err"
	rc=$?
}
logged() { grep -q -e "$1" "$T/err"; }
# envelope ID: a spool file's envelope block
envelope() {
	printf 'mailward 1\nid %s\ntime 1767225600\nremote -\nhelo -\n' "$1"
	printf 'tls 0\nfrom <a@example.org>\nrcpt <b@example.net>\n'
}
body() { sed '1,/^$/d' "$1"; }
# the shipped configuration, its paths made ours
shipped() {
	sed -e "s#/var/lib/clamav#$DB#g" \
	    -e "s#/etc/clamav/clamd.conf#$T/clamdscan.conf#g" \
	    "$src/scripts/scanners/$1" >"$H/control/scanexec"
}
# fake BODY: a vendor whose script is BODY ($1 the file), clean 0,
# infected 1, a 1 s timeout
fake() {
	printf '#!/bin/sh\n%s\n' "$1" >"$T/vendor"
	chmod 755 "$T/vendor"
	printf 'command %s %%f\nclean 0\ninfected 1\nvirus ^.*: (.+) FOUND$\n%s\n' \
	    "$T/vendor" "timeout 1" >"$H/control/scanexec"
}
# multipart: a text part, then a part of type $1 holding $2's bytes in
# base64
multipart() {
	printf 'From: <a@example.org>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary=b\n\n--b\n'
	printf 'Content-Type: text/plain\n\nsee attached\n\n--b\n'
	printf 'Content-Type: %s; name=%s\n' "$1" "${2##*/}"
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 "$2"
	printf '\n--b--\n'
}
printf '%s' "$EICAR" >"$T/eicar.com"
printf 'hello, world\n' >"$T/hello.txt"
multipart text/plain "$T/hello.txt" >"$T/clean.msg"
multipart application/octet-stream "$T/eicar.com" >"$T/eicar.msg"
multipart application/zip "$testfiles/clam.zip" >"$T/zip.msg"
printf 'From: <a@example.org>\nSubject: single\n\n%s\n' "$EICAR" \
    >"$T/single.msg"
{ envelope c.1; echo; cat "$T/clean.msg"; } >"$T/clean.in"
{ envelope e.1; echo; cat "$T/eicar.msg"; } >"$T/eicar.in"
{ envelope s.1; echo; cat "$T/single.msg"; } >"$T/single.in"
{ envelope z.1; echo; cat "$T/zip.msg"; } >"$T/zip.in"
# the EICAR message with its part replaced by the notice (scan-stage-
# clamav(8)), VIRUS and ID given
cleaned() {
	printf 'From: <a@example.org>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary=b\n\n--b\n'
	printf 'Content-Type: text/plain\n\nsee attached\n\n--b\n'
	printf 'Content-Type: text/plain; charset=us-ascii\n'
	printf 'Content-Transfer-Encoding: 7bit\nContent-Disposition: inline\n\n'
	printf 'mailward removed this part of the message.\n\n'
	printf 'Part: 2 (application/octet-stream)\nFile: eicar.com\n'
	printf 'Size: 68 bytes\nVirus: %s\nReason: infected\n\n' "$1"
	printf 'Queue id: %s\n\n--b--\n' "$2"
}

# --- filter mode with clamscan -------------------------------------------

shipped clamscan
scan <"$T/clean.msg"
is "$rc" 0 "clamscan: a clean bare message: exit 0"
cmp -s "$T/out" "$T/clean.msg"
ok $? "out byte for byte"
scan <"$T/clean.in"
is "$rc" 0 "a clean spool file: exit 0"
body "$T/out" | cmp -s - "$T/clean.msg" &&
    sed -n '/^verdict /p; /^scanned /p' "$T/out" | tr '\n' ' ' |
    grep -q '^verdict clean scanned exec/ClamAV_[0-9.]*[^ ]* $'
ok $? "the message as it came; verdict clean, scanned exec/ClamAV_..."
logged '^scan-stage-exec: info: - engine loaded engine=ClamAV_[0-9.]* command=clamscan$' &&
    logged '^scan-stage-exec: info: c\.1 verdict=clean viruses="" removed=0 scans=3 '
ok $? "logged: the engine, the verdict, one scan per leaf"

scan <"$T/eicar.in"
is "$rc" 0 "EICAR attached: exit 0"
v=$(sed -n 's/^viruses //p' "$T/out")
case ",$v," in *,Mailward.Test.EICAR.UNOFFICIAL,*) r=0 ;; *) r=1 ;; esac
ok $r "viruses names EICAR ($v)"
cleaned "$v" e.1 | cmp -s - "$(body "$T/out" >"$T/out.msg"; echo "$T/out.msg")"
ok $? "exactly the EICAR part replaced by the notice"
grep -q '^verdict cleaned$' "$T/out" && logged 'info: e\.1 verdict=cleaned .*removed=1 '
ok $? "verdict cleaned, logged"

scan <"$T/single.in"
is "$rc" 100 "EICAR in a single-part body: exit 100"
[ ! -s "$T/out" ] &&
    logged 'info: s\.1 verdict=quarantined viruses=Mailward\.Test\.EICAR\.' &&
    logged 'info: s\.1 .*reason="found in the body of a single-part'
ok $? "nothing on standard output; logged with the reason"

scan <"$T/zip.in"
is "$rc" 0 "clam.zip attached: exit 0"
grep -q '^verdict cleaned$' "$T/out" &&
    grep -q '^viruses Mailward\.Test\.ClamExe' "$T/out" &&
    grep -q '^File: clam\.zip$' "$T/out" && ! grep -q '^UEsDB' "$T/out"
ok $? "the zip replaced by the notice (clamscan opened it)"

# -n NAME: another control file
sed 's/^version .*/engine other\/2/' "$H/control/scanexec" \
    >"$H/control/scanexec-other"
scan -n other <"$T/clean.in"
is "$rc" 0 "-n other: control/scanexec-other"
grep -q '^scanned exec/other/2$' "$T/out"
ok $? "its engine in the scanned key"
scan -n ../x <"$T/clean.in"
is "$rc" 111 "-n with a slash: 111"
rm -f "$H/control/scanexec-other"

# --- fake vendors ----------------------------------------------------------

fake 'echo "$1: OK"; sleep 29.72'
scan <"$T/clean.in"
is "$rc" 111 "a vendor that hangs: 111"
[ ! -s "$T/out" ] &&
    logged 'warning: c\.1 verdict=temporary .*reason="scan: vendor timed out after 1 s"'
ok $? "logged: timed out"
fake 'echo "ERROR: Can'"'"'t open file $1"; exit 5'
scan <"$T/clean.in"
is "$rc" 111 "a vendor exiting 5 (neither clean nor infected): 111"
logged 'reason="scan: vendor exit 5: ERROR: Can.t open file /'
ok $? "logged: the code and the vendor's first line"
fake 'kill -KILL $$'
scan <"$T/clean.in"
is "$rc" 111 "a vendor killed by a signal: 111"
fake 'if grep -q VIRUS-MARKER "$1"; then echo "garbage, no name"; exit 1; fi'
{ envelope g.1; echo
  printf 'From: <a@example.org>\nMIME-Version: 1.0\n'
  printf 'Content-Type: multipart/mixed; boundary=b\n\n--b\n'
  printf 'Content-Type: text/plain\n\nhello\n\n--b\n'
  printf 'Content-Type: text/plain; name=bad.txt\n\nVIRUS-MARKER\n\n--b--\n'
} >"$T/garbage.in"
scan <"$T/garbage.in"
is "$rc" 0 "infected exit, output without a name: exit 0"
grep -q '^verdict cleaned$' "$T/out" &&
    grep -q '^viruses exec\.unnamed$' "$T/out" &&
    grep -q '^Virus: exec\.unnamed$' "$T/out" && grep -q '^hello$' "$T/out" &&
    ! grep -q VIRUS-MARKER "$T/out"
ok $? "the part cut out, named exec.unnamed, the other kept"
fake 'echo "$1: Fake.Name FOUND"; exit 0'
scan <"$T/clean.in"
is "$rc" 111 "a name on a clean exit: 111, never clean"
logged 'reason="scan: vendor exit 0 (clean) but its output names Fake\.Name"'
ok $? "logged"

# --- control files ---------------------------------------------------------

printf 'command clamscan %%f\nclean 0\ninfected 1\ntimeout 10s\n' \
    >"$H/control/scanexec"
scan <"$T/clean.in"
is "$rc" 111 "malformed control/scanexec: 111"
logged '^scan-stage-exec: fatal: control/scanexec line 4: not a number in 1\.\.86400$' &&
    [ ! -s "$T/out" ]
ok $? "logged: the file and line"
printf 'command clamscan\nclean 0\ninfected 1\n' >"$H/control/scanexec"
scan <"$T/clean.in"
logged 'fatal: control/scanexec line 1: no %f (the file)'
ok $? "a command without %f: refused"
rm -f "$H/control/scanexec"
scan <"$T/clean.in"
is "$rc" 111 "no control/scanexec: 111"
logged 'fatal: control/scanexec: missing'
ok $? "logged"
shipped clamscan
echo 1000000 >"$H/control/databytes"
sed -i 's/^maxsize .*/maxsize 999999/' "$H/control/scanexec"
scan <"$T/clean.in"
is "$rc" 111 "maxsize below control/databytes: 111"
rm -f "$H/control/databytes"
shipped clamscan
sed -i 's/^version .*/version clamscan --no-such-option/' \
    "$H/control/scanexec"
scan <"$T/clean.in"
is "$rc" 111 "a failing version command: 111"
logged 'fatal: version command clamscan: exited'
ok $? "logged"
shipped clamscan
scan -x <"$T/clean.in"
is "$rc" 111 "usage error: 111"
is "$(ls -A "$T/ftmp")" "" "filter mode leaves nothing in TMPDIR"

# --- daemon mode -------------------------------------------------------------

# the vendor: clamscan, or a hang while $T/hang exists
cat >"$T/vendor" <<EOF
#!/bin/sh
[ -e "$T/hang" ] && { echo hanging; sleep 29.72; }
exec clamscan --no-summary --stdout --database="$DB" "\$1"
EOF
chmod 755 "$T/vendor"
printf 'command %s %%f\nclean 0\ninfected 1\nvirus ^.*: (.+) FOUND$\n%s\n' \
    "$T/vendor" "timeout 2" >"$H/control/scanexec"
echo "version clamscan --version" >>"$H/control/scanexec"
echo 1 >"$H/control/retrybase"
echo 2 >"$H/control/retrymax"
echo 2 >"$H/control/scanworkers"
echo 31536000 >"$H/control/queuelifetime"	# the ids are from 2026
Q=$H/queue
: >"$T/log"
dlog() { grep -q -e "$1" "$T/log"; }
in_spool() { [ -f "$Q/$1/new/$2" ]; }
# drop KIND ID: $T/KIND.msg as spool file ID into queue/scan
drop() {
	{ envelope "$2"; echo; cat "$T/$1.msg"; } >"$T/$2"
	spool_put "$T/$2" "$Q/scan"
}
(exec $(su_prefix nobody) scan-stage-exec -D 2>>"$T/log") &
dpid=$!
kill_at_exit $dpid
wait_for dlog 'info: - start spool=queue/scan'
ok $? "daemon started"
drop clean 1767225600.7200.1
drop eicar 1767225600.7200.2
drop single 1767225600.7200.3
wait_for in_spool stamp 1767225600.7200.1 &&
    body "$Q/stamp/new/1767225600.7200.1" | cmp -s - "$T/clean.msg" &&
    grep -q '^scanned exec/ClamAV_[0-9.]*$' "$Q/stamp/new/1767225600.7200.1"
ok $? "a clean message: in queue/stamp, as it came"
wait_for in_spool stamp 1767225600.7200.2 &&
    grep -q '^verdict cleaned$' "$Q/stamp/new/1767225600.7200.2" &&
    grep -q '^Queue id: 1767225600\.7200\.2$' "$Q/stamp/new/1767225600.7200.2"
ok $? "EICAR attached: cleaned, in queue/stamp"
wait_for in_spool quarantine 1767225600.7200.3 &&
    grep -q '^verdict quarantined$' "$Q/quarantine/new/1767225600.7200.3"
ok $? "EICAR single-part: in queue/quarantine"
is "$(spool_count "$Q/scan") $(ls -A "$Q/stamp/tmp"; ls -A "$Q/quarantine/tmp")" \
    "0 " "queue/scan empty, nothing left in tmp/"
ls -A "$H/tmp/scan.0" "$H/tmp/scan.1" >"$T/ls" 2>&1
is "$(grep -c -v -e '^$' -e ':$' "$T/ls")" 0 \
    "the workers' directories hold no file between scans"

: >"$T/hang"
drop clean 1767225600.7200.4
wait_for dlog 'info: 1767225600\.7200\.4 deferred exit=111 tries=1'
ok $? "the vendor hangs: deferred"
dlog 'warning: 1767225600\.7200\.4 verdict=temporary .*reason="scan: vendor timed out after 2 s"'
ok $? "logged: timed out"
! in_spool stamp 1767225600.7200.4 && in_spool scan 1767225600.7200.4
ok $? "the message stays in queue/scan"
rm -f "$T/hang"
wait_for in_spool stamp 1767225600.7200.4
ok $? "the vendor works again: the message passes on"
grep -q '^verdict clean$' "$Q/stamp/new/1767225600.7200.4"
ok $? "verdict clean"
ps -eo args | grep -q '^sleep 29\.72$'
is "$?" 1 "no hung vendor left running (its process group killed)"
kill -HUP $dpid
wait_for dlog 'info: - reload gen=2' &&
    [ "$(grep -c 'info: - engine loaded engine=ClamAV_' "$T/log")" -eq 2 ]
ok $? "SIGHUP: the version command runs again, the new state in use"
drop eicar 1767225600.7200.5
wait_for in_spool stamp 1767225600.7200.5 &&
    grep -q '^verdict cleaned$' "$Q/stamp/new/1767225600.7200.5"
ok $? "and messages are scanned"
kill -TERM $dpid
wait $dpid
is "$?" 0 "SIGTERM: exit 0"
is "$(ls -A "$H/tmp")" "" "tmp/scan.* removed"

# --- clamdscan against our own clamd ----------------------------------------

if [ -x /usr/sbin/clamd ] && command -v clamdscan >/dev/null; then
	start_clamd "$T/clamd" "$DB" >>"$T/clamd.out"	# its log, not TAP
	ok $? "clamd started"
	printf 'LocalSocket %s\n' "$CLAMD_SOCK" >"$T/clamdscan.conf"
	rm -f "$H"/control/*
	shipped clamdscan
	scan <"$T/eicar.in"
	is "$rc" 0 "clamdscan --stream: EICAR attached: exit 0"
	v=$(sed -n 's/^viruses //p' "$T/out")
	body "$T/out" >"$T/out.msg"
	cleaned "$v" e.1 | cmp -s - "$T/out.msg" &&
	    case ",$v," in *,Mailward.Test.EICAR.UNOFFICIAL,*) true ;;
	    *) false ;; esac
	ok $? "found through clamd, exactly that part replaced"
	scan <"$T/clean.in"
	is "$rc" 0 "clamdscan: a clean message: exit 0"
	body "$T/out" | cmp -s - "$T/clean.msg" &&
	    grep -q '^scanned exec/ClamAV_[0-9.]*' "$T/out"
	ok $? "as it came, scanned by clamd's version"
	stop_clamd
	scan <"$T/clean.in"
	is "$rc" 111 "clamd down: 111"
	logged 'reason="scan: clamdscan exit 2: ERROR: Could not connect'
	ok $? "logged: clamdscan's error"
else
	for i in 1 2 3 4 5 6 7; do skip "no clamd or clamdscan"; done
fi

if [ "$(id -u)" -eq 0 ]; then
	shipped clamscan
	scan-stage-exec <"$T/clean.in" >"$T/out" 2>"$T/err"
	is "$?" 111 "as root: 111"
else
	skip "not root"
fi
