#!/bin/sh
# ISC license.
# t/5100-e2e-gateway.t: a gateway home from mailward-setup under s6:
# swaks and smtplib -> tcpserver -> smtp-recv -> queue/incoming ->
# spool-run + classify -> queue/local -> deliver-maildir -> Maildir.
# The clients on 127.0.0.1 stand in for a member of the group
# (--scan-policy source --scanner-net 127.0.0.1/32): classify finds
# their mail already scanned, and nothing goes to the group (127.0.0.1:9,
# where nobody answers).
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run classify deliver-maildir tcpserver \
    s6-svscan swaks python3
plan 17

P=$(free_port)
mkhome gateway --listen "127.0.0.1:$P" --me gw.example.org \
    --maildir alice@example.org=Maildir/alice \
    --maildir bob@example.org=Maildir/bob \
    --group 127.0.0.1:9 --scan-policy source --scanner-net 127.0.0.1/32
start_home
wait_port "$P"
ok $? "smtpd listens on 127.0.0.1:$P"

swaks --server "127.0.0.1:$P" --helo client.example.org \
    --from sender@example.net --to alice@example.org \
    --header "Subject: e2e one" --body "first body line" >"$T/s1" 2>&1
ok $? "swaks to a subscriber succeeds"
qid=$(sed -n 's/.*<-  250 2\.0\.0 Ok: queued as \([^ ]*\).*/\1/p' "$T/s1")
test -n "$qid"
ok $? "250 names the queue id ($qid)"
wait_for maildir_atleast "$H/Maildir/alice" 1
ok $? "the message arrives in alice's Maildir"
f=$(ls "$H"/Maildir/alice/new/* 2>/dev/null | head -n 1)
is "$(sed -n 1,2p "$f")" "Return-Path: <sender@example.net>
Delivered-To: alice@example.org" "Return-Path and Delivered-To come first"
grep -q "^Received: .*client\.example\.org" "$f" &&
    grep -q "$qid" "$f" && grep -q "^Subject: e2e one" "$f" &&
    grep -q "^first body line" "$f"
ok $? "Received (helo, queue id), Subject and body are there"
case $f in *"Q${qid}R"*) r=0 ;; *) r=1 ;; esac
ok $r "the Maildir name carries the queue id"

swaks --server "127.0.0.1:$P" --from sender@example.net \
    --to mallory@example.com >"$T/s2" 2>&1
grep -q '<\*\* *550 5\.1\.1' "$T/s2"
ok $? "a non-subscriber gets 550 5.1.1 at RCPT"

"$PYTHON" "${0%/*}/smtpc.py" -p "$P" -f sender@example.net \
    -t alice@example.org -t bob@example.org -t mallory@example.com \
    --subject "e2e two" --message-id two@e2e >"$T/s3" 2>&1
ok $? "smtplib: two of three recipients accepted"
wait_for maildir_atleast "$H/Maildir/bob" 1 &&
    wait_for maildir_atleast "$H/Maildir/alice" 2
ok $? "one message, two recipients: a copy in each Maildir"
is "$(grep -l '^Message-ID: <two@e2e>' "$H"/Maildir/*/new/* | wc -l)" 2 \
    "exactly two copies"
grep -q "^Delivered-To: bob@example.org" "$(grep -l two@e2e \
    "$H"/Maildir/bob/new/*)"
ok $? "bob's copy says Delivered-To: bob"

empty() { [ "$(spool_count "$1")" -eq 0 ] && [ -z "$(ls "$1/tmp")" ]; }
wait_for empty "$H/queue/incoming" && wait_for empty "$H/queue/local" &&
    empty "$H/queue/togroup"
ok $? "queue/incoming, queue/local and queue/togroup are empty afterwards"
test -z "$(ls "$H/queue/failed/new")"
ok $? "nothing in queue/failed"

wait_for log_has smtpd "smtp-recv: info: $qid queued"
ok $? "smtpd log: queued with the queue id"
wait_for log_has local "deliver-maildir: info: $qid delivered to=alice@example.org"
ok $? "local log: delivered, same queue id"
if [ "$(id -u)" -eq 0 ]; then
	is "$(stat -c %U "$f")" mwdeliver "the copy is owned by mwdeliver"
else
	skip "ownership (not root)"
fi
