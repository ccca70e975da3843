#!/bin/sh
# ISC license.
# t/5100-e2e-relay.t: scanner (scan, stamp, relay) -> gateway (classify:
# the scanner's stamp is valid) -> Maildir, two homes from mailward-setup
# under s6, the scanner the gateway's group; the gateway offers STARTTLS,
# so the hop is encrypted; an unknown local recipient is bounced back
# through both: the gateway's relay sends the bounce to the scanner,
# which scans and stamps it and sends it back.
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run classify deliver-maildir relay \
    scan-stage-clamav stamp-status tcpserver s6-svscan swaks python3 openssl
plan 14

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=gw.example.org \
    -keyout "${TMPDIR:-/tmp}/mw-key.$$" -out "${TMPDIR:-/tmp}/mw-cert.$$" \
    >/dev/null 2>&1
GP=$(free_port)
SP=$(free_port)
test_sigs
mkhome scanner --listen "127.0.0.1:$SP" --me scan.example.net \
    --subscriber @example.org --subscriber @example.net \
    --next-hop "127.0.0.1:$GP" --databases "$SIGS"
S=$H
# the gateway's relay (bounces) goes back through the scanner
mkgateway "$S" "$SP" "$GP" --next-hop "127.0.0.1:$SP" \
    --maildir alice@example.org=Maildir/alice \
    --maildir sender@example.net=Maildir/sender \
    --subscriber ghost@example.org \
    --tls-cert "${TMPDIR:-/tmp}/mw-cert.$$" --tls-key "${TMPDIR:-/tmp}/mw-key.$$"
rm -f "${TMPDIR:-/tmp}/mw-key.$$" "${TMPDIR:-/tmp}/mw-cert.$$"
G=$H
start_home "$G"
start_home "$S"
wait_port "$GP" && wait_port "$SP"
ok $? "gateway and scanner listen"

swaks --server "127.0.0.1:$SP" --helo client.example.net \
    --from sender@example.net --to alice@example.org \
    --header "Subject: through the scanner" --header "Message-ID: <r1@e2e>" \
    --body "relayed body" >"$T/s1" 2>&1
ok $? "the scanner accepts mail for alice"
sq=$(sed -n 's/.*<-  250 2\.0\.0 Ok: queued as \([^ ]*\).*/\1/p' "$T/s1")
wait_for maildir_atleast "$G/Maildir/alice" 1
ok $? "it arrives in the gateway's Maildir"
f=$(ls "$G"/Maildir/alice/new/* | head -n 1)
grep -q '^Message-ID: <r1@e2e>' "$f" && grep -q '^relayed body' "$f"
ok $? "Message-ID and body intact"
is "$(grep -c '^Received: ' "$f")" 2 "two Received: lines, one per hop"
sed -n '3,/^[^	]/p' "$f" | grep -q "^Received: from scan\.example\.net " &&
    sed -n '3,/^[^	]/p' "$f" | grep -q "with ESMTPS"
ok $? "the gateway's Received: shows the scanner's HELO and TLS"
grep -q "$sq" "$f"
ok $? "the scanner's queue id ($sq) is in its Received:"
wait_for log_has relay "relay: info: $sq delivered to=<alice@example.org> relay=127.0.0.1" "$S"
ok $? "scanner's relay log: delivered via 127.0.0.1"
empty() { [ "$(spool_count "$S/queue/outbound")" -eq 0 ]; }
wait_for empty
ok $? "the scanner's outbound spool is empty"

# ghost@example.org is a subscriber of the gateway without a Maildir:
# deliver-maildir bounces it; the gateway's relay sends the bounce to the
# scanner, whose relay sends it back to the gateway, into sender's Maildir
"$PYTHON" "${0%/*}/smtpc.py" -p "$SP" -f sender@example.net \
    -t ghost@example.org --subject "to a ghost" --message-id g1@e2e \
    >"$T/s2" 2>&1
ok $? "the scanner accepts mail for ghost"
bounce() { grep -l '^Content-Type: message/delivery-status' \
    "$G"/Maildir/sender/new/* >/dev/null 2>&1; }
wait_for bounce
ok $? "the bounce comes back through the scanner to the sender's Maildir"
b=$(grep -l 'delivery-status' "$G"/Maildir/sender/new/* | head -n 1)
grep -q '^Return-Path: <>' "$b" && grep -qi '^Status: 5\.1\.1' "$b" &&
    grep -qi 'ghost@example.org' "$b"
ok $? "the bounce: null sender, status 5.1.1, names the recipient"
vfy() { run_unpriv stamp-status -v -K "$T/scanner.pub" <"$1" >/dev/null; }
inby() { [ "$(mw_log incoming "$G" | grep -c \
    'classify: info: .* local policy=stamp stamp=clean ')" -eq 3 ]; }
vfy "$f" && vfy "$b" && wait_for inby &&
    ! log_has incoming 'classify: info: .* group ' "$G"
ok $? "both stamped by the scanner; classify let all three in on the stamp"
is "$(ls "$G/queue/failed/new" "$S/queue/failed/new" | grep -v '^/\|^$')" "" \
    "nothing went to queue/failed"
