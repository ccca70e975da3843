#!/bin/sh
# ISC license.
# t/1002-smtp-recv-tls.t: STARTTLS with a certificate made here by openssl:
# python smtplib and swaks; the session reset after TLS; commands
# pipelined after STARTTLS dropped; a failed handshake ends cleanly.
. "${0%/*}/lib.sh"
. "${0%/*}/recv.sh"
need tcpserver python3 swaks openssl mailward-setup
plan 22

mktemp_T
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mx.test.example \
    -keyout "$T/key.pem" -out "$T/cert.pem" >"$T/openssl.out" 2>&1 ||
    { sed 's/^/# /' "$T/openssl.out" >&2; echo "Bail out! openssl req"; exit 1; }
recv_home --subscriber alice@example.org --tls-cert "$T/cert.pem" \
    --tls-key "$T/key.pem"
recv_start

raw '<220 ' '>EHLO c\r\n' \
    '=250-mx.test.example|250-PIPELINING|250-SIZE 36700160|250-8BITMIME|250-SMTPUTF8|250-CHUNKING|250-ENHANCEDSTATUSCODES|250 STARTTLS' \
    '>MAIL FROM:<>\r\n' '<250 ' '>STARTTLS\r\n' \
    '=503 5.5.1 Mail transaction in progress' '>RSET\r\n' '<250 ' \
    '>STARTTLS\r\n' '=220 2.0.0 Ready to start TLS' '!tls' \
    '>MAIL FROM:<bob@example.com>\r\n' '=503 5.5.1 Send HELO or EHLO first' \
    '>EHLO c2\r\n' \
    '=250-mx.test.example|250-PIPELINING|250-SIZE 36700160|250-8BITMIME|250-SMTPUTF8|250-CHUNKING|250 ENHANCEDSTATUSCODES' \
    '>STARTTLS\r\n' '=502 5.5.1 STARTTLS not available' \
    '>MAIL FROM:<bob@example.com>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n' \
    '<250 ' '<250 ' '<354 ' '>Subject: tls\r\n\r\nsecret\r\n.\r\n' \
    '<250 2.0.0 Ok: queued as ' '>QUIT\r\n' '=221 2.0.0 Bye'
ok $? "STARTTLS offered, refused in a transaction, then the session resets"
id=$(sed -n 's/^S: 250 2.0.0 Ok: queued as //p' "$T/raw.out")
f=$IN/new/$id
grep -q '^tls 1$' "$f" && grep -q '^helo c2$' "$f"
ok $? "envelope: tls 1, the HELO given after TLS"
grep -Eq '^	\(using TLSv1\.[23] [A-Z0-9_-]+\)$' "$f" &&
    grep -q "^	by mx.test.example (mailward) with ESMTPS id $id\$" "$f"
ok $? "Received: TLS version and cipher, with ESMTPS"
logged "info: $id queued conn=[^ ]+ from=<bob@example.com> nrcpt=1 size=[0-9]+ tls=1"
ok $? "log: queued tls=1"
logged "close remote=127.0.0.1 helo=c2 tls=1 msgs=1 .*reason=quit\$"
ok $? "log: close tls=1"

"$PYTHON" "${0%/*}/smtpc.py" -p "$P" --starttls -f x@example.com \
    -t alice@example.org --subject 'smtplib tls' >"$T/smtpc.out" 2>&1
ok $? "python smtplib starttls: accepted"
id=$(sed -n 's/^250 2.0.0 Ok: queued as //p' "$T/smtpc.out")
test -n "$id" && grep -q '^tls 1$' "$IN/new/$id" &&
    grep -q '^Subject: smtplib tls$' "$IN/new/$id"
ok $? "smtplib's message spooled with tls 1"
swaks --server "127.0.0.1:$P" -tls --from x@example.com \
    --to alice@example.org --helo swaks.example >"$T/swaks.out" 2>&1
ok $? "swaks -tls: accepted"
grep -q '^<~  250 2.0.0 Ok: queued as ' "$T/swaks.out"
ok $? "swaks saw the queued reply inside TLS"
is "$(new_count) $(tmp_count)" "3 0" "three messages"

# --- commands pipelined after STARTTLS are dropped ---------------------------
raw '<220 ' '>EHLO c\r\n' '<250 ' \
    '>STARTTLS\r\nMAIL FROM:<evil@example.com>\r\nRCPT TO:<alice@example.org>\r\n' \
    '=220 2.0.0 Ready to start TLS' '!tls' '>EHLO c\r\n' '<250 ' \
    '>DATA\r\n' '=503 5.5.1 MAIL first' \
    '>RCPT TO:<alice@example.org>\r\n' '=503 5.5.1 MAIL first' \
    '>QUIT\r\n' '=221 2.0.0 Bye'
ok $? "MAIL and RCPT pipelined after STARTTLS were never executed"
logged "warning: [^ ]+ discard bytes=[0-9]+ reason=\"pipelined after STARTTLS\""
ok $? "log: discard"

# --- a failed handshake --------------------------------------------------------
raw '<220 ' '>EHLO c\r\n' '<250 ' '>STARTTLS\r\n' \
    '=220 2.0.0 Ready to start TLS' '>this is no ClientHello\r\n\r\n' '<<'
ok $? "garbage instead of a ClientHello: the server closes"
logged "close remote=127.0.0.1 helo=c tls=0 .*reason=tls error=\"TLS handshake: "
ok $? "log: close reason=tls with the handshake error"
raw '<220 ' '>EHLO c\r\n' '<250 ' '>STARTTLS\r\n' \
    '=220 2.0.0 Ready to start TLS' '!shut' '<<'
ok $? "a client that hangs up at STARTTLS"
logged "reason=tls error=\"TLS handshake: connection closed\"\$"
ok $? "log: close reason=tls, connection closed"
ctl timeoutsmtpd 1
raw '<220 ' '>EHLO c\r\n' '<250 ' '>STARTTLS\r\n' \
    '=220 2.0.0 Ready to start TLS' '<<'
ok $? "a client silent after STARTTLS: closed after timeoutsmtpd"
logged "reason=tls error=\"TLS handshake: timed out\"\$"
ok $? "log: handshake timed out"
rm -f "$H/control/timeoutsmtpd"
is "$(new_count) $(tmp_count)" "3 0" "no message from those sessions"

# --- a certificate that can't be loaded: no STARTTLS ---------------------------
ctl tlscert "$T/missing.pem"
raw '<220 ' '>EHLO c\r\n' \
    '=250-mx.test.example|250-PIPELINING|250-SIZE 36700160|250-8BITMIME|250-SMTPUTF8|250-CHUNKING|250 ENHANCEDSTATUSCODES' \
    '>STARTTLS\r\n' '=502 5.5.1 STARTTLS not available' '>QUIT\r\n' '<221 '
ok $? "unreadable certificate: STARTTLS not offered"
logged "warning: [^ ]+ notls error=\"unable to load certificate: "
ok $? "log: notls with the reason"
rm -f "$H/control/tlscert"
(cd "$H" && as_recv "$MW_BUILD/libexec/smtp-recv" </dev/null >/dev/null \
    2>"$T/bad.err")
is "$? $(cat "$T/bad.err")" "111 smtp-recv: fatal: control/tlscert and control/tlskey go together" \
    "tlskey without tlscert: fatal"
