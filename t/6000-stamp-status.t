#!/bin/sh
# ISC license.
# t/6000-stamp-status.t: mailward-keygen and stamp-status in pipelines on
# hand-made spool files: the stamp, its removal of older status headers,
# the refusals (unscanned, quarantined, a key others can read, root), the
# verdict of a message an operator released from the quarantine, each
# exit code of -v, key rotation, and stamps made by a second, independent
# implementation (t/stampcheck.py, from mailward-stamp(5)) both ways.
. "${0%/*}/lib.sh"
need stamp-status mailward-keygen openssl python3
plan 72

check=$(cd "${0%/*}" && pwd)/stampcheck.py
mktemp_T
K=$T/keys
O=$T/other
mkdir "$K" "$O" "$T/pubs" || exit 1
chown_unpriv "$K"
chown_unpriv "$O"
n=0

# spool FILE KEYLINE...: FILE.in = an envelope with the key lines, then
# the message in FILE
spool() {
	_f=$1
	shift
	n=$((n + 1))
	{
		printf 'mailward 1\nid 1767225600.%s.%s\ntime 1767225600\n' $$ $n
		printf 'remote -\nhelo -\ntls 0\nfrom <a@example.org>\n'
		printf 'rcpt <b@example.net>\n'
		for _l; do printf '%s\n' "$_l"; done
		echo
		cat "$_f"
	} >"$_f.in"
}
# stamp IN OUT [KEY]: stamp-status as nobody; stderr in OUT.err
stamp() {
	run_unpriv stamp-status -k "${3:-$K/status.key}" <"$1" >"$2" \
	    2>"$2.err"
}
# verify IN [OPTION...]: stamp-status -v as nobody; its line in $line
verify() {
	_in=$1
	shift
	line=$(run_unpriv stamp-status -v "$@" <"$_in" 2>"$T/verify.err")
}
# msgof FILE: the message of a spool file (after the envelope)
msgof() { sed '1,/^$/d' "$1"; }
# stampof FILE: the first field of the message (the stamp); unstamped
# FILE: the message without it
stampof() { msgof "$1" | awk 'NR > 1 && !/^[ \t]/ { exit } { print }'; }
unstamped() {
	msgof "$1" | awk 'NR == 1 { s = 1; next } s && /^[ \t]/ { next }
	    { s = 0; print }'
}

cat >"$T/m1" <<'EOF'
From: Alice <alice@example.org>
To: bob@example.net
Subject: Hello
Date: Thu, 1 Jan 2026 00:00:00 +0000
Message-ID: <1@example.org>

Hello Bob.
EOF

# --- mailward-keygen ---
id=$(run_unpriv mailward-keygen "$K" 2>"$T/keygen.err")
ok $? "keygen exits 0"
printf '%s\n' "$id" | grep -qx '[0-9a-f]\{16\}'
ok $? "keygen prints a key id ($id)"
is "$(stat -c %a "$K/status.key") $(stat -c %a "$K/status.pub")" "600 644" \
    "private key 0600, public key 0644"
grep -q "^-----BEGIN PRIVATE KEY-----" "$K/status.key" &&
    grep -q "^-----BEGIN PUBLIC KEY-----" "$K/status.pub"
ok $? "PKCS#8 and SubjectPublicKeyInfo PEM"
pid=$(openssl pkey -pubin -in "$K/status.pub" -outform DER | tail -c 32 |
    openssl dgst -sha256 -r | cut -c1-16)
is "$pid" "$id" "key id = SHA-256 of the raw public key, 16 hex digits"
cp "$K/status.key" "$T/key.before"
run_unpriv mailward-keygen "$K" >/dev/null 2>"$T/keygen2.err"
is $? 100 "a second keygen refuses to overwrite (100)"
cmp -s "$K/status.key" "$T/key.before"
ok $? "the key is unchanged"
grep -q "file exists" "$T/keygen2.err"
ok $? "and says why"
ls -A "$K" | sort | tr '\n' ' ' | grep -qx 'status.key status.pub '
ok $? "no temporary files left"

# --- stamping ---
spool "$T/m1" 'verdict clean' 'scanned clamav/1.0.7/27450 clamd/1.0.7/27450'
stamp "$T/m1.in" "$T/m1.out"
ok $? "stamp-status stamps a scanned spool file"
is "$(sed '/^$/q' "$T/m1.out")" "$(sed '/^$/q' "$T/m1.in")" \
    "the envelope is kept byte for byte"
msgof "$T/m1.out" | head -1 | grep -q '^X-Mailward-Status: v=1; verdict=clean; t=[0-9]*;'
ok $? "the status header is the message's first line"
is "$(unstamped "$T/m1.out")" "$(cat "$T/m1")" \
    "the rest of the message is unchanged"
msgof "$T/m1.out" | awk 'length > 78 { bad = 1 } END { exit bad }'
ok $? "folded within 78 columns"
grep -q "^X-Mailward-Status:.*k=$id;" "$T/m1.out" ||
    msgof "$T/m1.out" | tr -d '\n' | grep -q "k=$id;"
ok $? "k= is the key id"
msgof "$T/m1.out" | tr -d '\n' | grep -q ' e=clamav/1.0.7/27450,clamd/1.0.7/27450;'
ok $? "e= lists the scanned stages"
grep -q "^stamp-status: info: 1767225600\.$$\.1 stamped verdict=clean key=$id removed=0\$" "$T/m1.out.err"
ok $? "one log line: stamped"
verify "$T/m1.out" -K "$K/status.pub"
ok $? "-v with the key file: valid"
printf '%s\n' "$line" | grep -q "^valid verdict=clean key=$id age=[0-9]* engine=clamav/1.0.7/27450,clamd/1.0.7/27450\$"
ok $? "-v prints: $line"
verify "$T/m1.out" -K "$K"
ok $? "-v with the key directory: valid"
"$PYTHON" "$check" "$K/status.pub" "$(date +%s)" 604800 <"$T/m1.out" >/dev/null
ok $? "the independent verifier agrees"

# a sender's status headers go, whoever wrote them
{ printf 'X-Mailward-Status: v=1; verdict=clean; forged\n'
  head -2 "$T/m1"
  printf 'x-mailward-status : v=1;\n  folded=forged\n'
  tail -n +3 "$T/m1"; } >"$T/m2"
spool "$T/m2" 'verdict cleaned' 'scanned clamav/1/2'
stamp "$T/m2.in" "$T/m2.out"
ok $? "a message with two status headers is stamped"
grep -q "removed=2\$" "$T/m2.out.err"
ok $? "both were removed"
is "$(unstamped "$T/m2.out")" "$(cat "$T/m1")" "and nothing else"
verify "$T/m2.out" -K "$K"
printf '%s\n' "$line" | grep -q '^valid verdict=cleaned '
ok $? "valid verdict=cleaned"

# --- refusals ---
stamp "$T/m1" "$T/bare.out"
is $? 111 "a bare message is not stamped (111)"
grep -q "refused reason=not-scanned" "$T/bare.out.err"
ok $? "logged: not-scanned"
test ! -s "$T/bare.out"
ok $? "and nothing is written"
spool "$T/m1" 'scanned clamav/1/2'
stamp "$T/m1.in" "$T/nov.out"
is $? 111 "no verdict key: 111 not scanned"
spool "$T/m1" 'verdict clean'
stamp "$T/m1.in" "$T/nos.out"
is $? 111 "no scanned key: 111 not scanned"
spool "$T/m1" 'verdict quarantined' 'scanned clamav/1/2'
stamp "$T/m1.in" "$T/q.out"
is $? 100 "verdict quarantined: 100"
# released from the quarantine by an operator (mailward-quarantine(1))
spool "$T/m1" 'viruses Eicar-Test-Signature' 'scanned clamav/1/2' \
    'verdict released' 'released-by root' 'released-at 1767225600'
stamp "$T/m1.in" "$T/rel.out"
ok $? "verdict released: stamped"
grep -q " stamped verdict=released key=$id removed=0 by=root\$" "$T/rel.out.err"
ok $? "logged with who released it"
verify "$T/rel.out" -K "$K"
is "$?:${line%% key=*}" "0:valid verdict=released" "-v: valid verdict=released"
is "$("$PYTHON" "$check" "$K/status.pub" "$(date +%s)" 604800 \
    <"$T/rel.out")" "valid" "released: stampcheck.py agrees"
spool "$T/m1" 'verdict released' 'released-by root'
stamp "$T/m1.in" "$T/reln.out"
ok $? "released before any stage scanned it: stamped"
verify "$T/reln.out" -K "$K"
printf '%s\n' "$line" | grep -q "^valid verdict=released key=$id age=[0-9]* engine=none\$"
ok $? "with engine none: $line"
spool "$T/m1" 'verdict released' 'scanned clamav/1/2'
stamp "$T/m1.in" "$T/relby.out"
is $? 100 "released without released-by: 100"
grep -q "refused reason=malformed detail=released-by" "$T/relby.out.err"
ok $? "logged: malformed detail=released-by"
spool "$T/m1" 'verdict clean' 'scanned clamav/1/2'
chmod 0640 "$K/status.key"
stamp "$T/m1.in" "$T/perm.out"
is $? 111 "a group-readable private key is refused (111)"
grep -q "refusing key" "$T/perm.out.err"
ok $? "and says so"
chmod 0600 "$K/status.key"
stamp "$T/m1.in" "$T/pub.out" "$K/status.pub"
is $? 111 "a public key is no private key (111)"
run_unpriv stamp-status >/dev/null 2>&1 </dev/null
is $? 111 "usage error: 111"
if [ "$(id -u)" -eq 0 ]; then
	stamp-status -v -K "$K" <"$T/m1.out" >/dev/null 2>"$T/root.err"
	is $? 111 "refuses to run as root"
else
	skip "not root"
fi

# --- -v: one exit code per reason ---
verify "$T/m1.in" -K "$K"
is "$?:$line" "40:invalid reason=no-stamp" "no header: 40"
{ sed '/^$/q' "$T/m1.out"; stampof "$T/m1.out"; msgof "$T/m1.out"; } \
    >"$T/two"
verify "$T/two" -K "$K"
is "$?:$line" "41:invalid reason=multiple-stamps" "a second header: 41"
sed 's/^X-Mailward-Status: v=1;/X-Mailward-Status: v=2;/' "$T/m1.out" >"$T/v2"
verify "$T/v2" -K "$K"
is "$?:$line" "42:invalid reason=malformed" "malformed: 42"
id2=$(run_unpriv mailward-keygen "$O" 2>/dev/null)
verify "$T/m1.out" -K "$O/status.pub"
is "$?" 43 "unknown key: 43"
sed 's/verdict=clean;/verdict=cleaned;/' "$T/m1.out" >"$T/badsig"
verify "$T/badsig" -K "$K"
is "$?" 44 "verdict changed: bad signature, 44"
sed 's/^Hello Bob\.$/Hello Bob!/' "$T/m1.out" >"$T/body"
verify "$T/body" -K "$K"
is "$?" 45 "body changed: 45"
sed 's/^Subject: Hello$/Subject: Re: Hello/' "$T/m1.out" >"$T/hdrs"
verify "$T/hdrs" -K "$K"
is "$?" 46 "Subject changed: 46"

# the fields that say how the body is decoded are signed: what the
# scanner saw as one text part must not become an attachment
cat >"$T/m3" <<'EOF'
From: Mallory <m@example.com>
To: bob@example.net
Subject: Report
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"
Content-Transfer-Encoding: 7bit

--b1
Content-Type: text/plain

See below.
--b2
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA//8AALgAAAAA
--b2--
--b1--
EOF
spool "$T/m3" 'verdict clean' 'scanned clamav/1/2'
stamp "$T/m3.in" "$T/m3.out"
verify "$T/m3.out" -K "$K"
ok $? "a MIME message is stamped and verifies"
# forge DESC SED-SCRIPT FILE: FILE changed by SED-SCRIPT gives
# headers-changed, by stamp-status -v and by stampcheck.py
forge() {
	sed "$2" "$3" >"$T/forged"
	cmp -s "$T/forged" "$3" && diag "$1: sed changed nothing"
	verify "$T/forged" -K "$K"
	is "$?:${line%% key=*}" "46:invalid reason=headers-changed" "$1: 46"
	is "$("$PYTHON" "$check" "$K/status.pub" "$(date +%s)" 604800 \
	    <"$T/forged")" "invalid headers-changed" "$1: stampcheck.py agrees"
}
forge "boundary changed" 's/boundary="b1"/boundary="b2"/' "$T/m3.out"
forge "Content-Transfer-Encoding changed" \
    's/^Content-Transfer-Encoding: 7bit$/Content-Transfer-Encoding: base64/' \
    "$T/m3.out"
forge "MIME-Version added to a message without one" \
    's/^To: bob@example\.net$/&\
MIME-Version: 1.0/' "$T/m1.out"

# their white space is signed as it stands (mailward-stamp(5) section
# 8): the delimiters are "--a  b", and the "--a b" lines are text
sed -e 's/boundary="b1"/boundary="a  b"/' -e 's/^--b1/--a  b/' \
    -e 's/^--b2/--a b/' "$T/m3" >"$T/m4"
spool "$T/m4" 'verdict clean' 'scanned clamav/1/2'
stamp "$T/m4.in" "$T/m4.out"
verify "$T/m4.out" -K "$K"
ok $? "a boundary with two SP in it is stamped and verifies"
forge "the boundary's two SP made one" 's/boundary="a  b"/boundary="a b"/' \
    "$T/m4.out"
sed 's/; boundary="a  b"$/;\
 boundary="a\
  b"/' "$T/m4.out" >"$T/refold"
cmp -s "$T/refold" "$T/m4.out" && diag "refold: sed changed nothing"
verify "$T/refold" -K "$K"
is "$?:${line%% key=*}" "0:valid verdict=clean" \
    "Content-Type refolded at two of its SP: still valid"
is "$("$PYTHON" "$check" "$K/status.pub" "$(date +%s)" 604800 \
    <"$T/refold")" "valid" "refolded: stampcheck.py agrees"

# stamps from the independent implementation: old, future, fresh
now=$(date +%s)
mkpy() {	# mkpy T OUT: the message m1 stamped by stampcheck.py at T
	"$PYTHON" "$check" --sign "$K/status.key" "$K/status.pub" "$1" clean \
	    py/1 <"$T/m1" >"$2"
}
mkpy "$now" "$T/py.now"
verify "$T/py.now" -K "$K"
is "$?:${line%% age=*}" "0:valid verdict=clean key=$id" \
    "a stamp made from the page verifies"
mkpy $((now - 8 * 86400)) "$T/py.old"
verify "$T/py.old" -K "$K"
is "$?" 47 "eight days old: expired, 47"
verify "$T/py.old" -K "$K" -a 864000
is "$?" 0 "but valid with -a 864000"
mkpy $((now - 100)) "$T/py.100"
verify "$T/py.100" -K "$K" -a 50
is "$?" 47 "100 s old with -a 50: 47"
mkpy $((now + 3600)) "$T/py.future"
verify "$T/py.future" -K "$K"
is "$?" 48 "an hour ahead: future, 48"
printf '%s\n' "$line" | grep -q "^invalid reason=future key=$id age=-3[56][0-9][0-9]\$"
ok $? "with the key and a negative age: $line"

# rotation: a new key with -f; the old public key still verifies
cp "$K/status.pub" "$T/pubs/old.pub"
new=$(run_unpriv mailward-keygen -f "$K" 2>/dev/null)
[ -n "$new" ] && [ "$new" != "$id" ]
ok $? "keygen -f replaces the key ($new)"
cp "$K/status.pub" "$T/pubs/new.pub"
verify "$T/m1.out" -K "$K"
is "$?" 43 "the old stamp under the new key alone: unknown key"
verify "$T/m1.out" -K "$T/pubs"
is "$?" 0 "with both public keys in a directory: valid"
