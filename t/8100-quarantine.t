#!/bin/sh
# ISC license.
# t/8100-quarantine.t: mailward-quarantine on a scanner's home with hand-
# made held messages, hostile ones among them: list and show (escaped,
# one line each), release for a new scan (queue/scan, the scan keys gone,
# the rest byte for byte, owned for mwscan), release --force (queue/stamp,
# verdict released, then signed by stamp-status and verified by it and by
# t/stampcheck.py), delete, expire (--days and control/quarantinedays),
# bad and unknown ids, usage errors and their exit codes.  On a gateway's
# home: release sends a message to the group again (queue/togroup), and
# --force delivers it (queue/local) without any status field.
. "${0%/*}/lib.sh"
need mailward-setup mailward-quarantine stamp-status python3 openssl
plan 96

check=$(cd "${0%/*}" && pwd)/stampcheck.py
mkhome scanner --listen 127.0.0.1:2625 --me scan.example.net \
    --subscriber @example.org
Q=$H/queue
me=$(id -un)
uid=$(id -u)
now=$(date +%s)
A=$((now - 3700)).101.a1	# released for a new scan
B=$((now - 7200)).102.b2	# released unscanned
V=$((now - 60)).103.c3		# hostile values
M=$((now - 30)).104.d4		# control bytes: a malformed envelope

# mq ARG...: the command on $H; stdout in $T/out, stderr in $T/err
mq() { mailward-quarantine -d "$H" "$@" >"$T/out" 2>"$T/err"; }
# held ID LINE...: $T/ID = an envelope with the lines, then the message,
# put into the quarantine as a scan stage would
held() {
	_id=$1
	shift
	{
		printf 'mailward 1\nid %s\ntime %s\nremote 192.0.2.7\n' "$_id" \
		    "${_id%%.*}"
		printf 'helo mx.example.org\ntls 1\nfrom <a@example.org>\n'
		printf 'rcpt <b@example.net>\nrcpt <c@example.net>\n'
		printf 'rcpt <d@example.net>\n'
		for _l; do printf "$_l\\n"; done
		echo
		printf 'From: Alice <alice@example.org>\nTo: bob@example.net\n'
		printf 'Subject: Hello\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n'
		printf 'Message-ID: <%s@example.org>\n\nHello Bob.\r\n' "$_id"
		printf '\n\n.\nno final line end'
	} >"$T/$_id"
	spool_put "$T/$_id" "$Q/quarantine"
}
envof() { sed '/^$/q' "$1"; }
# msgof FILE: the bytes after the envelope block, exactly
msgof() { tail -c +$(($(envof "$1" | wc -c) + 1)) "$1"; }
owner() { stat -c '%U:%G' "$1"; }
printable() { [ "$(LC_ALL=C tr -d ' -~\n' <"$1" | wc -c)" -eq 0 ]; }

scan='scanned clamav/1.4.6/27450'
held "$A" "$scan" 'verdict quarantined' 'viruses Eicar-Test-Signature' \
    'found clamav:Eicar-Test-Signature' 'quarantine single-part body infected'
held "$B" "$scan" 'verdict quarantined' 'viruses Eicar-Test-Signature' \
    'quarantine limit MaxFileSize'
long=
for i in $(seq 1 55); do long="${long}Win.Test.N-$((1000 + i)),"; done
# a C1 CSI, quotes, a backslash, and a second line that would read like
# one more list line if it were printed as it stands
held "$V" "$scan" 'verdict quarantined' "viruses ${long}Last" \
    'quarantine red\2331m "x" \\ y' \
    "message 1.1.fake age=0s size=0 from=<x> verdict=clean"
held "$M" 'verdict quarantined' 'quarantine evil\033[2J\r'

# --- list ---
mq list
ok $? "list exits 0"
is "$(grep -c '^queue ' "$T/out")" "$(ls "$Q" | wc -l)" \
    "one queue line per spool"
grep -qx "queue quarantine count=4 oldest=2h00m" "$T/out"
ok $? "the quarantine: count and oldest age"
grep -qx "queue scan count=0 oldest=-" "$T/out"
ok $? "an empty spool: count=0 oldest=-"
is "$(sed -n 's/^message \([^ ]*\) .*/\1/p' "$T/out" | tr '\n' ' ')" \
    "$B $A $V $M " "one line per held message, oldest first"
grep -qx "message $A age=1h01m size=$(wc -c <"$T/$A") from=<a@example.org> rcpt=<b@example.net> more=2 verdict=quarantined viruses=Eicar-Test-Signature reason=\"single-part body infected\"" "$T/out"
ok $? "a message's line: id, age, size, from, rcpt, more, verdict, viruses, reason"
printable "$T/out"
ok $? "nothing but printable ASCII in the list"
grep -qF " reason=\"red\\x9b1m \\\"x\\\" \\\\ y\"" "$T/out"
ok $? "a hostile reason is escaped and quoted"
grep -q "^message $V .* viruses=Win\.Test\.N-1001,.*\.\.\. reason=" "$T/out"
ok $? "a long virus list is cut, visibly"
grep "^message $V " "$T/out" | grep -q Last
is $? 1 "its end is not shown"
grep -qx "message $M age=[0-9]*s size=[0-9]* malformed=\"envelope syntax error\"" "$T/out"
ok $? "a malformed envelope: what is known, and why"
test ! -s "$T/err"
ok $? "list logs nothing"

# --- show ---
mq show "$A"
ok $? "show exits 0"
is "$(cat "$T/out")" "$(awk '$0 == "" && ++e == 2 { exit } { print }' \
    "$T/$A")" "show: the envelope, an empty line, the header section"
mq show -a "$A"
ok $? "show -a exits 0"
LC_ALL=C tr -d '\r' <"$T/$A" >"$T/A.nocr"
sed 's/\\x0d$//' "$T/out" | cmp -s - "$T/A.nocr"
ok $? "show -a: the whole file (a CR shown as \\x0d)"
mq show --all "$M"
grep -qF 'quarantine evil\x1b[2J\x0d' "$T/out"
ok $? "show escapes control bytes"
printable "$T/out"
ok $? "nothing but printable ASCII from show"
mq show "$V"
grep -qF 'quarantine red\x9b1m "x" \\ y' "$T/out"
ok $? "show escapes 8-bit bytes and doubles a backslash"

# --- release for a new scan ---
cp "$Q/quarantine/new/$A" "$T/A.held"
mq release "$A"
ok $? "release exits 0"
test -f "$Q/scan/new/$A" && test ! -e "$Q/quarantine/new/$A"
ok $? "the message moved from queue/quarantine to queue/scan"
is "$(envof "$Q/scan/new/$A")" "$(envof "$T/A.held" | grep -v -e '^verdict ' \
    -e '^viruses ' -e '^found ' -e '^scanned ' -e '^quarantine ')" \
    "the scan keys are gone, the rest of the envelope is as it was"
msgof "$Q/scan/new/$A" >"$T/A.msg.new"
msgof "$T/A.held" >"$T/A.msg.old"
cmp -s "$T/A.msg.new" "$T/A.msg.old" && test -s "$T/A.msg.new"
ok $? "the message is byte for byte the same"
is "$(spool_count "$Q/scan") $(ls -A "$Q/scan/tmp" | wc -l)" "1 0" \
    "nothing left in queue/scan/tmp"
is "$(owner "$Q/scan/new/$A") $(stat -c %a "$Q/scan/new/$A")" \
    "$(owner "$Q/scan/new") 640" "owned like queue/scan/new, mode 0640"
as_user mwscan test -r "$Q/scan/new/$A"
ok $? "the scan stage's user can read it"
grep -qx "mailward-quarantine: info: $A released to=scan by=$me uid=$uid" \
    "$T/err"
ok $? "one log line: released to=scan by=$me"
mq release "$A"
is $? 100 "released again: no such message, 100"
grep -q "$A: no such message in queue/quarantine" "$T/err"
ok $? "and says so"

# --- release --force ---
cp "$Q/quarantine/new/$B" "$T/B.held"
mq release --force "$B"
ok $? "release --force exits 0"
test -f "$Q/stamp/new/$B" && test ! -e "$Q/quarantine/new/$B"
ok $? "the message moved to queue/stamp"
is "$(envof "$Q/stamp/new/$B" | grep -v -e '^verdict ' -e '^released-by ' \
    -e '^released-at ')" "$(envof "$T/B.held" | grep -v -e '^verdict ' \
    -e '^quarantine ')" "verdict and reason replaced, the findings kept"
envof "$Q/stamp/new/$B" | grep -qx 'verdict released'
ok $? "verdict released"
envof "$Q/stamp/new/$B" | grep -qx "released-by $me"
ok $? "released-by $me"
at=$(envof "$Q/stamp/new/$B" | sed -n 's/^released-at \([0-9]*\)$/\1/p')
[ -n "$at" ] && [ "$at" -ge "$now" ] && [ "$at" -le "$(date +%s)" ]
ok $? "released-at is the time of the release ($at)"
msgof "$T/B.held" >"$T/B.msg.old"
msgof "$Q/stamp/new/$B" | cmp -s - "$T/B.msg.old"
ok $? "the message is byte for byte the same"
is "$(owner "$Q/stamp/new/$B") $(stat -c %a "$Q/stamp/new/$B")" \
    "$(owner "$Q/stamp/new") 640" "owned like queue/stamp/new, mode 0640"
as_user mwstamp test -r "$Q/stamp/new/$B"
ok $? "the stamper's user can read it"
grep -qx "mailward-quarantine: info: $B released to=stamp verdict=released by=$me uid=$uid at=$at" "$T/err"
ok $? "one log line: who and when"

# stamp-status signs it as the stamp service would, and it verifies
(cd "$H" && as_user mwstamp stamp-status -k keys/status.key) \
    <"$Q/stamp/new/$B" >"$T/B.stamped" 2>"$T/B.err"
ok $? "stamp-status signs a released message"
grep -q "^stamp-status: info: $B stamped verdict=released key=[0-9a-f]* removed=0 by=$me\$" "$T/B.err"
ok $? "stamp-status logs verdict=released by=$me"
line=$( (cd "$H" && as_user mwstamp stamp-status -v -K keys/status.pub) \
    <"$T/B.stamped" 2>"$T/B.verr")
ok $? "stamp-status -v: the stamp is valid"
printf '%s\n' "$line" | grep -q '^valid verdict=released key=[0-9a-f]* age=[0-9]* engine=clamav/1\.4\.6/27450$'
ok $? "reported as verdict released, engine from the first scan: $line"
cp "$H/keys/status.pub" "$T/status.pub"
is "$("$PYTHON" "$check" "$T/status.pub" "$(date +%s)" 604800 \
    <"$T/B.stamped")" "valid" "the independent verifier agrees"

# --- refusals ---
mq release "$M"
is $? 100 "a malformed envelope is not released (100)"
grep -q "$M: cannot release it: envelope syntax error" "$T/err"
ok $? "and says why"
test -f "$Q/quarantine/new/$M" && [ "$(spool_count "$Q/stamp")" -eq 1 ]
ok $? "it stays held; nothing was written"
cp "$Q/quarantine/new/$V" "$Q/scan/new/$V"
mq release "$V"
is $? 111 "an id already in queue/scan: 111"
grep -q "$V: already in queue/scan; it stays held" "$T/err"
ok $? "and says so"
test -f "$Q/quarantine/new/$V" && cmp -s "$Q/scan/new/$V" "$T/$V"
ok $? "neither copy changed"
rm -f "$Q/scan/new/$V"

# --- delete ---
D=$((now - 10)).105.e5
held "$D" 'verdict quarantined' 'quarantine x'
mq delete "$D"
ok $? "delete exits 0"
test ! -e "$Q/quarantine/new/$D"
ok $? "the message is gone"
grep -qx "mailward-quarantine: info: $D deleted by=$me uid=$uid" "$T/err"
ok $? "one log line: deleted by=$me"
mq delete "$D"
is $? 100 "deleted again: 100"

# --- bad and unknown ids ---
echo keep >"$Q/quarantine/x"
for bad in ../x "" .hidden a/b "$(printf 'a\nb')"; do
	mq delete "$bad"
	is "$?:$(grep -c 'fatal: bad id' "$T/err")" "100:1" \
	    "delete of bad id '$bad': 100"
done
test -f "$Q/quarantine/x"
ok $? "no path was built from a bad id"
mq show ../x
is $? 100 "show ../x: 100"
mq release --force ../x
is $? 100 "release --force ../x: 100"
mq show 1767225600.1.nosuch
is $? 100 "an unknown id: 100"
grep -q "1767225600.1.nosuch: no such message in queue/quarantine" "$T/err"
ok $? "with a clear message"

# --- expire ---
O1=1000000000.201.old
Y=$now.202.new
held "$O1" 'verdict quarantined'
held "$Y" 'verdict quarantined'
mq expire --days 30
ok $? "expire --days 30 exits 0"
is "$(cat "$T/out")" "expired 1 kept 3" "prints how many"
test ! -e "$Q/quarantine/new/$O1" && test -f "$Q/quarantine/new/$Y" &&
    test -f "$Q/quarantine/new/$V" && test -f "$Q/quarantine/new/$M"
ok $? "the old one is gone, the young ones stay"
grep -q "^mailward-quarantine: info: $O1 expired age=[0-9]*d[0-9]*h days=30 by=$me uid=$uid\$" "$T/err"
ok $? "logged: expired, with its age"
grep -qx "mailward-quarantine: info: - expire expired=1 kept=3 days=30 by=$me uid=$uid" "$T/err"
ok $? "logged: the count"
O2=$((now - 2 * 86400 - 100)).203.two
held "$O2" 'verdict quarantined'
echo 1 >"$H/control/quarantinedays"
mq expire
is "$?:$(cat "$T/out")" "0:expired 1 kept 3" \
    "control/quarantinedays 1: two days is too old"
test ! -e "$Q/quarantine/new/$O2"
ok $? "it is gone"
held "$O2" 'verdict quarantined'
rm -f "$H/control/quarantinedays"
mq expire
is "$?:$(cat "$T/out")" "0:expired 0 kept 4" "default 30 days: all stay"
mq expire --days=2
is "$?:$(cat "$T/out")" "0:expired 1 kept 3" "--days=2"
for v in 0 3651 10k; do
	echo "$v" >"$H/control/quarantinedays"
	mq expire
	is "$?" 111 "control/quarantinedays $v: 111"
done
grep -q "control/quarantinedays line 1" "$T/err"
ok $? "naming the file and the line"
rm -f "$H/control/quarantinedays"
for v in 0 3651 x ""; do
	mq expire --days "$v"
	is "$?" 100 "expire --days '$v': usage error, 100"
done

# --- usage ---
mq
is $? 100 "no command: 100"
mq frob
is $? 100 "an unknown command: 100"
grep -q "^usage: mailward-quarantine " "$T/err"
ok $? "the usage on stderr"
mq list extra
is $? 100 "list with an argument: 100"
mq show
is $? 100 "show without an id: 100"
mq release "$V" "$M"
is $? 100 "two ids: 100"
mq -h
is "$?:$(head -c 26 "$T/out")" "0:usage: mailward-quarantine" \
    "-h: the usage on stdout, 0"
mailward-quarantine -d "$T/nohome" list >/dev/null 2>&1
is $? 111 "a directory that is no home: 111"
is "$(find "$Q"/*/tmp -type f | wc -l)" 0 "no temporary file left anywhere"

# --- a gateway's home: what classify held ---
mkhome gateway --listen 127.0.0.1:2626 --me gw.example.org \
    --subscriber @example.net --scan-policy source --scanner-net 192.0.2.0/24
Q=$H/queue
G1=$((now - 50)).105.e5	# to the group again
G2=$((now - 40)).106.f6	# delivered unscanned
held "$G1" 'verdict quarantined' \
    'quarantine back from the group (192.0.2.25) without a valid stamp: no-stamp'
held "$G2" 'verdict quarantined' 'quarantine loop: passed this gateway 4 times'
for i in "$G1" "$G2"; do
	# with a status field it came with, which must not reach a user
	sed -i '0,/^$/s/^$/\nX-Mailward-Status: v=1; forged/' "$T/$i"
	spool_put "$T/$i" "$Q/quarantine"
done
mq release "$G1" && [ -f "$Q/togroup/new/$G1" ] &&
    [ ! -f "$Q/quarantine/new/$G1" ]
ok $? "gateway: release sends it to the group again (queue/togroup)"
! grep -q '^verdict\|^quarantine' "$Q/togroup/new/$G1" &&
    grep -q '^X-Mailward-Status: v=1; forged$' "$Q/togroup/new/$G1"
ok $? "without the hold's keys, the message as it was"
mq release "$G2"
is "$?:$(ls "$Q/quarantine/new" | grep -c "^$G2\$")" "100:1" \
    "gateway: a loop is not sent round again (100), it stays held"
mq release --force "$G2" && [ -f "$Q/local/new/$G2" ]
ok $? "gateway: release --force delivers it (queue/local)"
grep -q '^verdict released$' "$Q/local/new/$G2" &&
    ! grep -qi '^X-Mailward-Status:' "$Q/local/new/$G2" &&
    [ "$(msgof "$Q/local/new/$G2" | tail -c 19)" = ".
no final line end" ]
ok $? "verdict released, the status field gone, the rest kept"
grep -qx "mailward-quarantine: info: $G2 released to=local verdict=released by=$me uid=$uid at=[0-9]*" "$T/err"
ok $? "logged: released to=local"
