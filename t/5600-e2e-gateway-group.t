#!/bin/sh
# ISC license.
# t/5600-e2e-gateway-group.t: the whole loop of a gateway with a group
# (figures 3 and 4): mail sent to the gateway goes to the scanner
# (classify: no stamp; relay -g), comes back stamped to the connecting
# address (the scanner's origin route), and classify delivers it into
# the Maildir.  A clean message, an EICAR attachment (cleaned, and the
# scanner's notice), a message with a stamp of an unknown key (scanned
# anyway), an infected body the scanner holds (alice gets its notice).
# The group down: mail waits at the gateway, then goes.  A
# scanner whose key the gateway does not trust: the message comes back
# unscanned by the gateway's lights and is held after control/maxpasses
# passes, never delivered, never looping; the administrator and the
# recipient are told (gateway notify, notices straight to the Maildirs),
# and a forced release delivers it without any status field.
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run deliver-maildir relay classify \
    scan-stage-clamav stamp-status notify mailward-keygen tcpserver \
    s6-svscan python3
plan 21

test_sigs
GP=$(free_port)
SP=$(free_port)
mkhome scanner --listen "127.0.0.1:$SP" --me scan.example.net \
    --subscriber @example.org --next-hop "origin:$GP" --databases "$SIGS"
S=$H
kid=$(status_kid 1)
mkgateway_mail "$S" "$SP" "$GP"
echo admin@example.org >"$G/control/notifyadmin"
echo 1 >"$G/control/retrybase"
echo 2 >"$G/control/retrymax"
grep -q 'classify' "$G/service/incoming/run" &&
    grep -q 'relay -g' "$G/service/togroup/run" &&
    [ -f "$G/control/groupkeys/$kid.pub" ] &&
    [ "$(cat "$G/control/group")" = "127.0.0.1:$SP" ]
ok $? "gateway: classify, relay -g, the group and its key"

start_home "$S"
start_home "$G"
wait_port "$SP" && wait_port "$GP"
ok $? "scanner and gateway listen"
wait_for log_has scan "engine loaded" "$S"

send() { # KIND [FILE]: into the gateway
	if [ -n "${2:-}" ]; then cat "$2"; else
		"$PYTHON" "${0%/*}/mkmsg.py" "$1" --id "$1@loop" \
		    -f sender@example.net
	fi | "$PYTHON" "${0%/*}/smtpc.py" -p "$GP" -f sender@example.net \
	    -t alice@example.org - >>"$T/send.log" 2>&1
}
msg() { grep -l "^Message-ID: <$1@loop>" "$MD"/new/* "$MD"/cur/* \
    2>/dev/null | head -n 1; }
arrived() { [ -n "$(msg "$1")" ]; }
vfy() { run_unpriv stamp-status -v -K "$T/scanner.pub" <"$1"; }

send clean && send eicar
ok $? "the gateway accepts a clean and an EICAR message"
wait_for arrived clean && wait_for arrived eicar
ok $? "both come back from the scanner into the Maildir"
out=$(vfy "$(msg clean)")
is "${out%% age=*}" "valid verdict=clean key=$kid" "the clean one: stamped clean"
out=$(vfy "$(msg eicar)")
is "${out%% age=*}" "valid verdict=cleaned key=$kid" \
    "the EICAR one: stamped cleaned"
grep -q '^File: eicar.com' "$(msg eicar)" && ! grep -q 'WDVPIVAlQEFQ' "$(msg eicar)"
ok $? "the attachment was cut out on the way"
log_has incoming "classify: info: .* group policy=stamp stamp=no-stamp" "$G" &&
    log_has incoming "classify: info: .* local policy=stamp stamp=clean" "$G" &&
    log_has incoming "classify: info: .* local policy=stamp stamp=cleaned" "$G"
ok $? "classify: to the group first, local when it came back stamped"
notice() { grep -l '^X-Mailward-Notice: recipient' "$MD"/new/* \
    "$MD"/cur/* 2>/dev/null | head -n 1; }
wait_for sh -c "grep -q -l '^X-Mailward-Notice: recipient' '$MD'/new/* '$MD'/cur/* 2>/dev/null"
n=$(notice)
[ -n "$n" ] && vfy "$n" >/dev/null
ok $? "the scanner's notice reaches alice through the gateway, stamped"

# what the scanner cannot clean: held there; alice learns of it
send eicar-body
heldthere() { grep -l '^  Subject:   mailward test: eicar-body$' \
    $(grep -l '^Subject: A message to you was held: it carries a virus$' \
    "$MD"/new/* 2>/dev/null) /dev/null 2>/dev/null | head -n 1; }
noticed() { [ -n "$(heldthere)" ]; }
MW_WAIT=30 wait_for noticed
n=$(heldthere)
[ -n "$n" ] && vfy "$n" >/dev/null && ! arrived eicar-body
ok $? "an infected body: held at the scanner, never delivered; alice's notice stamped"

# a stamp of a key the gateway does not know: scanned all the same
mailward-keygen "$T/forge" >/dev/null 2>&1 && chown_unpriv "$T/forge"
"$PYTHON" "${0%/*}/mkmsg.py" clean --id forged@loop -f sender@example.net |
    tr -d '\r' >"$T/f.msg"
{ printf 'mailward 1\nid 1.1.f\ntime %s\nremote -\nhelo -\ntls 0\n' \
      "$(date +%s)"
  printf 'from <sender@example.net>\nrcpt <alice@example.org>\n'
  printf 'verdict clean\nscanned clamav/9.9.9/0\n\n'; cat "$T/f.msg"; } \
    >"$T/f.spool"
chmod 644 "$T/f.spool"
run_unpriv stamp-status -k "$T/forge/status.key" <"$T/f.spool" 2>/dev/null |
    sed '1,/^$/d' >"$T/forged"
send forged "$T/forged"
wait_for arrived forged
f=$(msg forged)
out=$(vfy "$f")
case $out in
"valid verdict=clean key=$kid age="*" engine=clamav/1.4."*) r=0 ;;
*) r=1; diag "$out" ;;
esac
[ "$(grep -ci '^X-Mailward-Status:' "$f")" -eq 1 ] && [ $r -eq 0 ]
ok $? "a forged stamp buys nothing: scanned, one stamp, the scanner's"

# the group down: the mail waits at the gateway, then goes
stop_home "$S"
"$PYTHON" "${0%/*}/mkmsg.py" clean --id held@loop -f sender@example.net |
    "$PYTHON" "${0%/*}/smtpc.py" -p "$GP" -f sender@example.net \
    -t alice@example.org - >>"$T/send.log" 2>&1
waiting() { [ "$(spool_count "$G/queue/togroup")" -ge 1 ] &&
    log_has togroup "deferred" "$G"; }
wait_for waiting
ok $? "the group down: the message waits in the gateway's queue/togroup"
start_home "$S"
MW_WAIT=40 wait_for arrived held
ok $? "the group back: it goes, and comes back into the Maildir"

# a scanner whose key the gateway does not trust: held after maxpasses
rm -f "$G/control/groupkeys/"*.pub
cp "$T/forge/status.pub" "$G/control/groupkeys/other.pub"
chmod 644 "$G/control/groupkeys/other.pub"
"$PYTHON" "${0%/*}/mkmsg.py" clean --id wrongkey@loop -f sender@example.net |
    "$PYTHON" "${0%/*}/smtpc.py" -p "$GP" -f sender@example.net \
    -t alice@example.org - >>"$T/send.log" 2>&1
heldq() { [ "$(spool_count "$G/queue/quarantine")" -ge 1 ]; }
MW_WAIT=60 wait_for heldq
ok $? "the wrong key: the message is held at the gateway"
q=$(ls "$G"/queue/quarantine/new/* | head -n 1)
grep -q '^quarantine loop: passed this gateway 4 times$' "$q" &&
    grep -q '^Message-ID: <wrongkey@loop>' "$q"
ok $? "as a loop, after control/maxpasses (3) passes"
! arrived wrongkey
ok $? "never delivered"
id=${q##*/}
wait_for maildir_atleast "$AD" 1
a=$(grep -l '^X-Mailward-Notice: admin' "$AD"/new/* 2>/dev/null | head -n 1)
[ -n "$a" ] && grep -q '^Subject: Gateway report: message held in a loop$' "$a" &&
    grep -q '^  Reason:    loop: passed this gateway 4 times$' "$a" &&
    grep -q "^  mailward-quarantine release --force $id\$" "$a" &&
    ! grep -qi '^X-Mailward-Status:' "$a"
ok $? "the administrator is told: why, and how to deliver it once mended"
r=$(grep -l '^Subject: A message to you was held: a mail loop$' \
    "$MD"/new/* 2>/dev/null | head -n 1)
[ -n "$r" ] && grep -q "^  Queue id:  $id\$" "$r"
ok $? "and alice, with the queue id to quote"
log_has notify "notify: info: $id notified verdict=quarantined sent=2" "$G"
ok $? "the gateway's notify logs the two notices"

# a loop is not sent round again; released by force, it is delivered
# as it stands, without a status field
(cd "$G" && mailward-quarantine release "$id") >"$T/rel.out" 2>&1
is "$?:$(spool_count "$G/queue/quarantine")" "100:1" \
    "release (to the group) of a loop: refused, it stays held"
(cd "$G" && mailward-quarantine release --force "$id") >"$T/rel.out" 2>&1
MW_WAIT=20 wait_for arrived wrongkey
f=$(msg wrongkey)
[ -n "$f" ] && ! grep -qi '^X-Mailward-Status:' "$f" &&
    [ "$(spool_count "$G/queue/quarantine")" -eq 0 ]
ok $? "release --force on a gateway: delivered, no stamp reaches alice"
