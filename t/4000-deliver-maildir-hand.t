#!/bin/sh
# ISC license.
# t/4000-deliver-maildir-hand.t: deliver-maildir run by hand on spool
# files: Return-Path and Delivered-To on top of the exact bytes, the
# address/@domain table, idempotent names (a second run, or a copy moved
# to cur/, delivers nothing twice), bounces for unknown recipients,
# recipients of a routed domain passed on together with -o, and exit
# 100/111 where they belong.
. "${0%/*}/lib.sh"
need deliver-maildir
plan 51

mktemp_T
D=$T/home
bare_home "$D" outbound
mkmaildir "$D/Maildir/alice" "$D/Maildir/catchall" "$D/Maildir/bob"
cat >"$D/control/maildirs" <<EOT
# local mailboxes
alice@example.org	Maildir/alice
@example.org		Maildir/catchall
Bob@Example.NET		$D/Maildir/bob
dave@example.org	Maildir/dave
EOT
asuser=$(su_prefix nobody)
chown_unpriv "$D"
cd "$D" || exit 1
n=0

# mkspool FROM RCPT...: a spool file $T/$id with a body holding a NUL
# byte and no final newline
mkspool() {
	n=$((n + 1))
	id=1732690200.$$.$n
	_from=$1
	shift
	{
		printf 'mailward 1\nid %s\ntime 1732690200\nremote -\nhelo -\ntls 0\nfrom <%s>\n' "$id" "$_from"
		for _r; do printf 'rcpt <%s>\n' "$_r"; done
		printf '\n'
	} >"$T/$id"
	printf 'Received: from x\nSubject: test %s\n\nline\001 one\nnul \000 here\n.\nlast' "$n" >"$T/$id.msg"
	cat "$T/$id.msg" >>"$T/$id"
}
# dm SPOOLFILE: run deliver-maildir on it as the unprivileged user
dm() { $asuser deliver-maildir "$@" <"$spool" 2>>"$T/log"; }
logged() { grep -q "^deliver-maildir: $1" "$T/log"; }
# want RCPT FILE: the delivered copy, exactly
want() {
	{
		printf 'Return-Path: <%s>\nDelivered-To: %s\n' "$from" "$1"
		cat "$T/$id.msg"
	} | cmp -s - "$2"
}

# --- a delivery to four recipients, one unknown --------------------------
from=s@example.com
mkspool $from alice@example.org BOB@example.net carol@example.org \
    nobody@example.net
spool=$T/$id
dm
is "$?" 0 "exit 0 with an unknown recipient"
is "$(maildir_count Maildir/alice)" 1 "alice: one copy"
f=$(ls Maildir/alice/new/*)
want alice@example.org "$f"
ok $? "alice: Return-Path, Delivered-To, then the message byte for byte"
case ${f##*/} in
1732690200.Q$id"R"????????????????.*) ok 0 "name is TIME.QidRhash.HOST" ;;
*) ok 1 "name is TIME.QidRhash.HOST (${f##*/})" ;;
esac
test "$(stat -c %a "$f")" = 600
ok $? "copy is mode 0600"
want BOB@example.net Maildir/bob/new/*
ok $? "an address line matches case-insensitively"
want carol@example.org Maildir/catchall/new/*
ok $? "@domain catches the rest"
is "$(find Maildir -path '*/tmp/*' | wc -l)" 0 "nothing left in tmp/"
logged "info: $id delivered to=alice@example.org path=Maildir/alice/new/1732690200.Q$id"
ok $? "log: delivered to= path="
is "$(ls queue/outbound/new | wc -l)" 1 "one bounce queued"
b=queue/outbound/new/$(ls queue/outbound/new)
sed -n '/^$/q;p' "$b" | grep -qx 'from <>' &&
    sed -n '/^$/q;p' "$b" | grep -qx 'rcpt <s@example.com>'
ok $? "bounce: from <> to the sender"
grep -q 'nobody@example.net' "$b" && grep -q '5\.1\.1' "$b"
ok $? "bounce names the recipient and 5.1.1"
grep -qx "Subject: test 1" "$b"
ok $? "bounce carries the original headers"
logged "info: $id bounced to=nobody@example.net status=5.1.1 dsn=$(ls queue/outbound/new)"
ok $? "log: bounced with the bounce's id"
logged "info: $id done delivered=3 duplicate=0 routed=0 bounced=1"
ok $? "log: one line for the message"

# --- the same message again (a redelivery after a crash) ----------------
mkspool $from alice@example.org carol@example.org alice@EXAMPLE.org
spool=$T/$id
dm
is "$?" 0 "first run: exit 0"
is "$(maildir_count Maildir/alice)" 2 "a recipient listed twice gets one copy"
logged "info: $id duplicate-skip to=alice@EXAMPLE.org"
ok $? "log: duplicate-skip for the repeated recipient"
dm
is "$?" 0 "second run: exit 0"
is "$(maildir_count Maildir/alice) $(maildir_count Maildir/catchall)" "2 2" \
    "second run delivers nothing twice"
logged "info: $id done delivered=0 duplicate=3 routed=0 bounced=0"
ok $? "log: all duplicates"
for f in Maildir/alice/new/*"Q$id"*; do
	mv "$f" "Maildir/alice/cur/${f##*/}:2,S"
done
dm
is "$?" 0 "after the reader moved it to cur/ with :2,S: exit 0"
is "$(maildir_count Maildir/alice)" 2 "still one copy (found in cur/)"
logged "info: $id duplicate-skip to=alice@example.org path=Maildir/alice/cur/"
ok $? "log: duplicate found in cur/"

# --- a missing Maildir: 111, then a retry delivers the rest once -------
mkspool $from alice@example.org dave@example.org
spool=$T/$id
dm
is "$?" 111 "missing Maildir: exit 111"
logged "warning: $id deferred to=dave@example.org maildir=Maildir/dave reason=No such file or directory"
ok $? "log: deferred with the reason"
logged "info: $id deferred delivered=1 duplicate=0 deferred=1 unknown=0"
ok $? "log: the message is deferred"
mkmaildir Maildir/dave
chown_unpriv Maildir/dave
dm
is "$?" 0 "Maildir created: exit 0"
is "$(maildir_count Maildir/dave) $(maildir_count Maildir/alice)" "1 3" \
    "dave delivered, alice not twice"

# --- the null sender: no bounce -------------------------------------
from=
mkspool "" alice@example.org ghost@example.net
spool=$T/$id
dm
is "$?" 0 "null sender with an unknown recipient: exit 0"
want alice@example.org "$(ls Maildir/alice/new/*"Q$id"*)"
ok $? "Return-Path: <> for the null sender"
is "$(ls queue/outbound/new | wc -l)" 1 "no bounce to the null sender"
logged "info: $id bounced to=ghost@example.net status=5.1.1 dsn=none"
ok $? "log: dsn=none"

# --- a bounce that cannot be queued is a temporary failure -------------
from=s@example.com
mkspool $from ghost@example.net
spool=$T/$id
dm -b queue/nope
is "$?" 111 "bounce spool missing: exit 111"
logged "warning: $id unable to queue bounce in queue/nope"
ok $? "log: why"

# --- -o: recipients of a routed domain passed on, in one spool file -----
rm -f queue/outbound/new/*
mkdir -p queue/internal/tmp queue/internal/new && chown_unpriv queue/internal
printf 'lan.example lmtp:/run/lmtp\n.sub.example 192.0.2.9:25\n* smarthost.example\n' \
    >control/routes
from=s@example.com
had=$(maildir_count Maildir/alice)
mkspool $from alice@example.org a@lan.example b@LAN.example c@x.sub.example \
    stranger@elsewhere.example
printf 'verdict clean\n' >"$T/key"
sed -i "/^rcpt <stranger/r $T/key" "$T/$id"
spool=$T/$id
dm -o queue/internal
is "$?" 0 "-o: exit 0"
is "$(ls queue/internal/new | wc -l)" 1 "one file passed on for three recipients"
p=queue/internal/new/$(ls queue/internal/new)
is "$(sed -n '/^$/q; /^rcpt /p' "$p" | tr '\n' ' ')" \
    "rcpt <a@lan.example> rcpt <b@LAN.example> rcpt <c@x.sub.example> " \
    "its recipients: the routed ones (a domain, a suffix), not \"*\""
sed -n '/^$/q; p' "$p" | grep -qx "from <$from>" &&
    sed -n '/^$/q; p' "$p" | grep -qx 'verdict clean' &&
    [ "${p##*/}" != "$id" ] &&
    tail -c +$(($(sed '/^$/q' "$p" | wc -c) + 1)) "$p" | cmp -s - "$T/$id.msg"
ok $? "a new id, the envelope's sender and keys, the message byte for byte"
is "$(maildir_count Maildir/alice)" $((had + 1)) "alice's copy to her Maildir"
is "$(ls queue/outbound/new | wc -l)" 1 "the one \"*\" would take: bounced"
logged "info: $id routed to=b@LAN.example spool=queue/internal queued=${p##*/}" &&
    logged "info: $id done delivered=1 duplicate=0 routed=3 bounced=1"
ok $? "log: routed to= each, and the count"
rm -f queue/internal/new/* queue/outbound/new/*
mkspool $from a@lan.example ghost@elsewhere.example
spool=$T/$id
dm -o queue/internal -b queue/nope
r=$?
dm -o queue/internal
is "$r:$?:$(ls queue/internal/new | wc -l):$(ls queue/internal/tmp | wc -l)" \
    "111:0:1:0" "the bounce failed: nothing passed on; the retry: once"
rm -f queue/internal/new/* queue/outbound/new/*
chmod 500 queue/internal/new
mkspool $from a@lan.example
spool=$T/$id
dm -o queue/internal
r=$?
chmod 755 queue/internal/new
if [ "$(id -u)" -eq 0 ] && [ -n "$asuser" ]; then
	is "$r" 111 "the spool not writable: 111, to be retried"
else
	skip "only as root (nobody cannot write a 500 directory either way)"
fi
rm control/routes

# --- malformed input: 100 ----------------------------------------------
spool=$T/bare
printf 'Subject: no envelope\n\nbody\n' >"$spool"
dm
is "$?" 100 "a bare message: exit 100"
logged "warning: - malformed spool file"
ok $? "log: malformed spool file"
spool=$T/trunc
printf 'mailward 1\nid 1.2.3\ntime 1\nfrom <>\nrcpt <a@example.org>\n' >"$spool"
dm
is "$?" 100 "a truncated envelope: exit 100"

# --- configuration and privilege refusals: 111 --------------------------
spool=$T/$id
echo 'alice@example.org' >>control/maildirs
dm
is "$?" 111 "malformed control/maildirs: exit 111"
grep -q "^deliver-maildir: fatal: unable to read control/maildirs: control/maildirs line 6: missing path" "$T/log"
ok $? "the error names the line"
mv control/maildirs control/maildirs.off
dm
is "$?" 111 "missing control/maildirs: exit 111"
if [ "$(id -u)" -eq 0 ]; then
	mv control/maildirs.off control/maildirs
	deliver-maildir <"$spool" 2>"$T/err"
	is "$?" 111 "as root: exit 111"
else
	skip "not root"
fi
