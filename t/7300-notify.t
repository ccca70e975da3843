#!/bin/sh
# ISC license.
# t/7300-notify.t: notify as a filter and under spool-run, as an
# unprivileged user, on hand-made spool files:
# * cleaned (viruses found) and quarantined messages get a notice for
#   each recipient and the administrator, pass unchanged, exit 0 and 21;
#   spool-run -r 21=queue/quarantine moves the held one to the quarantine;
# * no notice for a clean message, for a "cleaned" verdict without
#   viruses (an earlier host's), for a notice, for the administrator
#   without control/notifyadmin;
# * the sender's notice: only with control/notifysender 1, never for <>,
#   only when From: is the envelope sender, never for Auto-Submitted
#   other than "no" or any Precedence;
# * the rate limit per addressee; an unwritable notice spool (111, the
#   message not passed); control files, usage, root;
# * every notice a valid spool file and a valid MIME message (checked by
#   t/noticecheck.py with Python's email package), each logged.
. "${0%/*}/lib.sh"
need notify spool-run python3
plan 113

src=$(cd "${0%/*}/.." && pwd)
mktemp_T
run_unpriv true			# programs reachable by nobody (lib.sh)
H=$T/home
Q=$H/queue
bare_home "$H" notify scan outbound quarantine failed
mkdir "$H/notify" || exit 1
echo scan1.example.net >"$H/control/me"
echo admin@example.net >"$H/control/notifyadmin"
chown_unpriv "$H"
PM=postmaster@scan1.example.net
WHY='found in the body of a single-part message or in its header: nothing to cut'
n=0

# mk NAME [KEYLINE...] <MESSAGE: $T/NAME.in, a spool file from $from to
# each of $rcpts with the key lines; its id in $id
from=alice@example.org
rcpts="bob@example.net carol@example.net"
mk() {
	_f=$T/$1.in
	shift
	n=$((n + 1))
	id=1767225600.$$.$n
	{
		printf 'mailward 1\nid %s\ntime 1767225600\n' "$id"
		printf 'remote 192.0.2.7\nhelo mx.example.org\ntls 0\n'
		printf 'from <%s>\n' "$from"
		for _r in $rcpts; do printf 'rcpt <%s>\n' "$_r"; done
		for _l; do printf '%s\n' "$_l"; done
		echo
		cat
	} >"$_f"
}
# msg [FIELD...]: a small message with these fields on top
msg() {
	for _l; do printf '%s\n' "$_l"; done
	printf 'From: Alice <alice@example.org>\nTo: bob@example.net\n'
	printf 'Subject: Quarterly report\n\nthe body\n'
}
# mkm NAME [KEYLINE...]: mk with the small message
mkm() {
	msg >"$T/m"
	mk "$@" <"$T/m"
}
# nfy NAME [ARG...]: notify as nobody in $H on $T/NAME.in; $rc,
# $T/out, $T/err
nfy() {
	_in=$T/$1.in
	shift
	(cd "$H" && run_unpriv notify "$@" <"$_in" >"$T/out" 2>"$T/err")
	rc=$?
}
# reset: no notices spooled, no counts
reset() { rm -f "$Q"/scan/new/* "$Q"/outbound/new/* "$H"/notify/*; }
# notices QID [FROM]: the notices in queue/scan, checked
notices() {
	"$PYTHON" "$src/t/noticecheck.py" "$Q/scan" "$1" "${2:-$PM}" \
	    192.0.2.7 2>"$T/check.err" || cat "$T/check.err" >&2
}
# logged QID N: N notice lines for QID in $T/err, each naming a file of
# queue/scan/new, and every such file named
logged() {
	[ "$(grep -c "^notify: info: $1 notice=[a-z]* to=[^ ]* queued=" \
	    "$T/err")" -eq "$2" ] || return 1
	for _f in "$Q"/scan/new/*; do
		[ -f "$_f" ] || continue
		grep -q "^notify: info: $1 notice=[a-z]* to=[^ ]* queued=${_f##*/}\$" \
		    "$T/err" || return 1
	done
}
same() { cmp -s "$T/out" "$T/$1.in"; }
body() { sed '1,/^$/d' "$1"; }

# --- cleaned: the recipients and the administrator --------------------

reset
mkm c 'verdict cleaned' 'viruses Eicar-Signature,Other.Virus' \
    'scanned clamav/1.4.3/27000.1.2'
c=$id
nfy c
is "$rc" 0 "cleaned: exit 0"
same c
ok $? "cleaned: the message on standard output unchanged"
is "$(notices "$c")" "admin admin@example.net Virus report: parts removed
recipient bob@example.net A virus was removed from a message to you
recipient carol@example.net A virus was removed from a message to you" \
    "cleaned: valid notices for each recipient and the administrator"
logged "$c" 3
ok $? "cleaned: each notice logged with its queue id"
grep -q "^notify: info: $c notified verdict=cleaned sent=3 limited=0 failed=0\$" "$T/err"
ok $? "cleaned: one summary line"
is "$(grep -l '^  Virus:     Eicar-Signature,Other.Virus$' "$Q"/scan/new/* |
    wc -l)" 3 "cleaned: every notice names the viruses"
is "$(grep -l '^Nothing else is needed\.$' "$Q"/scan/new/* | wc -l) $(grep -l '^The cleaned message was passed on\.$' "$Q"/scan/new/* | wc -l) $(grep -l '^  Stages:    clamav/1.4.3/27000.1.2$' "$Q"/scan/new/* | wc -l)" \
    "2 1 1" "cleaned: the recipients' and the administrator's texts"
is "$(ls "$Q/scan/tmp")" "" "cleaned: nothing left in queue/scan/tmp"
is "$(ls "$H/notify" | wc -l)" 3 "cleaned: one count file per addressee"
# a notice passes without a notice of its own
cp "$(ls "$Q"/scan/new/* | head -n 1)" "$T/n1.in"
reset
nfy n1
is "$rc" 0 "a notice: exit 0"
same n1
ok $? "a notice: passed unchanged"
is "$(ls "$Q/scan/new")" "" "a notice: no notice about it"
grep -q '^notify: info: [0-9.a-f]* passed notice$' "$T/err"
ok $? "a notice: logged passed notice"

# --- quarantined: exit 21 ---------------------------------------------

reset
mkm q 'verdict quarantined' 'viruses Eicar-Signature' \
    "quarantine $WHY"
q=$id
nfy q
is "$rc" 21 "quarantined: exit 21"
same q
ok $? "quarantined: the message on standard output unchanged"
is "$(notices "$q")" "admin admin@example.net Virus report: message held
recipient bob@example.net A message to you was held: it carries a virus
recipient carol@example.net A message to you was held: it carries a virus" \
    "quarantined: valid notices for each recipient and the administrator"
logged "$q" 3
ok $? "quarantined: each notice logged"
grep -q "^notify: info: $q notified verdict=quarantined sent=3 limited=0 failed=0\$" "$T/err"
ok $? "quarantined: one summary line"
a=$(grep -l 'X-Mailward-Notice: admin' "$Q"/scan/new/*)
grep -q "^  mailward-quarantine release $q\$" "$a" &&
    grep -q "^  Reason:    $WHY\$" "$a"
ok $? "quarantined: the administrator is told the reason and how to release"
is "$(grep -h '^To ask for the message to be released, write to ' \
    "$Q"/scan/new/* | sort -u)" \
    "To ask for the message to be released, write to admin@example.net" \
    "quarantined: the recipients are told whom to ask"
# held without a virus named (crashes, limits): notices all the same
reset
mkm q2 'verdict quarantined' 'quarantine crashed 3 times'
nfy q2
is "$rc" 21 "quarantined without viruses: exit 21"
is "$(notices "$id" | wc -l)" 3 "quarantined without viruses: 3 notices"
is "$(grep -l '^  Virus:     -$' "$Q"/scan/new/* | wc -l)" 3 \
    "quarantined without viruses: Virus -"
# a notice that was held passes to the quarantine, no notice about it
reset
mkm nq 'notice recipient' 'notice-for 1.2.3' 'verdict quarantined' \
    'viruses Eicar-Signature'
nfy nq
is "$rc" 21 "a held notice: exit 21"
same nq && [ -z "$(ls "$Q/scan/new")" ] &&
    grep -q "^notify: info: $id passed notice\$" "$T/err"
ok $? "a held notice: passed, no notice, logged"

# --- no notice --------------------------------------------------------

reset
mkm k 'verdict clean' 'scanned clamav/1.4.3/27000.1.2'
nfy k
is "$rc" 0 "clean: exit 0"
same k && [ -z "$(ls "$Q/scan/new")" ] && [ ! -s "$T/err" ]
ok $? "clean: passed unchanged, no notice, nothing logged"
mkm e 'verdict cleaned' 'scanned other/1/2 clamav/1.4.3/27000.1.2'
nfy e
is "$rc" 0 "cleaned without viruses (an earlier host's finding): exit 0"
same e && [ -z "$(ls "$Q/scan/new")" ]
ok $? "cleaned without viruses: passed unchanged, no notice"
mkm u
nfy u
is "$rc" 0 "no verdict: exit 0"
same u && [ -z "$(ls "$Q/scan/new")" ]
ok $? "no verdict: passed unchanged, no notice"
mkm nc 'notice admin' 'notice-for 1.2.3' 'verdict cleaned' \
    'viruses Eicar-Signature'
nfy nc
is "$rc" 0 "a cleaned notice: exit 0"
same nc && [ -z "$(ls "$Q/scan/new")" ]
ok $? "a cleaned notice: passed unchanged, no notice"

# --- the administrator -------------------------------------------------

rm "$H/control/notifyadmin"
reset
nfy c
is "$rc" 0 "no control/notifyadmin: exit 0"
is "$(notices "$c" | cut -d' ' -f1,2)" "recipient bob@example.net
recipient carol@example.net" "no control/notifyadmin: the recipients only"
reset
nfy q
is "$rc" 21 "no control/notifyadmin, held: exit 21"
is "$(grep -h '^To ask for the message to be released, write to ' \
    "$Q"/scan/new/* | sort -u)" \
    "To ask for the message to be released, write to $PM" \
    "no control/notifyadmin: releases through postmaster@ME"

# --- the sender -------------------------------------------------------

rcpts=bob@example.net
# sender NAME [FIELD...]: a cleaned message with these fields; the kinds
# of its notices in $kinds
sender() {
	_n=$1
	shift
	reset
	msg "$@" >"$T/m"
	mk "$_n" 'verdict cleaned' 'viruses Eicar-Signature' <"$T/m"
	nfy "$_n"
	kinds=$(notices "$id" | cut -d' ' -f1,2 | tr '\n' ' ')
}
sender s0
is "$kinds" "recipient bob@example.net " \
    "sender: no notice without control/notifysender"
echo 0 >"$H/control/notifysender"
sender s0
is "$kinds" "recipient bob@example.net " "sender: none with notifysender 0"
echo 1 >"$H/control/notifysender"
sender s1
is "$kinds" "recipient bob@example.net sender alice@example.org " \
    "sender: one with notifysender 1 when From: is the sender"
is "$(notices "$id" | grep '^sender')" \
    "sender alice@example.org A virus was removed from your message" \
    "sender: the sender's text"
grep -q "^notify: info: $id notice=sender to=alice@example.org queued=" "$T/err"
ok $? "sender: logged"
from=ALICE@Example.ORG
sender s2
is "$kinds" "recipient bob@example.net sender ALICE@Example.ORG " \
    "sender: the address compared without regard to case"
from=alice@example.org
rcpts=bob@example.net
reset
printf 'From:\n alice@example.org \nSubject: bare, folded\n\nhi\n' >"$T/m"
mk s3 'verdict cleaned' 'viruses Eicar-Signature' <"$T/m"
nfy s3
is "$(notices "$id" | cut -d' ' -f1 | tr '\n' ' ')" "recipient sender " \
    "sender: a bare, folded From: address"
from=
sender s4
is "$kinds" "recipient bob@example.net " "sender: none for <>"
from=mallory@example.com
sender s5
is "$kinds" "recipient bob@example.net " "sender: none when From: differs"
from=alice@example.org
reset
printf 'From: mallory@example.com <alice@example.org>\nSubject: x\n\nhi\n' >"$T/m"
mk s6 'verdict cleaned' 'viruses Eicar-Signature' <"$T/m"
nfy s6
is "$(notices "$id" | cut -d' ' -f1 | tr '\n' ' ')" "recipient sender " \
    "sender: the address in <> counts, not the display name"
reset
printf 'Subject: no From\n\nhi\n' >"$T/m"
mk s7 'verdict cleaned' 'viruses Eicar-Signature' <"$T/m"
nfy s7
is "$(notices "$id" | cut -d' ' -f1 | tr '\n' ' ')" "recipient " \
    "sender: none without From:"
sender s8 'Auto-Submitted: auto-generated'
is "$kinds" "recipient bob@example.net " \
    "sender: none with Auto-Submitted: auto-generated"
sender s9 'Auto-Submitted: auto-replied'
is "$kinds" "recipient bob@example.net " \
    "sender: none with Auto-Submitted: auto-replied"
sender s10 'Auto-Submitted: notify-bot'
is "$kinds" "recipient bob@example.net " \
    "sender: none with Auto-Submitted: notify-bot (not \"no\")"
sender s11 'Auto-Submitted:  No (a person)'
is "$kinds" "recipient bob@example.net sender alice@example.org " \
    "sender: one with Auto-Submitted: no"
sender s12 'Precedence: bulk'
is "$kinds" "recipient bob@example.net " "sender: none with Precedence: bulk"
sender s13 'Precedence: first-class'
is "$kinds" "recipient bob@example.net " \
    "sender: none with any Precedence field"
reset
mkm s14 'verdict quarantined' 'viruses Eicar-Signature'
nfy s14
is "$rc" 21 "sender, held: exit 21"
is "$(notices "$id" | grep '^sender')" \
    "sender alice@example.org Your message was held: it carries a virus" \
    "sender, held: the sender's text"
rm "$H/control/notifysender"

# --- hostile values ---------------------------------------------------

reset
long=$(printf '%0600d' 0)
printf 'From: Eve\n\t<eve@example.org>\nSubject: Hi\r there \033[31mred\351\302\240%s\nContent-Type: text/html\n\nhi\n' \
    "$long" >"$T/m"
mk h 'verdict cleaned' 'viruses Eicar-Signature' <"$T/m"
nfy h
is "$rc" 0 "hostile Subject: exit 0"
same h
ok $? "hostile Subject: passed unchanged"
is "$(notices "$id" | cut -d' ' -f1,2)" "recipient bob@example.net" \
    "hostile Subject: a valid notice (ASCII, ten fields, no defect)"
v=$(sed -n 's/^  Subject:   //p' "$Q"/scan/new/*)
is "$v" "Hi  there ?[31mred???$(printf '%0379d' 0)..." \
    "hostile Subject: escaped, cut at 400 bytes with ..."
grep -q '^  From:      Eve  <eve@example.org>$' "$Q"/scan/new/*
ok $? "hostile: a folded From: on one line"

# --- the rate limit ---------------------------------------------------

reset
echo 2 >"$H/control/notifylimit"
for i in 1 2 3; do
	[ $i -eq 3 ] && rcpts=BOB@example.net
	mkm r$i 'verdict cleaned' 'viruses Eicar-Signature'
	nfy r$i
	eval r$i=\$id
	eval rc$i=\$rc
	cp "$T/err" "$T/err.r$i"
done
rcpts=bob@example.net
is "$rc1 $rc2 $rc3" "0 0 0" "notifylimit 2: three messages, exit 0 each"
same r3
ok $? "notifylimit 2: the third passed unchanged"
is "$(ls "$Q/scan/new" | wc -l)" 2 "notifylimit 2: two notices spooled"
grep -q "^notify: info: $r3 notice=recipient to=BOB@example.net rate-limited\$" "$T/err.r3" &&
    grep -q "^notify: info: $r3 notified verdict=cleaned sent=0 limited=1 failed=0\$" "$T/err.r3"
ok $? "notifylimit 2: the third logged rate-limited (the address in any case)"
grep -q "queued=" "$T/err.r3"
ok $((!$?)) "notifylimit 2: the third not queued"
reset
nfy r1
is "$(ls "$Q/scan/new" | wc -l)" 1 "a new count (files removed): sent again"
rm "$H/control/notifylimit"
# the counts' directory missing: sent anyway, with a warning
reset
nfy c -r "$T/nonexistent"
is "$rc" 0 "-r missing directory: exit 0"
is "$(ls "$Q/scan/new" | wc -l)" 2 "-r missing directory: sent anyway"
grep -q "^notify: warning: $c unable to count notices in $T/nonexistent: No such file or directory (sent anyway)\$" "$T/err"
ok $? "-r missing directory: warned"

# --- the notice spool -------------------------------------------------

reset
nfy c -o queue/outbound
is "$rc" 0 "-o queue/outbound: exit 0"
is "$(ls "$Q/outbound/new" | wc -l) $(ls "$Q/scan/new" | wc -l)" "2 0" \
    "-o queue/outbound: the notices there"
reset
chmod 555 "$Q/scan/tmp"
nfy c
is "$rc" 111 "unwritable notice spool: exit 111"
[ ! -s "$T/out" ]
ok $? "unwritable notice spool: nothing on standard output"
is "$(grep -c "^notify: warning: $c notice=recipient to=[a-z]*@example.net unable to spool in queue/scan: Permission denied\$" "$T/err")" 2 \
    "unwritable notice spool: each failure logged"
grep -q "^notify: info: $c notified verdict=cleaned sent=0 limited=0 failed=2\$" "$T/err"
ok $? "unwritable notice spool: summary failed=2"
chmod 755 "$Q/scan/tmp"
reset
nfy q -o queue/nonexistent
is "$rc" 111 "-o a missing spool, held: exit 111, not 21"
[ ! -s "$T/out" ]
ok $? "-o a missing spool: nothing on standard output"

# -g -x: on a gateway a notice for an address that is not local (no
# Maildir, no internal server of its own domain) goes to relay
reset
printf 'bob@example.net Maildir/bob\n' >"$H/control/maildirs"
printf 'lan.example lmtp:/run/lmtp\n* smart.example.net\n' \
    >"$H/control/routes"
keep=$rcpts
rcpts="bob@example.net carol@lan.example"
mkm g 'verdict quarantined' 'quarantine loop: passed this gateway 4 times'
rcpts=$keep
echo admin@isp.example >"$H/control/notifyadmin"
nfy g -g -o queue/scan -x queue/outbound
is "$rc:$(ls "$Q/scan/new" | wc -l):$(ls "$Q/outbound/new" | wc -l)" \
    "21:2:1" "-g -x: bob (a Maildir), carol (an internal server) to -o, the administrator to -x"
grep -q "^notify: info: $id notice=admin to=admin@isp.example queued=[^ ]* spool=queue/outbound\$" "$T/err" &&
    grep -q '^Subject: Gateway report: message held in a loop$' \
    "$Q"/outbound/new/*
ok $? "-x: logged with its spool; the record of a loop"
rm -f "$H/control/maildirs" "$H/control/routes" "$H/control/notifyadmin"

# --- malformed input, control files, usage ------------------------------

reset
printf 'mailward 1\nid m.1\nfrom <a@example.org>\n\nSubject: x\n\nhi\n' \
    >"$T/m.in"
nfy m
is "$rc" 100 "malformed spool file: exit 100"
[ ! -s "$T/out" ] && grep -q '^notify: warning: - malformed ' "$T/err"
ok $? "malformed spool file: nothing on standard output, logged"
printf 'Subject: bare\n\nhi\n' >"$T/b.in"
nfy b
is "$rc" 100 "a bare message: exit 100"

echo 'Notices <notices@example.net>' >"$H/control/notifyfrom"
nfy c
is "$rc" 111 "control/notifyfrom not an address: exit 111"
grep -q '^notify: fatal: control/notifyfrom: line 1: not an address local@domain$' "$T/err" &&
    [ ! -s "$T/out" ]
ok $? "control/notifyfrom not an address: logged, nothing passed"
echo notices@Example.NET >"$H/control/notifyfrom"
reset
nfy c
is "$(notices "$c" notices@example.net | wc -l)" 2 \
    "control/notifyfrom: the notices' From: (domain in lower case)"
rm "$H/control/notifyfrom"
for f in "notifylimit 0" "notifylimit 100001" "notifywindow 0" \
    "notifysender 2" "notifywindow 1h"; do
	set -- $f
	echo "$2" >"$H/control/$1"
	nfy c
	is "$rc" 111 "control/$1 $2: exit 111"
	grep -q "^notify: fatal: control/$1 line 1: " "$T/err" &&
	    [ ! -s "$T/out" ]
	ok $? "control/$1 $2: logged with file and line, nothing passed"
	rm "$H/control/$1"
done
mv "$H/control/me" "$T/me"
nfy c
is "$rc" 111 "no control/me: exit 111"
grep -q '^notify: fatal: control/me: missing$' "$T/err"
ok $? "no control/me: logged"
mv "$T/me" "$H/control/me"
nfy c -x
is "$rc" 111 "usage error: exit 111"
nfy c extra
is "$rc" 111 "an operand: exit 111"
if [ "$(id -u)" -eq 0 ]; then
	(cd "$H" && notify <"$T/c.in" >"$T/out" 2>"$T/err")
	is "$?" 111 "as root: exit 111"
	grep -q '^notify: fatal: refusing to run as root$' "$T/err" &&
	    [ ! -s "$T/out" ]
	ok $? "as root: logged, nothing on standard output"
else
	skip "not root"
	skip "not root"
fi

# --- under spool-run --------------------------------------------------

reset
echo admin@example.net >"$H/control/notifyadmin"
rcpts="bob@example.net carol@example.net"
mkm sq 'verdict quarantined' 'viruses Eicar-Signature'
sq=$id
mkm sc 'verdict cleaned' 'viruses Eicar-Signature'
sc=$id
mkm sk 'verdict clean'
sk=$id
for i in sq sc sk; do
	eval spool_put "\$T/$i.in" "\$Q/notify" "\$$i"
done
chown_unpriv "$H"
cd "$H" || exit 1
$(su_prefix nobody) spool-run -o queue/outbound -r 21=queue/quarantine \
    queue/notify notify 2>"$T/runlog" &
kill_at_exit $!
wait_for test -f "$Q/quarantine/new/$sq"
ok $? "spool-run: the held message in queue/quarantine"
cmp -s "$Q/quarantine/new/$sq" "$T/sq.in"
ok $? "spool-run: byte for byte"
wait_for test -f "$Q/outbound/new/$sc"
ok $? "spool-run: the cleaned message in queue/outbound"
cmp -s "$Q/outbound/new/$sc" "$T/sc.in"
ok $? "spool-run: byte for byte"
wait_for test -f "$Q/outbound/new/$sk"
ok $? "spool-run: the clean message in queue/outbound"
cmp -s "$Q/outbound/new/$sk" "$T/sk.in"
ok $? "spool-run: byte for byte"
done3() { [ "$(grep -c '^spool-run: info: [^ ]* done ' "$T/runlog")" -eq 3 ]; }
wait_for done3
ok $? "spool-run: three done lines"
grep -q "^spool-run: info: $sq done exit=21 out=quarantine " "$T/runlog" &&
    grep -q "^spool-run: info: $sc done exit=0 out=outbound " "$T/runlog"
ok $? "spool-run: exit 21 to quarantine, exit 0 to outbound"
is "$(ls "$Q/notify/new" "$Q/quarantine/tmp" "$Q/outbound/tmp")" \
    "$Q/notify/new:

$Q/outbound/tmp:

$Q/quarantine/tmp:" "spool-run: nothing left behind"
is "$(grep -c "^notify: info: $sq notice=[a-z]* to=[^ ]* queued=" "$T/runlog") $(grep -c "^notify: info: $sc notice=[a-z]* to=[^ ]* queued=" "$T/runlog")" \
    "3 3" "spool-run: three notices each, logged"
is "$(grep -l "^notice-for $sq\$" "$Q"/scan/new/* | wc -l) $(grep -l "^notice-for $sc\$" "$Q"/scan/new/* | wc -l)" \
    "3 3" "spool-run: three notices each in queue/scan"
