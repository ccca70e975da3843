#!/bin/sh
# ISC license.
# t/5700-e2e-internal.t: figures 5 and 6 -- a gateway whose scanned mail
# goes to an internal mail server, Debian's Dovecot over LMTP: mail sent
# to the gateway goes through the scanner, comes back stamped, and the
# gateway's relay hands it to Dovecot (--internal example.org=lmtp:SOCKET);
# read back over IMAP, the clean message and the cleaned one carry a
# valid stamp, the EICAR attachment is gone.  The same gateway keeps a
# Maildir for one address of that domain: a message to both is split by
# deliver-maildir, stored for one and passed on for the other.
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run relay classify scan-stage-clamav \
    stamp-status notify tcpserver s6-svscan python3
command -v start_dovecot >/dev/null 2>&1 || skip_all "no start_dovecot"
dovecot_bin >/dev/null || skip_all "no dovecot"
[ -x /usr/lib/dovecot/lmtp ] || skip_all "no dovecot-lmtpd"
plan 10

test_sigs
GP=$(free_port)
SP=$(free_port)
A=$T/mail/alice
mkmaildir "$A"
# Dovecot delivers as the Maildir's owner, and refuses uid or gid 0
[ "$(id -u)" -ne 0 ] || chown -R "nobody:$(id -gn nobody)" "$T/mail"
mkhome scanner --listen "127.0.0.1:$SP" --me scan.example.net \
    --subscriber @example.org --next-hop "origin:$GP" --databases "$SIGS"
S=$H
kid=$(status_kid 1)
mkgateway "$S" "$SP" "$GP" --internal "example.org=lmtp:$T/dovecot/lmtp" \
    --maildir bob@example.org=Maildir/bob
grep -q 'deliver-maildir -o queue/outbound' "$G/service/local/run" &&
    grep -q "^example.org lmtp:$T/dovecot/lmtp\$" "$G/control/routes" &&
    grep -q '^@example.org$' "$G/control/subscribers"
ok $? "--internal: routed recipients to the relay, on to the LMTP socket"

start_dovecot "$T/dovecot" alice@example.org:"$A"
ok $? "Dovecot: LMTP on $DOVECOT_LMTP, IMAP on $DOVECOT_IMAP"
start_home "$S"
start_home "$G"
wait_port "$SP" && wait_port "$GP" && wait_for log_has scan "engine loaded" "$S"
ok $? "scanner and gateway up"

for k in clean eicar; do
	"$PYTHON" "${0%/*}/mkmsg.py" "$k" --id "$k@internal" \
	    -f sender@example.net |
	    "$PYTHON" "${0%/*}/smtpc.py" -p "$GP" -f sender@example.net \
	    -t alice@example.org $([ $k = clean ] && echo -t bob@example.org) \
	    - >>"$T/send.log" 2>&1 || exit 1
done
imap() { rm -rf "$T/imap"; mkdir "$T/imap" &&
    "$PYTHON" "${0%/*}/mailc.py" imap -p "$DOVECOT_IMAP" -u alice@example.org \
    -w pw-alice@example.org -o "$T/imap" >"$T/imap.out" 2>&1; }
three() { imap && [ "$(sed -n 's/^exists //p' "$T/imap.out")" -ge 3 ]; }
MW_WAIT=40 wait_for three
ok $? "both messages and the scanner's notice reach Dovecot, read over IMAP"
msg() { grep -l "^Message-ID: <$1@internal>" "$T"/imap/* | head -n 1; }
out=$(run_unpriv stamp-status -v -K "$T/scanner.pub" <"$(msg clean)")
is "${out%% age=*}" "valid verdict=clean key=$kid" \
    "the clean message, as IMAP gives it: a valid stamp"
e=$(msg eicar)
out=$(run_unpriv stamp-status -v -K "$T/scanner.pub" <"$e")
is "${out%% age=*}" "valid verdict=cleaned key=$kid" "the EICAR one: cleaned"
grep -q '^File: eicar.com' "$e" && ! grep -q 'WDVPIVAlQEFQ' "$e"
ok $? "its attachment replaced by the notice part"
log_has relay "relay: info: .* delivered to=<alice@example.org> relay=$T/dovecot/lmtp" "$G"
ok $? "the gateway's relay logs the LMTP delivery"

# the clean message went to bob's Maildir too, from the same delivery
B=$G/Maildir/bob
wait_for maildir_atleast "$B" 1 &&
    f=$(grep -l '^Message-ID: <clean@internal>' "$B"/new/* | head -n 1) &&
    out=$(run_unpriv stamp-status -v -K "$T/scanner.pub" <"$f") &&
    [ "${out%% age=*}" = "valid verdict=clean key=$kid" ]
ok $? "the clean message, in bob's Maildir on the gateway, stamped"
log_has local "deliver-maildir: info: .* routed to=alice@example.org spool=queue/outbound" "$G" &&
    log_has local "deliver-maildir: info: .* done delivered=1 duplicate=0 routed=1 bounced=0" "$G"
ok $? "deliver-maildir: one stored, one passed on, in one delivery"
