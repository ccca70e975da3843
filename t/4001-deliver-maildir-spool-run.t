#!/bin/sh
# ISC license.
# t/4001-deliver-maildir-spool-run.t: spool-run running deliver-maildir,
# as the gateway's "local" service does: messages reach the Maildir,
# a malformed one goes to failed/, a missing Maildir is retried until it
# exists, and a spool file put back after delivery (a crash between the
# delivery and the unlink) leaves still one copy.
. "${0%/*}/lib.sh"
need spool-run deliver-maildir
plan 19

mktemp_T
D=$T/home
bare_home "$D" local outbound failed
mkmaildir "$D/Maildir/alice" "$D/Maildir/bob"
printf 'alice@example.org Maildir/alice\n@example.net Maildir/bob\ncarol@example.org Maildir/carol\n' \
    >"$D/control/maildirs"
echo 1 >"$D/control/retrybase"
echo 1 >"$D/control/retrymax"
asuser=$(su_prefix nobody)
chown_unpriv "$D"
cd "$D" || exit 1
now=$(date +%s)
n=0

# mkspool RCPT...: a spool file, kept as $T/$id, put into queue/local
mkspool() {
	n=$((n + 1))
	id=$now.$$.$n
	{
		printf 'mailward 1\nid %s\ntime %s\nfrom <s@example.com>\n' "$id" "$now"
		for _r; do printf 'rcpt <%s>\n' "$_r"; done
		printf '\nMessage-ID: <%s@test>\nSubject: %s\n\nbody\n' "$id" "$n"
	} >"$T/$id"
	put "$id"
}
put() { spool_put "$T/$1" queue/local; }
logged() { grep -q "$1" "$T/log"; }
empty() { [ -z "$(ls queue/local/new)" ]; }

$asuser spool-run -n local -f queue/failed queue/local deliver-maildir \
    2>"$T/log" &
pid=$!
kill_at_exit $pid

mkspool alice@example.org bob@example.net
m1=$id
mkspool alice@example.org
mkspool bob@example.net
wait_for empty
ok $? "queue/local drained"
is "$(maildir_count Maildir/alice) $(maildir_count Maildir/bob)" "2 2" "every copy arrived"
grep -l "^Message-ID: <$m1@test>" Maildir/alice/new/* | wc -l | grep -qx 1
ok $? "one copy of the first message for alice"
logged "^deliver-maildir: info: $m1 delivered to=alice@example.org path=Maildir/alice/new/"
ok $? "deliver-maildir's per-recipient log line"
logged "^deliver-maildir: info: $m1 done delivered=2 duplicate=0 routed=0 bounced=0"
ok $? "deliver-maildir's per-message log line"
logged "^spool-run: info: $m1 done exit=0 out=- ms="
ok $? "spool-run: done, consumed"

# --- the crash case: the same spool file comes back ----------------
put "$m1"
wait_for logged "^deliver-maildir: info: $m1 done delivered=0 duplicate=2"
ok $? "redelivery: every recipient a duplicate"
wait_for empty
ok $? "redelivery: consumed"
is "$(maildir_count Maildir/alice) $(maildir_count Maildir/bob)" "2 2" "redelivery: still one copy"
is "$(grep -l "^Message-ID: <$m1@test>" Maildir/*/new/* | wc -l)" 2 \
    "redelivery: the message is in two Maildirs, once each"

# --- malformed: failed/ ----------------------------------------------
printf 'mailward 1\nid junk\n' >"$T/junk.1"
put junk.1
wait_for test -f queue/failed/new/junk.1
ok $? "malformed spool file: moved to failed/"
wait_for logged "^spool-run: info: junk.1 failed exit=100 to=failed"
ok $? "malformed: spool-run logs failed exit=100"
logged "^deliver-maildir: warning: - malformed spool file"
ok $? "malformed: deliver-maildir says why"

# --- a missing Maildir: retried until it exists, no second copy -------
mkspool alice@example.org carol@example.org
m2=$id
wait_for logged "^spool-run: info: $m2 deferred exit=111 retry=1s"
ok $? "missing Maildir: deferred"
wait_for logged "^deliver-maildir: info: $m2 duplicate-skip to=alice@example.org"
ok $? "the retry skips the recipient already delivered"
mkmaildir Maildir/carol
chown_unpriv Maildir/carol
wait_for empty
ok $? "Maildir created: delivered"
is "$(maildir_count Maildir/carol) $(grep -l "^Message-ID: <$m2@test>" Maildir/alice/new/* | wc -l)" \
    "1 1" "one copy each"
kill -TERM $pid
wait $pid
ok $? "spool-run exits 0"
is "$(find queue Maildir -path '*/tmp/*' -type f | wc -l)" 0 \
    "nothing left in any tmp/"
