#!/bin/sh
# relay: a real LMTP server, Debian's Dovecot (start_dovecot), over its
# unix socket and over TCP: each recipient's message lands in its
# Maildir as sent; an unknown user (Dovecot refuses it at RCPT) bounces.
# Skipped without Dovecot: t/3005-relay-lmtp.t tests the protocol.
. "${0%/*}/lib.sh"
. "${0%/*}/relay.sh"
need python3 s6-setuidgid
command -v start_dovecot >/dev/null 2>&1 || skip_all "no start_dovecot"
dovecot_bin >/dev/null || skip_all "no dovecot"
[ -x /usr/lib/dovecot/lmtp ] || skip_all "no dovecot-lmtpd"
plan 10

relay_home
A=$T/mail/alice
B=$T/mail/bob
mkmaildir "$A" "$B"
# Dovecot delivers as the Maildir's owner, and refuses uid or gid 0
[ "$(id -u)" -ne 0 ] || chown -R "nobody:$(id -gn nobody)" "$T/mail"
start_dovecot "$T/dovecot" alice@unix.test:"$A" bob@tcp.test:"$B"
r=$?
ok $r "Dovecot: LMTP on $DOVECOT_LMTP and 127.0.0.1:$DOVECOT_LMTP_PORT"
[ $r -eq 0 ] || { echo "Bail out! no Dovecot"; exit 1; }
P=$(free_port)
sink_start smtp "$P"
cat >"$H/control/routes" <<EOF
unix.test	lmtp:$DOVECOT_LMTP
tcp.test	lmtp:127.0.0.1:$DOVECOT_LMTP_PORT
*		127.0.0.1:$P
EOF
relay_start

has() { relay_log | grep -q -e "^relay: info: $1"; }
# the message as sent ($2) ends the one Maildir file of $1
landed() {
	_f=$(ls "$1"/new/* "$1"/cur/* 2>/dev/null)
	[ "$(printf '%s\n' "$_f" | grep -c .)" -eq 1 ] &&
	    tail -c "$(wc -c <"$2")" "$_f" | cmp -s - "$2"
}

printf 'Subject: for alice\n\n.a dot\nhello\n' >"$T/a.eml"
newid
ID1=$ID
spool_msg "$ID1" s@origin.test alice@unix.test nosuch@unix.test <"$T/a.eml"
wait_for grep -q "$ID1 done" "$H/relay.log"
has "$ID1 delivered to=<alice@unix.test> relay=$DOVECOT_LMTP reply=\"250 2\.0\.0 <alice@unix\.test> "
ok $? "unix socket: alice delivered, by Dovecot's own reply"
has "$ID1 bounced to=<nosuch@unix.test> relay=$DOVECOT_LMTP reply=\"550 5\.1\.1 "
ok $? "an unknown user: bounced"
has "$ID1 done delivered=1 bounced=1 deferred=0"
ok $? "log: done"
landed "$A" "$T/a.eml"
ok $? "alice's Maildir has the message as sent"
wait_for sink_grep smtp 'Final-Recipient: rfc822; nosuch@unix.test' >/dev/null
ok $? "the bounce went to the sender"

printf 'Subject: for bob\n\nhello\n' >"$T/b.eml"
newid
ID2=$ID
spool_msg "$ID2" s@origin.test bob@tcp.test <"$T/b.eml"
wait_for grep -q "$ID2 done" "$H/relay.log"
has "$ID2 delivered to=<bob@tcp.test> relay=127\.0\.0\.1\[127\.0\.0\.1\]:$DOVECOT_LMTP_PORT reply=\"250 2\.0\.0 <bob@tcp\.test> "
ok $? "TCP: bob delivered"
landed "$B" "$T/b.eml"
ok $? "bob's Maildir has the message as sent"
test ! -e "$H/queue/outbound/new/$ID1" && test ! -e "$H/queue/outbound/new/$ID2"
ok $? "both messages left the spool"
relay_stop
is "$RELAY_RC" 0 "SIGTERM: relay exits 0"
