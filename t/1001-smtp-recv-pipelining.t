#!/bin/sh
# ISC license.
# t/1001-smtp-recv-pipelining.t: PIPELINING (many commands in one write,
# the replies in order, no deadlock) and CHUNKING (BDAT, BDAT LAST,
# BDAT 0 LAST, chunks refused but still read).
. "${0%/*}/lib.sh"
. "${0%/*}/recv.sh"
need tcpserver python3 swaks mailward-setup
plan 20

recv_home --subscriber alice@example.org --subscriber @example.net
recv_start
body() { sed '1,/^$/d' "$1" | sed '1,/^	[A-Z][a-z][a-z], /d' | od -An -c; }
want() { printf "$@" | od -An -c; }

# --- one write, many commands ---------------------------------------------
raw '<220 ' '>EHLO c\r\n' '<250 ' \
    '>MAIL FROM:<bob@example.com>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<x y>\r\nRCPT TO:<carol@example.net>\r\nNOOP\r\nDATA\r\n' \
    '=250 2.1.0 Ok' '=250 2.1.5 Ok' '=550 5.1.1 Recipient is not a subscriber' \
    '=501 5.1.3 Bad recipient address syntax' '=250 2.1.5 Ok' \
    '=250 2.0.0 Ok' '=354 End data with <CR><LF>.<CR><LF>' \
    '>Subject: pipelined\r\n\r\none\r\n.\r\nRSET\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n' \
    '<250 2.0.0 Ok: queued as ' '=250 2.0.0 Ok' '=250 2.1.0 Ok' \
    '=250 2.1.5 Ok' '=354 End data with <CR><LF>.<CR><LF>' \
    '>Subject: second\r\n\r\ntwo\r\n.\r\nQUIT\r\n' \
    '<250 2.0.0 Ok: queued as ' '=221 2.0.0 Bye' '<<'
ok $? "pipelined groups: every reply, in order, and no deadlock"
is "$(new_count) $(tmp_count)" "2 0" "two messages"
grep -l '^Subject: pipelined$' "$IN"/new/* | xargs sed -n '/^rcpt /p' \
    >"$T/rcpts"
is "$(cat "$T/rcpts")" "rcpt <alice@example.org>
rcpt <carol@example.net>" "the first has the two accepted recipients"

swaks --server "127.0.0.1:$P" --pipeline --from x@example.com \
    --to alice@example.org,dave@example.net,eve@example.com \
    --helo swaks.example >"$T/swaks.out" 2>&1
grep -q '^<-  250 2.0.0 Ok: queued as ' "$T/swaks.out" &&
    grep -q '^<\*\* 550 5.1.1 Recipient is not a subscriber' "$T/swaks.out"
ok $? "swaks --pipeline: queued, one recipient refused"
is "$(new_count)" 3 "swaks' message spooled"
rm -f "$IN"/new/*

# --- BDAT: a whole session in one write -------------------------------------
raw '<220 ' '>EHLO c\r\n' '~CHUNKING' \
    '>MAIL FROM:<bob@example.com>\r\nRCPT TO:<alice@example.org>\r\nBDAT 10\r\nSubject: bBDAT 11 LAST\r\n\r\n\r\n.\r\nbodyMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nBDAT 0 LAST\r\nQUIT\r\n' \
    '=250 2.1.0 Ok' '=250 2.1.5 Ok' '=250 2.0.0 10 octets received' \
    '<250 2.0.0 Ok: queued as ' '=250 2.1.0 Ok' '=250 2.1.5 Ok' \
    '<250 2.0.0 Ok: queued as ' '=221 2.0.0 Bye' '<<'
ok $? "BDAT, BDAT LAST and BDAT 0 LAST pipelined with QUIT"
is "$(new_count) $(tmp_count)" "2 0" "two messages"
id=$(sed -n 's/^S: 250 2.0.0 Ok: queued as //p' "$T/raw.out" | head -n 1)
is "$(body "$IN/new/$id")" "$(want 'Subject: b\n\n.\nbody\n')" \
    "BDAT: CRLF to LF, no dot handling, a last line end added"
id=$(sed -n 's/^S: 250 2.0.0 Ok: queued as //p' "$T/raw.out" | tail -n 1)
is "$(body "$IN/new/$id")" "" "BDAT 0 LAST: an empty message"
rm -f "$IN"/new/*

raw '<220 ' '>EHLO c\r\n' '<250 ' \
    '>MAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nBDAT 4\r\nab\r\rBDAT 4 LAST\r\n\ncd\n' \
    '<250 ' '<250 ' '=250 2.0.0 4 octets received' \
    '<250 2.0.0 Ok: queued as ' '>QUIT\r\n' '<221 '
ok $? "BDAT: chunks split inside CR CR LF"
is "$(body "$(new_file)")" "$(want 'ab\ncd\n')" \
    "a CR at a chunk's end waits for the next chunk (CR CR LF: one line end)"
rm -f "$IN"/new/*

# --- refused chunks are read, never executed --------------------------------
raw '<220 ' '>EHLO c\r\n' '<250 ' \
    '>BDAT 10\r\nNOOP\r\nXYZZNOOP\r\n' '=503 5.5.1 MAIL first' \
    '=250 2.0.0 Ok' \
    '>MAIL FROM:<>\r\nRCPT TO:<nobody@example.com>\r\nBDAT 6\r\nRSET\r\nBDAT 6 LAST\r\nQUIT\r\nNOOP\r\n' \
    '<250 ' '=550 5.1.1 Recipient is not a subscriber' \
    '=554 5.5.1 No valid recipients' '=554 5.5.1 No valid recipients' \
    '=250 2.0.0 Ok' '>QUIT\r\n' '=221 2.0.0 Bye'
ok $? "BDAT without MAIL or without recipients: refused, chunk skipped"
raw '<220 ' '>EHLO c\r\n' '<250 ' \
    '>MAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nBDAT 3\r\nabcDATA\r\n' \
    '<250 ' '<250 ' '=250 2.0.0 3 octets received' \
    '=503 5.5.1 DATA after BDAT' '>BDAT 0 LAST\r\n' \
    '<250 2.0.0 Ok: queued as ' '>QUIT\r\n' '<221 '
ok $? "DATA inside a BDAT transaction: 503 5.5.1"
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>BDAT 3 LAST x\r\n' \
    '=421 4.5.4 Bad BDAT syntax, closing' '<<'
ok $? "BDAT with a bad size: 421 and close (its chunk can't be found)"
raw '<220 ' '>EHLO c\r\n' '<250 ' '>BDAT\r\n' \
    '=421 4.5.4 Bad BDAT syntax, closing' '<<'
ok $? "BDAT without a size: 421 and close"
logged "reason=bdatsyntax\$"
ok $? "log: reason=bdatsyntax"
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>BDAT 100\r\nshort' '!shut' \
    '<<'
ok $? "end of input inside a chunk: the connection ends"
logged "reason=eof\$"
ok $? "log: reason=eof"
is "$(new_count) $(tmp_count)" "1 0" "only the complete message was spooled"

# --- the replies to a pipelined group go out in one write -------------------
# (written only when smtp-recv is about to wait for input: all 51 replies
# come in the first read, not one by one)
"$PYTHON" - "$P" >"$T/seg.out" 2>&1 <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
f = s.makefile("rb")
f.readline()
s.sendall(b"EHLO c\r\n")
while f.readline()[3:4] != b" ":
    pass
s.sendall(b"NOOP\r\n" * 50 + b"QUIT\r\n")
first = s.recv(65536)
print(first.count(b"250 2.0.0 Ok\r\n"), first.endswith(b"221 2.0.0 Bye\r\n"))
PY
is "$(cat "$T/seg.out")" "50 True" "50 pipelined NOOPs and QUIT: all replies in one piece"
