#!/bin/sh
# ISC license.
# t/1003-smtp-recv-smuggling.t: the SMTP smuggling probes.  Only
# CRLF.CRLF ends DATA: <LF>.<LF>, <CR>.<CR>, <LF>.<CR><LF>, <CR><LF>.<LF>
# and the like, each followed by a whole second transaction, must give
# exactly one spool file with the probe text inside it.
. "${0%/*}/lib.sh"
. "${0%/*}/recv.sh"
need tcpserver python3 mailward-setup
plan 35

recv_home --subscriber alice@example.org
recv_start

smuggled='MAIL FROM:<evil@example.com>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\nSubject: smuggled\r\n\r\nsmuggled body'
want=$(printf 'Subject: probe\n\nbefore\n.\nMAIL FROM:<evil@example.com>\nRCPT TO:<alice@example.org>\nDATA\nSubject: smuggled\n\nsmuggled body\n' |
    od -An -c)
# the probe bytes as escapes, by name (sh's echo would expand them)
probe_of() {
	case $1 in
	LF.LF) printf '%s' '\n.\n' ;;
	CR.CR) printf '%s' '\r.\r' ;;
	LF.CRLF) printf '%s' '\n.\r\n' ;;
	CRLF.LF) printf '%s' '\r\n.\n' ;;
	CR.CRLF) printf '%s' '\r.\r\n' ;;
	CRLF.CR) printf '%s' '\r\n.\r' ;;
	esac
}
for name in LF.LF CR.CR LF.CRLF CRLF.LF CR.CRLF CRLF.CR; do
	probe=$(probe_of $name)
	rm -f "$IN"/new/*
	raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<bob@example.com>\r\n' \
	    '<250 ' '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' \
	    '<354 ' ">Subject: probe\\r\\n\\r\\nbefore$probe$smuggled\\r\\n.\\r\\nQUIT\\r\\n" \
	    '<250 2.0.0 Ok: queued as ' '=221 2.0.0 Bye' '<<'
	ok $? "probe $name: one 250, then the QUIT reply"
	is "$(new_count) $(tmp_count)" "1 0" "probe $name: exactly one spool file"
	f=$(new_file)
	is "$(sed '1,/^$/d' "$f" | sed '1,/^	[A-Z][a-z][a-z], /d' | od -An -c)" \
	    "$want" "probe $name: the probe and the smuggled text are in it"
	is "$(sed -n '1,/^$/p' "$f" | grep -E '^(from|rcpt) ')" \
	    "from <bob@example.com>
rcpt <alice@example.org>" "probe $name: the envelope is the real one"
done

# the same with a message that starts with the probe
rm -f "$IN"/new/*
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<bob@example.com>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' '<354 ' \
    ">.\\n$smuggled\\r\\n.\\r\\n" '<250 2.0.0 Ok: queued as ' \
    '>QUIT\r\n' '=221 2.0.0 Bye'
ok $? "data starting with .<LF>: not the end"
is "$(new_count)" 1 "one spool file"
sed '1,/^$/d' "$(new_file)" | grep -q '^smuggled body$'
ok $? "the smuggled text is message text"

# a message that is only ".\r\n" is empty but real
rm -f "$IN"/new/*
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<>\r\n' '<250 ' \
    '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' '<354 ' \
    '>.\r\n' '<250 2.0.0 Ok: queued as ' '>QUIT\r\n' '=221 2.0.0 Bye'
ok $? "DATA that is just .CRLF: an empty message"
is "$(sed '1,/^$/d' "$(new_file)" | sed '/^Received: /,/^	[A-Z][a-z][a-z], /d' | wc -c)" \
    0 "nothing after the Received: header"

# barelf=reject: the message is refused after reading to its end
ctl barelf reject
for name in LF.LF CR.CR; do
	probe=$(probe_of $name)
	rm -f "$IN"/new/*
	raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<bob@example.com>\r\n' \
	    '<250 ' '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' \
	    '<354 ' ">Subject: probe\\r\\n\\r\\nbefore$probe$smuggled\\r\\n.\\r\\nQUIT\\r\\n" \
	    '=550 5.6.2 Bare LF or CR; use CRLF' '=221 2.0.0 Bye' '<<'
	ok $? "barelf=reject, probe $name: 550 5.6.2 once, then QUIT"
	is "$(new_count) $(tmp_count)" "0 0" "barelf=reject, probe $name: nothing spooled"
done
logged "warning: [^ ]+ reject conn=[^ ]+ from=<bob@example.com> nrcpt=1 size=[0-9]+ reason=barelf reply=\"550 5.6.2"
ok $? "log: reject reason=barelf"
raw '<220 ' '>EHLO c\r\n' '<250 ' '>MAIL FROM:<bob@example.com>\r\n' \
    '<250 ' '>RCPT TO:<alice@example.org>\r\n' '<250 ' '>DATA\r\n' '<354 ' \
    '>Subject: clean\r\n\r\nall CRLF\r\n.\r\n' '<250 2.0.0 Ok: queued as ' \
    '>QUIT\r\n' '<221 '
ok $? "barelf=reject: a clean message is taken"
rm -f "$H/control/barelf"
