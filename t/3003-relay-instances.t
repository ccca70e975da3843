#!/bin/sh
# ISC license.
# relay between two mailward homes under s6: a scanner whose relay
# forwards to a gateway whose group it is (the gateway trusts its key);
# the gateway's classify delivers the scanner's stamped mail.  A
# recipient the gateway refuses with 550 gets the sender a bounce from
# the scanner's relay; the bounce reaches the gateway unstamped, so the
# gateway sends it to its group, the scanner, and it comes back stamped
# into the sender's Maildir.
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run classify deliver-maildir relay \
    scan-stage-clamav stamp-status notify tcpserver s6-svscan python3
plan 11

GP=$(free_port)
SP=$(free_port)
test_sigs
mkhome scanner --listen "127.0.0.1:$SP" --me scan.example.net \
    --next-hop "127.0.0.1:$GP" --subscriber @example.org --databases "$SIGS"
S=$H
mkgateway "$S" "$SP" "$GP" --maildir alice@example.org=Maildir/alice
start_home "$G"
start_home "$S"
wait_port "$GP" && wait_port "$SP"
ok $? "both homes listen"

"$PYTHON" "${0%/*}/smtpc.py" -p "$SP" -f bob@example.com \
    -t alice@example.org --subject relayed --message-id r1@example.com \
    >"$T/send1.out" 2>&1
ok $? "the scanner takes the message"
wait_for maildir_atleast "$G/Maildir/alice" 1
ok $? "it arrives in the gateway's Maildir through the relay"
F=$(grep -l '^Message-ID: <r1@example.com>' "$G/Maildir/alice/new/"* \
    "$G/Maildir/alice/cur/"* 2>/dev/null | head -1)
test -n "$F"
ok $? "the same message (by Message-ID)"
run_unpriv stamp-status -v -K "$T/scanner.pub" <"$F" >/dev/null &&
    wait_for log_has incoming \
    "classify: info: .* local policy=stamp stamp=clean" "$G"
ok $? "stamped by the scanner; the gateway's classify delivered it for that"
wait_for log_has relay ' delivered to=<alice@example.org> ' "$S"
ok $? "the scanner's relay logged the delivery"

# alice sends to someone the gateway does not know: 550 at the gateway,
# a bounce from the scanner back to alice, through the scanner again
"$PYTHON" "${0%/*}/smtpc.py" -p "$SP" -f alice@example.org \
    -t nobody@example.org --subject lost --message-id r2@example.com \
    >"$T/send2.out" 2>&1
ok $? "the scanner takes the second message"
wait_for maildir_atleast "$G/Maildir/alice" 2
ok $? "a second message reaches alice"
B=$(grep -l 'report-type=delivery-status' "$G/Maildir/alice/new/"* \
    "$G/Maildir/alice/cur/"* 2>/dev/null | head -1)
test -n "$B" && grep -q '^Final-Recipient: rfc822; nobody@example.org' "$B"
ok $? "it is the delivery status notification for nobody@example.org"
grep -q '^Return-Path: <>' "$B" && grep -q '^Message-ID: <r2@example.com>' "$B"
ok $? "from <>, quoting the original headers"
run_unpriv stamp-status -v -K "$T/scanner.pub" <"$B" >/dev/null &&
    wait_for log_has incoming \
    "classify: info: .* group policy=stamp stamp=no-stamp" "$G"
ok $? "it reached the gateway unstamped, went to the group, came back stamped"
