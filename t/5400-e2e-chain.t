#!/bin/sh
# ISC license.
# t/5400-e2e-chain.t: a chain of two scanners on two "hosts" (homes on
# 127.0.0.1), then a gateway whose group is the chain: it sends to A, the
# first member, and trusts the stamps of B, the last.  Scanner A knows
# only the EICAR signature, scanner B only clam.exe's; B trusts A's
# stamps (--chain-key).  A message with both attachments leaves A with
# EICAR cut out and A's stamp, and B cuts clam.zip and stamps it listing
# A's stage and its own; the gateway's classify delivers it on B's stamp.
# What a sender claims about earlier stages buys nothing: a stamp from a
# key B does not know, or A's stamp on a changed body, is not imported,
# and B's stamp lists B's stage alone.
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run classify deliver-maildir relay \
    scan-stage-clamav stamp-status notify tcpserver s6-svscan python3
[ -r /usr/share/clamav-testfiles/clam.zip ] ||
    skip_all "no /usr/share/clamav-testfiles (package clamav-testfiles)"
plan 19

test_sigs
# two databases: A has the EICAR signatures (3: 0.0.3 in the stamp), B
# the clam.exe ones (4)
mkdir "$T/dba" "$T/dbb" || exit 1
for f in "$SIGS"/mailward-test.*; do
	b=${f##*/}
	grep 'EICAR' "$f" >"$T/dba/$b"
	grep 'ClamExe' "$f" >"$T/dbb/$b"
	[ -s "$T/dba/$b" ] || rm -f "$T/dba/$b"
	[ -s "$T/dbb/$b" ] || rm -f "$T/dbb/$b"
done
chmod -R a+rX "$T/dba" "$T/dbb"

GP=$(free_port)
AP=$(free_port)
BP=$(free_port)
mkhome scanner --listen "127.0.0.1:$AP" --me a.example.net \
    --subscriber @example.org --next-hop "127.0.0.1:$BP" --databases "$T/dba"
A=$H
cp "$A/keys/status.pub" "$T/a.pub" && chmod 644 "$T/a.pub"
mkhome scanner --listen "127.0.0.1:$BP" --me b.example.net \
    --subscriber @example.org --next-hop "127.0.0.1:$GP" --databases "$T/dbb" \
    --chain-key "$T/a.pub"
B=$H
cp "$B/keys/status.pub" "$T/b.pub" && chmod 644 "$T/b.pub"
kida=$(status_kid 1)
kidb=$(status_kid 2)
mkhome gateway --listen "127.0.0.1:$GP" --me gw.example.org \
    --maildir alice@example.org=Maildir/alice \
    --group "127.0.0.1:$AP" --group-key "$T/b.pub"
G=$H
MD=$G/Maildir/alice
[ -f "$B/control/chainkeys/$kida.pub" ] &&
    grep -q "stamp-status -i -K control/chainkeys" "$B/service/incoming/run" &&
    ! grep -q "stamp-status -i" "$A/service/incoming/run"
ok $? "--chain-key: B keeps A's key and imports stamps on its way in"

start_home "$G"
start_home "$A"
start_home "$B"
wait_port "$GP" && wait_port "$AP" && wait_port "$BP"
ok $? "gateway and both scanners listen"
wait_for log_has scan "engine loaded" "$A" && wait_for log_has scan \
    "engine loaded" "$B"
ok $? "both scan stages loaded their databases"

send() { # PORT KIND [FILE]: into a scanner
	if [ -n "${3:-}" ]; then cat "$3"; else
		"$PYTHON" "${0%/*}/mkmsg.py" "$2" --id "$2@chain" \
		    -f sender@example.net
	fi | "$PYTHON" "${0%/*}/smtpc.py" -p "$1" -f sender@example.net \
	    -t alice@example.org - >>"$T/send.log" 2>&1
}
msg() { grep -l "^Message-ID: <$1@chain>" "$MD"/new/* "$MD"/cur/* \
    2>/dev/null | head -n 1; }
vfy() { run_unpriv stamp-status -v -K "$1" <"$2"; }
arrived() { [ -n "$(msg "$1")" ]; }

send "$AP" both
ok $? "A accepts a message with eicar.com and clam.zip"
wait_for arrived both
ok $? "it arrives at the gateway"
m=$(msg both)
out=$(vfy "$T/b.pub" "$m")
case $out in
"valid verdict=cleaned key=$kidb age="*" engine=clamav/"*"/0.0.3,clamav/"*"/0.0.4") r=0 ;;
*) r=1; diag "$out" ;;
esac
ok $r "B's stamp: cleaned, and both members' stages"
grep -q '^File: eicar.com' "$m" && grep -q '^File: clam.zip' "$m" &&
    grep -q '^Virus: Mailward.Test.EICAR' "$m" &&
    grep -q '^Virus: Mailward.Test.ClamExe' "$m"
ok $? "each member cut what it knows: two notice parts"
log_has incoming "stamp-status: info: .* imported key=$kida verdict=cleaned stages=clamav/" "$B"
ok $? "B imported A's stages from A's stamp"
log_has scan "verdict=cleaned viruses=Mailward.Test.EICAR" "$A" &&
    log_has scan "verdict=cleaned viruses=Mailward.Test.ClamExe" "$B"
ok $? "each scan log names its own find"
[ "$(grep -c '^X-Mailward-Status:' "$m")" -eq 1 ]
ok $? "one status header: A's was replaced by B's"

# --- what a sender claims about earlier stages -------------------------------
# a stamp made with a key B does not know
mailward-keygen "$T/forge" >/dev/null 2>&1
chown_unpriv "$T/forge"
envl() { # ID: a spool envelope that says the message was scanned
	printf 'mailward 1\nid %s\ntime %s\nremote -\nhelo -\ntls 0\n' \
	    "$1" "$(date +%s)"
	printf 'from <sender@example.net>\nrcpt <alice@example.org>\n'
	printf 'verdict clean\nscanned clamav/1.4.6/99.1.1000000\n\n'
}
"$PYTHON" "${0%/*}/mkmsg.py" clamzip --id forged@chain \
    -f sender@example.net | tr -d '\r' >"$T/forged.msg"
{ envl 1.1.forged; cat "$T/forged.msg"; } >"$T/forged.spool"
chmod 644 "$T/forged.spool"
run_unpriv stamp-status -k "$T/forge/status.key" <"$T/forged.spool" 2>/dev/null |
    sed '1,/^$/d' >"$T/forged.out"
grep -q '^X-Mailward-Status:' "$T/forged.out"
ok $? "a sender stamps a message with a key of its own"
# b_alone ID FILE VERDICT: FILE, sent to B, arrives with B's stamp of
# VERDICT listing B's stage alone
b_alone() {
	send "$BP" x "$2"
	wait_for arrived "$1"
	out=$(vfy "$T/b.pub" "$(msg "$1")")
	case $out in
	"valid verdict=$3 key=$kidb age="*" engine=clamav/"*"/0.0.4") ;;
	*) diag "$out"; return 1 ;;
	esac
}
b_alone forged "$T/forged.out" cleaned
ok $? "B scanned it itself; its stamp lists B's stage alone"
log_has incoming "not-imported reason=unknown-key" "$B"
ok $? "B logs why it imported nothing"

# A's real stamp, on a body changed after A stamped it
"$PYTHON" "${0%/*}/mkmsg.py" clean --id changed@chain \
    -f sender@example.net | tr -d '\r' >"$T/changed.msg"
{ envl 1.1.changed; cat "$T/changed.msg"; } >"$T/changed.spool"
chmod 644 "$T/changed.spool"
as_user mwstamp stamp-status -k "$A/keys/status.key" \
    <"$T/changed.spool" 2>/dev/null | sed '1,/^$/d' |
    sed 's/Its text part stays/Its text part STAYS/' >"$T/changed.out"
grep -q "^X-Mailward-Status: .*k=$kida" "$T/changed.out" ||
    grep -q "k=$kida" "$T/changed.out"
ok $? "a message with A's stamp, its body changed after"
b_alone changed "$T/changed.out" clean
ok $? "not imported: B's stamp lists B's stage alone"
log_has incoming "not-imported reason=body-changed" "$B"
ok $? "B logs that the body changed"

# every delivered message carries one valid stamp of B
r=0
for x in "$MD"/new/* "$MD"/cur/*; do
	[ -f "$x" ] || continue
	vfy "$T/b.pub" "$x" >/dev/null || r=1
done
ok $r "every delivered message (notices too) has B's valid stamp"
wait_for log_has incoming "classify: info: .* local policy=stamp " "$G" &&
    ! log_has incoming "classify: info: .* group " "$G"
ok $? "the gateway's classify let them in on B's stamp, none to the group"
is "$(spool_count "$A/queue/failed") $(spool_count "$B/queue/failed") $(spool_count "$G/queue/failed")" \
    "0 0 0" "nothing went to queue/failed"
