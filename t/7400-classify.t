#!/bin/sh
# ISC license.
# t/7400-classify.t: classify as a filter on hand-made spool files, as
# an unprivileged user, under each policy: a valid stamp of a group key
# goes local (exit 20) and keeps its stamp; no stamp, a changed body or
# header, an unknown key, an expired stamp, a stamp copied from another
# message go to the group (exit 0); from a group address with the
# source policy, local with every status header that does not verify
# removed; back from the group without a valid stamp, or looping through
# this gateway, held (exit 21, verdict quarantined and why).
. "${0%/*}/lib.sh"
need classify stamp-status mailward-keygen python3
plan 37

mktemp_T
H=$T/home
mkdir -p "$H/control/groupkeys" || exit 1
echo gw.example.org >"$H/control/me"
printf '# the group\n192.0.2.0/24\n2001:db8::25\n' >"$H/control/scanners"
mailward-keygen "$T/k" >/dev/null 2>&1 && mailward-keygen "$T/x" \
    >/dev/null 2>&1 || exit 1
cp "$T/k/status.pub" "$H/control/groupkeys/k.pub"
chown_unpriv "$T/k"
chown_unpriv "$T/x"
chown_unpriv "$H"
n=0

# env REMOTE [LINE...]: a spool envelope from REMOTE
env() {
	_r=$1
	shift
	n=$((n + 1))
	printf 'mailward 1\nid 1767225600.%s.%s\ntime %s\nremote %s\n' \
	    $$ $n "$(date +%s)" "$_r"
	printf 'helo mx.example.org\ntls 0\nfrom <a@example.org>\n'
	printf 'rcpt <b@example.net>\n'
	for _l; do printf '%s\n' "$_l"; done
	echo
}
# stamped MSG KEYDIR: MSG with a stamp made with KEYDIR's key
stamped() {
	{ env - 'verdict clean' 'scanned clamav/1.4.6/0.0.7'; cat "$1"; } \
	    >"$T/tostamp"
	chmod 644 "$T/tostamp"
	run_unpriv stamp-status -k "$2/status.key" <"$T/tostamp" 2>/dev/null |
	    sed '1,/^$/d'
}
# cls REMOTE MSGFILE: classify on it; $rc, $T/out, $T/err
cls() {
	{ env "$1"; cat "$2"; } >"$T/in"
	chmod 644 "$T/in"
	(cd "$H" && run_unpriv classify) <"$T/in" >"$T/out" 2>"$T/err"
	rc=$?
}
msgof() { sed '1,/^$/d' "$1"; }
envof() { sed '/^$/q' "$1"; }
# withstamp STAMPED MSG: the status field of STAMPED (its first field)
# put on top of MSG
withstamp() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import sys
lines = open(sys.argv[1], 'rb').read().split(b'\n')
n = 1
while lines[n][:1] in (b' ', b'\t'):
    n += 1
sys.stdout.buffer.write(b'\n'.join(lines[:n]) + b'\n' +
                        open(sys.argv[2], 'rb').read())
EOF
}

printf 'From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: hi\n' \
    >"$T/m1"
printf 'Date: Thu, 1 Jan 2026 00:00:00 +0000\nMessage-ID: <m1@x>\n\nbody one\n' \
    >>"$T/m1"
printf 'From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: two\n' \
    >"$T/m2"
printf 'Date: Thu, 1 Jan 2026 00:00:00 +0000\nMessage-ID: <m2@x>\n\nbody two\n' \
    >>"$T/m2"
stamped "$T/m1" "$T/k" >"$T/s1"
stamped "$T/m2" "$T/k" >"$T/s2"
stamped "$T/m1" "$T/x" >"$T/sx"
grep -q '^X-Mailward-Status:' "$T/s1" && grep -q '^X-Mailward-Status:' "$T/sx"
ok $? "stamped test messages made with the group key and another"

# --- policy stamp (the default) -----------------------------------------------
cls 198.51.100.7 "$T/s1"
is "$rc" 20 "a valid stamp of a group key: local (20)"
msgof "$T/out" | cmp -s - "$T/s1"
ok $? "the message as it came, stamp kept"
grep -q '^classify: info: .* local policy=stamp stamp=clean source=other removed=0 passes=0$' "$T/err"
ok $? "logged: local, why"
cls 198.51.100.7 "$T/m1"
is "$rc" 0 "no stamp: to the group (0)"
msgof "$T/out" | cmp -s - "$T/m1"
ok $? "unchanged"
grep -q 'group policy=stamp stamp=no-stamp source=other' "$T/err"
ok $? "logged: group, no-stamp"
sed 's/^body one$/body 1/' "$T/s1" >"$T/f1"
cls 198.51.100.7 "$T/f1"
is "$rc" 0 "the body changed under a valid stamp: to the group"
grep -q 'stamp=body-changed' "$T/err"
ok $? "logged: body-changed"
sed 's/^Subject: hi$/Subject: HI/' "$T/s1" >"$T/f2"
cls 198.51.100.7 "$T/f2"
is "$rc:$(grep -o 'stamp=[a-z-]*' "$T/err")" "0:stamp=headers-changed" \
    "a signed header changed: to the group"
cls 198.51.100.7 "$T/sx"
is "$rc:$(grep -o 'stamp=[a-z-]*' "$T/err")" "0:stamp=unknown-key" \
    "a stamp of a key not the group's: to the group"
withstamp "$T/s1" "$T/m2" >"$T/f3"
cls 198.51.100.7 "$T/f3"
is "$rc:$(grep -o 'stamp=[a-z-]*' "$T/err")" "0:stamp=body-changed" \
    "a stamp copied from another message: to the group"
withstamp "$T/s1" "$T/s2" >"$T/f4"
cls 198.51.100.7 "$T/f4"
is "$rc:$(grep -o 'stamp=[a-z-]*' "$T/err")" "0:stamp=multiple-stamps" \
    "a second status header added by the sender: to the group"
echo 1 >"$H/control/stampmaxage"
sleep 2
cls 198.51.100.7 "$T/s1"
is "$rc:$(grep -o 'stamp=[a-z-]*' "$T/err")" "0:stamp=expired" \
    "an expired stamp: to the group"
rm "$H/control/stampmaxage"

# back from the group without a valid stamp: held, never looped
cls 192.0.2.25 "$T/m1"
is "$rc" 21 "from a group address without a stamp (policy stamp): held (21)"
envof "$T/out" | grep -q '^verdict quarantined$' &&
    envof "$T/out" | grep -q '^quarantine back from the group (192.0.2.25) without a valid stamp: no-stamp$' &&
    msgof "$T/out" | cmp -s - "$T/m1"
ok $? "verdict quarantined and why in the envelope, the message kept"
grep -q '^classify: warning: .* held reason="back from the group' "$T/err"
ok $? "logged"
cls 192.0.2.25 "$T/s1"
is "$rc" 20 "from a group address with a valid stamp: local"

# a loop through this gateway
{ for i in 1 2 3 4; do
	printf 'Received: from a (a [192.0.2.1])\n\tby gw.example.org (mailward) with ESMTP id %s;\n\tThu, 1 Jan 2026 00:00:00 +0000\n' $i
  done; cat "$T/m1"; } >"$T/loop"
cls 198.51.100.7 "$T/loop"
is "$rc" 21 "four passes through this gateway (maxpasses 3): held"
envof "$T/out" | grep -q '^quarantine loop: passed this gateway 4 times$'
ok $? "the reason: a loop"
{ for i in 1 2 3 4; do
	printf 'Received: from a (a [192.0.2.1])\n\tby gw.example.org (mailward) with ESMTP id %s;\n\tThu, 1 Jan 2026 00:00:00 +0000\n' $i
  done; cat "$T/s1"; } >"$T/sloop"
cls 192.0.2.25 "$T/sloop"
is "$rc" 21 "stamped and from the group, but the fourth pass: held all the same"
echo 5 >"$H/control/maxpasses"
cls 198.51.100.7 "$T/loop"
is "$rc" 0 "with control/maxpasses 5: to the group"
cls 192.0.2.25 "$T/sloop"
is "$rc" 20 "and the stamped one: local"
rm "$H/control/maxpasses"

# --- policy source ---------------------------------------------------------------
echo source >"$H/control/scanpolicy"
cls 2001:db8::25 "$T/sx"
is "$rc" 20 "policy source: a group address is enough"
! msgof "$T/out" | grep -qi '^X-Mailward-Status:' &&
    msgof "$T/out" | sed -n '/^From:/,$p' | cmp -s - "$T/m1"
ok $? "the status header that does not verify is removed"
grep -q 'local policy=source stamp=unknown-key source=group removed=1' "$T/err"
ok $? "logged: removed=1"
cls 198.51.100.7 "$T/s1"
is "$rc" 0 "policy source: a valid stamp from elsewhere goes to the group"
# a status field past the header's caps (5,000 fields) cannot be removed
{ seq 1 5001 | sed 's/^/X-Filler: /'; printf 'X-Mailward-Status: v=1; forged\n'
  cat "$T/m1"; } >"$T/many"
cls 2001:db8::25 "$T/many"
is "$rc:$(envof "$T/out" | sed -n 's/^quarantine //p')" \
    "21:header over the limits: a status field could hide past them" \
    "policy source, a header over the limits: held, not delivered"

# --- policy either, both -----------------------------------------------------------
echo either >"$H/control/scanpolicy"
cls 198.51.100.7 "$T/s1"
is "$rc" 20 "policy either: a valid stamp"
cls 192.0.2.9 "$T/m1"
is "$rc" 20 "policy either: a group address"
cls 198.51.100.7 "$T/m1"
is "$rc" 0 "policy either: neither"
echo both >"$H/control/scanpolicy"
cls 192.0.2.9 "$T/s1"
is "$rc" 20 "policy both: both"
cls 198.51.100.7 "$T/s1"
is "$rc" 0 "policy both: a stamp alone goes to the group"
cls 192.0.2.9 "$T/m1"
is "$rc" 21 "policy both: a group address without a stamp is held"

# --- errors ----------------------------------------------------------------------
echo sometimes >"$H/control/scanpolicy"
cls 198.51.100.7 "$T/m1"
is "$rc" 111 "a malformed control/scanpolicy: 111"
grep -q 'fatal: control/scanpolicy line 1: not stamp, source, either or both' "$T/err"
ok $? "which file, which line"
echo stamp >"$H/control/scanpolicy"
mv "$H/control/groupkeys" "$H/control/gk"
cls 198.51.100.7 "$T/m1"
is "$rc" 111 "policy stamp without group keys: 111, never a guess"
