#!/bin/sh
# ISC license.
# t/5300-e2e-scan.t: a scanner from mailward-setup, with the test
# signatures, relays to a gateway with a Maildir, all under s6; the
# scanner is the gateway's group, and the gateway's classify delivers
# what carries its valid stamp.  A clean message arrives stamped; an
# EICAR attachment and clam.zip in a multipart message arrive cleaned (a
# notice part instead) and stamped; a single-part EICAR body stays in the
# scanner's quarantine.  The recipient gets a notice for each of the
# three, the administrator a record of each, the sender none.  The held
# message, released, is held again; released with --force, it arrives
# stamped verdict=released.  Every stamp (notices included) verifies with
# the scanner's public key, classify sends none of them to the group
# again, and nothing else arrives.
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run classify deliver-maildir relay \
    scan-stage-clamav stamp-status notify mailward-quarantine tcpserver \
    s6-svscan python3
[ -r /usr/share/clamav-testfiles/clam.zip ] ||
    skip_all "no /usr/share/clamav-testfiles (package clamav-testfiles)"
plan 40

test_sigs
GP=$(free_port)
SP=$(free_port)
mkhome scanner --listen "127.0.0.1:$SP" --me scan.example.net \
    --subscriber @example.org --next-hop "127.0.0.1:$GP" --databases "$SIGS"
S=$H
is "$(cat "$S/control/databases")" "$SIGS" "control/databases from --databases"
kid=$(status_kid)
[ -n "$kid" ]
ok $? "setup made the status key and printed its id ($kid)"
echo admin@example.org >"$S/control/notifyadmin"
# the gateway holds a copy of the scanner's public key
mkgateway_mail "$S" "$SP" "$GP"

start_home "$G"
start_home "$S"
wait_port "$GP" && wait_port "$SP"
ok $? "gateway and scanner listen"
wait_for log_has scan "scan-stage-clamav: info: - engine loaded" "$S"
ok $? "the scan stage loaded the test signatures once"

send() { # KIND: one message from t/mkmsg.py into the scanner
	"$PYTHON" "${0%/*}/mkmsg.py" "$1" --id "$1@e2e" -f sender@example.net |
	    "$PYTHON" "${0%/*}/smtpc.py" -p "$SP" -f sender@example.net \
	    -t alice@example.org - >"$T/send.$1" 2>&1
}
for k in clean eicar clamzip eicar-body; do
	send "$k"
	ok $? "the scanner accepts the $k message"
done

wait_for maildir_atleast "$MD" 6
ok $? "three messages and three notices arrive in the gateway's Maildir"
held() { [ "$(spool_count "$S/queue/quarantine")" -ge 1 ]; }
wait_for held
ok $? "one message is held in the scanner's queue/quarantine"
drained() {
	for q in incoming scan stamp notify outbound; do
		[ "$(spool_count "$S/queue/$q")" -eq 0 ] || return 1
	done
}
wait_for drained
ok $? "the scanner's spools are drained"
is "$(maildir_count "$MD")" 6 "exactly three messages and three notices arrived"

msg() { grep -l "^Message-ID: <$1@e2e>" "$MD"/new/* "$MD"/cur/* \
    2>/dev/null | head -n 1; }
vfy() { run_unpriv stamp-status -v -K "$T/scanner.pub" <"$1"; }
c=$(msg clean)
e=$(msg eicar)
z=$(msg clamzip)

out=$(vfy "$c")
ok $? "the clean message's stamp verifies"
is "${out%% age=*}" "valid verdict=clean key=$kid" \
    "stamp-status -v: valid, clean, the scanner's key"
grep -q "Its text part stays as it is" "$c"
ok $? "the clean message's body is there"

out=$(vfy "$e")
is "${out%% age=*}" "valid verdict=cleaned key=$kid" \
    "the EICAR message arrives cleaned with a valid stamp"
grep -q '^mailward removed this part of the message' "$e" &&
    grep -q '^File: eicar.com' "$e" && grep -q '^Virus: Mailward.Test.EICAR' "$e"
ok $? "its notice part names the file and the virus"
grep -q "Its text part stays as it is" "$e" && ! grep -q 'WDVPIVAlQEFQ' "$e"
ok $? "the text part is kept, the EICAR attachment is gone"

out=$(vfy "$z")
is "${out%% age=*}" "valid verdict=cleaned key=$kid" \
    "the clam.zip message arrives cleaned with a valid stamp"
grep -q '^File: clam.zip' "$z" && grep -q '^Virus: Mailward.Test.ClamExe' "$z"
ok $? "its notice names clam.zip and what libclamav found inside"
grep -q "Its text part stays as it is" "$z" && ! grep -q '^UEsDB' "$z"
ok $? "the text part is kept, the zip is gone"

q=$(ls "$S"/queue/quarantine/new/* 2>/dev/null | head -n 1)
[ -n "$q" ] && grep -q '^Message-ID: <eicar-body@e2e>' "$q" &&
    sed '/^$/q' "$q" | grep -q '^verdict quarantined'
ok $? "the single-part EICAR message is the one in quarantine"
log_has scan "verdict=quarantined viruses=Mailward.Test.EICAR" "$S"
ok $? "the scan log says why"

# --- the notices ------------------------------------------------------------
notices() { grep -l "^X-Mailward-Notice: $2" "$1"/new/* "$1"/cur/* 2>/dev/null; }
is "$(notices "$MD" recipient | wc -l)" 3 "alice has three notices"
qid=$(sed -n 's/^id //p;/^$/q' "$q")
n=$(grep -l "^  Queue id:  $qid\$" $(notices "$MD" recipient) | head -n 1)
[ -n "$n" ] && grep -q '^Auto-Submitted: auto-generated$' "$n" &&
    grep -q '^is held in quarantine and was not delivered\.$' "$n" &&
    grep -q '^  Virus:     Mailward.Test.EICAR' "$n" &&
    grep -q '^To ask for the message to be released, write to admin@example.org$' "$n"
ok $? "the held message's notice: held, the virus, the queue id, who releases"
out=$(vfy "$n")
is "${out%% age=*}" "valid verdict=clean key=$kid" \
    "the notice was scanned and stamped like any message"
wait_for maildir_atleast "$AD" 3
is "$(notices "$AD" admin | wc -l)" 3 "the administrator has three records"
grep -l "^  Client:    127.0.0.1\$" $(notices "$AD" admin) | xargs grep -l \
    "^  Stages:    clamav/" | xargs grep -l \
    "^  Found by:  clamav:Mailward.Test.EICAR" |
    xargs grep -q "mailward-quarantine release $qid"
ok $? "the record: client, stages, what found it, how to release the held one"
! log_has notify "notice=sender" "$S" && ! log_has notify "notice=.* to=sender@" "$S"
ok $? "no notice to the sender (off by default)"
log_has notify "notify: info: $qid notified verdict=quarantined sent=2" "$S"
ok $? "notify logs each message it told about"

# nothing unscanned arrives: every message has one stamp, and it holds
r=0
for f in "$MD"/new/* "$MD"/cur/*; do
	[ -f "$f" ] || continue
	[ "$(grep -ci '^X-Mailward-Status:' "$f")" -eq 1 ] &&
	    vfy "$f" >/dev/null && ! grep -q 'EICAR-STANDARD' "$f" || r=1
done
ok $r "every delivered message has exactly one valid stamp, no virus"
wait_for log_has incoming "classify: info: .* local policy=stamp " "$G" &&
    ! log_has incoming "classify: info: .* group " "$G"
ok $? "the gateway's classify let them in on the stamp, none to the group"
sed 's/Its text part stays/Its text part STAYS/' "$c" >"$T/changed"
vfy "$T/changed" >/dev/null
is $? 45 "a stamped message changed by the way is refused (body-changed)"
r=0
for k in clean cleaned; do
	log_has stamp "stamp-status: info: .* stamped verdict=$k key=$kid" "$S" ||
	    r=1
done
ok $r "the stamp log names verdicts and key"
is "$(ls "$G/queue/failed/new" "$S/queue/failed/new" | grep -v '^/\|^$')" "" \
    "nothing went to queue/failed"

# --- out of the quarantine ---------------------------------------------------
# release: scanned again by the chain, and held again (still infected)
mailward-quarantine -d "$S" release "$qid" >"$T/release.out" 2>&1
ok $? "mailward-quarantine release: back to queue/scan"
twice() { [ "$(mw_log scan "$S" | grep -c "$qid verdict=quarantined")" -eq 2 ] &&
    [ "$(spool_count "$S/queue/quarantine")" -eq 1 ]; }
wait_for twice
ok $? "scanned again, held again: it is still infected"
# release --force: delivered as it is, stamped verdict=released
mailward-quarantine -d "$S" release --force "$qid" >"$T/force.out" 2>&1
ok $? "mailward-quarantine release --force"
released() { [ -n "$(msg eicar-body)" ]; }
wait_for released
r=$(msg eicar-body)
out=$(vfy "$r")
is "${out%% age=*}" "valid verdict=released key=$kid" \
    "the forced release arrives, stamped verdict=released"
log_has stamp "stamped verdict=released key=$kid removed=0 by=" "$S"
ok $? "the stamp log says who released it"
