#!/bin/sh
# ISC license.
# t/7000-scan-stage-clamav-filter.t: scan-stage-clamav in filter mode, as
# an unprivileged user, over the project's test signatures:
# * real mail nobody here wrote (../shared/corpus/cpython-email): every
#   message comes out byte for byte, with verdict and scanned added to
#   its envelope; each multipart one with an EICAR part added last comes
#   out with exactly that part replaced by the notice, as t/scancorpus.py
#   computes it from plain byte offsets (the two whose nested multiparts
#   share the outer boundary cannot be cleaned: quarantined);
# * every file of clamav-testfiles attached, base64 and quoted-printable,
#   two message/rfc822 levels deep: caught;
# * bare messages, quarantine, control files, and the fatal errors.
. "${0%/*}/lib.sh"
need scan-stage-clamav python3
src=$(cd "${0%/*}/.." && pwd)
corpus=${MW_CORPUS:-$src/../shared/corpus/cpython-email}
testfiles=${MW_TESTFILES:-/usr/share/clamav-testfiles}
[ -d "$corpus" ] || skip_all "no corpus at $corpus"
[ -f "$testfiles/clam.zip" ] || skip_all "no clamav-testfiles"
plan 42

stage_db
W=$T/work
mkdir "$W" "$H" "$H/control" || exit 1
export MW_CORPUS=$corpus MW_TESTFILES=$testfiles

# --- the corpus and the test files: 166 runs, two at a time ------------

"$PYTHON" "$src/t/scancorpus.py" prepare "$W" "$corpus" "$testfiles" ||
    { echo "Bail out! scancorpus.py prepare failed"; exit 1; }
cat >"$T/run.sh" <<'EOF'
#!/bin/sh
# run.sh DB FILE.in...: FILE.out, FILE.err, FILE.rc
db=$1
shift
for f; do
	n=${f%.in}
	scan-stage-clamav -d "$db" <"$f" >"$n.out" 2>"$n.err"
	echo $? >"$n.rc"
done
EOF
chown_unpriv "$W"
cd "$H" || exit 1
ls "$W"/*.in >"$T/list"
run_unpriv xargs -P 2 -n 12 sh "$T/run.sh" "$DB" <"$T/list"
"$PYTHON" "$src/t/scancorpus.py" verify "$W" >"$T/verify" 2>&1

# result KIND: "TOTAL BAD [NAME:REASON...]"
result() { sed -n "s/^$1 //p" "$T/verify"; }
is "$(result clean)" "48 0" \
    "48 corpus messages: byte for byte, verdict clean and scanned added"
is "$(result eicar)" "30 2 msg_15.eicar:exit 100 msg_39.eicar:exit 100" \
    "30 multiparts with EICAR: 28 cleaned to exactly the notice"
for m in msg_15 msg_39; do
	grep -q 'verdict=quarantined .*reason="mime malformed"' \
	    "$W/$m.eicar.err" && [ ! -s "$W/$m.eicar.out" ]
	ok $? "$m (nested multipart shares the boundary): quarantined"
done
is "$(result b64)" "44 0" "44 test files, base64, two rfc822 levels: caught"
is "$(result qp)" "44 0" \
    "44 test files, quoted-printable, two rfc822 levels: caught"
n=$(grep -l 'verdict=cleaned' "$W"/tf.*.err | wc -l)
is "$n" 88 "each of them cleaned (none needed quarantine)"
grep -q 'verdict=cleaned .*removed=1 ' "$W/msg_33.eicar.err"
ok $? "multipart/signed, third part: found (libclamav scans the first)"

# --- single runs ---------------------------------------------------------

# scan [ARG...] <IN: the scanner as nobody in $H; $rc, $T/out, $T/err
scan() {
	run_unpriv scan-stage-clamav "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
# envelope ID: a spool file's envelope block
envelope() {
	printf 'mailward 1\nid %s\ntime 1767225600\nremote -\nhelo -\n' "$1"
	printf 'tls 0\nfrom <a@example.org>\nrcpt <b@example.net>\n'
}
body() { sed '1,/^$/d' "$1"; }

# a bare message in, a bare message out
scan -d "$DB" <"$corpus/msg_01.txt"
is "$rc" 0 "bare clean message: exit 0"
cmp -s "$T/out" "$corpus/msg_01.txt"
ok $? "bare clean message: out as it came"
body "$W/msg_02.eicar.in" >"$T/bare.in"
scan -d "$DB" <"$T/bare.in"
is "$rc" 0 "bare infected message: exit 0"
body "$W/msg_02.eicar.out" |
    sed 's/^Queue id: 1767225600\.7000\.msg_02\.eicar$/Queue id: -/' |
    cmp -s - "$T/out"
ok $? "bare infected message: the cleaned message alone, queue id -"
grep -q '^scan-stage-clamav: info: - verdict=cleaned viruses=' "$T/err"
ok $? "logged with id -"

# quarantine: 100, nothing on standard output
{ envelope q.1; printf '\nSubject: single\n\n%s\n' "$EICAR"; } >"$T/q.in"
scan -d "$DB" <"$T/q.in"
is "$rc" 100 "EICAR in a single-part body: exit 100"
[ ! -s "$T/out" ]
ok $? "nothing on standard output"
grep -q '^scan-stage-clamav: info: q\.1 verdict=quarantined viruses=Mailward\.Test\.EICAR\.UNOFFICIAL.* removed=0 .*reason="found in the body of a single-part' "$T/err"
ok $? "logged: id, verdict, names, reason"

# an earlier stage's verdict and stage stay
{ envelope e.1; printf 'verdict cleaned\nscanned other/1/2\n\n'
  cat "$corpus/msg_01.txt"; } >"$T/e.in"
scan -d "$DB" <"$T/e.in"
is "$rc" 0 "a message an earlier stage cleaned: exit 0"
sed -n '/^verdict /p; /^scanned /p' "$T/out" | tr '\n' ' ' |
    grep -q '^verdict cleaned scanned other/1/2 clamav/[0-9.]*/0\.0\.7 $'
ok $? "verdict stays cleaned, scanned lists both stages"

# names over an envelope line: cut, not a temporary failure forever
mkdir "$T/db2" || exit 1
cp "$DB"/* "$T/db2/" || exit 1
for i in $(seq 10 39); do
	printf 'Mailward.Test.A.Rather.Long.Signature.Name.%s:0:*:%s\n' $i \
	    "$(printf 'mailward-long-marker-%s' $i | od -An -tx1 | tr -d ' \n')"
done >"$T/db2/long.ndb"
markers() { for i in $(seq $1 $2); do echo "mailward-long-marker-$i"; done; }
{ envelope l.1
  printf '\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n'
  for r in "10 24" "25 39"; do
	printf '\n--b\nContent-Type: application/octet-stream\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	markers $r | base64
  done
  printf '\n--b--\n'; } >"$T/l.in"
scan -d "$T/db2" <"$T/l.in"
is "$rc" 0 "30 long virus names in two parts: exit 0"
v=$(grep '^viruses ' "$T/out")
[ ${#v} -le 968 ] && [ "${v%,...}" != "$v" ] && [ "$(grep -c '^Reason: infected$' "$T/out")" -eq 2 ]
ok $? "both parts removed, the names cut to fit the envelope line"

# malformed spool file: quarantined as it is
printf 'mailward 1\nid m.1\nfrom <a@example.org>\n\nSubject: x\n\nhi\n' \
    >"$T/m.in"
scan -d "$DB" <"$T/m.in"
is "$rc" 100 "malformed envelope: exit 100"
[ ! -s "$T/out" ] && grep -q 'warning: - malformed envelope' "$T/err"
ok $? "nothing on standard output, logged"

# a RAR: unscannable, removed by default, quarantined on demand
mkrar() {
	envelope r.1
	printf '\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n'
	printf '\n--b\nContent-Type: text/plain\n\nhi\n\n--b\n'
	printf 'Content-Type: application/x-rar; name=a.rar\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	printf 'Rar!\032\007\001\000more bytes' | base64
	printf '\n--b--\n'
}
mkrar >"$T/r.in"
scan -d "$DB" <"$T/r.in"
is "$rc" 0 "RAR attached: exit 0"
grep -q '^verdict cleaned$' "$T/out" &&
    grep -q '^Reason: unscannable (unscannable rar)$' "$T/out"
ok $? "RAR attached: removed as unscannable"
echo quarantine >"$H/control/unscannable"
scan -d "$DB" <"$T/r.in"
is "$rc" 100 "control/unscannable quarantine: exit 100"
grep -q 'reason="unscannable part 2: unscannable rar"' "$T/err"
ok $? "logged: the part and why"
echo bounce >"$H/control/unscannable"
scan -d "$DB" <"$T/r.in"
is "$rc" 111 "control/unscannable neither remove nor quarantine: 111"
grep -q 'fatal: control/unscannable line 1' "$T/err"
ok $? "logged: the file and line"
rm -f "$H/control/unscannable"

# the limits' control files
echo x >"$H/control/mimedepth"
scan -d "$DB" <"$T/e.in"
is "$rc" 111 "malformed control/mimedepth: 111"
grep -q '^scan-stage-clamav: fatal: control/mimedepth line 1' "$T/err"
ok $? "logged: the file and line"
rm -f "$H/control/mimedepth"
echo 2 >"$H/control/mimeparts"
scan -d "$DB" <"$W/msg_02.in"
is "$rc" 100 "control/mimeparts 2: a 3-entity message is quarantined"
grep -q 'reason="mime toomany"' "$T/err"
ok $? "logged: mime toomany"
rm -f "$H/control/mimeparts"
echo 1000000 >"$H/control/clamav-maxfilesize"
scan -d "$DB" <"$T/e.in"
is "$rc" 111 "clamav-maxfilesize below databytes: 111"
echo 2000000 >"$H/control/databytes"
echo 3000000 >"$H/control/clamav-maxscansize"
echo 3000000 >"$H/control/clamav-maxfilesize"
scan -d "$DB" <"$T/e.in"
is "$rc" 0 "and with databytes below it: 0"
rm -f "$H"/control/*

# the databases: -d, control/databases, missing
echo "$DB" >"$H/control/databases"
scan <"$W/msg_02.in"
is "$rc" 0 "no -d: control/databases is read"
echo "$T/nonexistent" >"$H/control/databases"
scan <"$W/msg_02.in"
is "$rc" 111 "control/databases names a missing directory: 111"
scan -d "$T/nonexistent" <"$W/msg_02.in"
is "$rc" 111 "-d names a missing directory: 111"
grep -q '^scan-stage-clamav: fatal: unable to load the databases: cl_load' \
    "$T/err" && [ ! -s "$T/out" ]
ok $? "logged, nothing on standard output"
rm -f "$H/control/databases"

scan -x <"$W/msg_02.in"
is "$rc" 111 "usage error: 111"
scan -d "$DB" extra <"$W/msg_02.in"
is "$rc" 111 "an operand: 111"

if [ "$(id -u)" -eq 0 ]; then
	scan-stage-clamav -d "$DB" <"$W/msg_02.in" >"$T/out" 2>"$T/err"
	is "$?" 111 "as root: 111"
	grep -q 'fatal: refusing to run as root' "$T/err" && [ ! -s "$T/out" ]
	ok $? "as root: logged, nothing on standard output"
else
	skip "not root"
	skip "not root"
fi
