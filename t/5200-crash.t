#!/bin/sh
# ISC license.
# t/5200-crash.t: 200 messages go into a gateway (and more through a
# scanner that relays to it) while every daemon in turn is killed with
# SIGKILL and s6 restarts it.  Every message that got its 250 must arrive
# in the Maildir, counted by Message-ID, and none twice.
#
# The scanner is the gateway's group.  The direct senders on 127.0.0.1
# stand in for members of it (--scan-policy either --scanner-net
# 127.0.0.1/32): classify passes their mail to queue/local at once; the
# scanner's comes with its stamp, which classify keeps.
#
# Exactly-once holds from the gateway's 250 on: local delivery is
# idempotent.  Across the relay hop it cannot (RFC 5321 section 6.1: a
# relay killed between the next hop's 250 and unlinking its copy sends
# it again), so relayed messages must arrive at least once, and a second
# copy is reported, not failed.
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run classify deliver-maildir tcpserver \
    s6-svscan python3 ps
plan 11

relay=0
[ -x "$MW_BUILD/libexec/relay" ] && relay=1
GP=$(free_port)
SP=$(free_port)
test_sigs
mkhome scanner --listen "127.0.0.1:$SP" --subscriber @example.org \
    --next-hop "127.0.0.1:$GP" --databases "$SIGS"
S=$H
cp "$S/keys/status.pub" "$T/scanner.pub" && chmod 644 "$T/scanner.pub"
mkhome gateway --listen "127.0.0.1:$GP" --maildir @example.org=Maildir/all \
    --group "127.0.0.1:$SP" --group-key "$T/scanner.pub" \
    --scan-policy either --scanner-net 127.0.0.1/32
G=$H
MD=$G/Maildir/all
for h in "$G" "$S"; do	# retry at once after a killed run
	echo 1 >"$h/control/retrybase"
	echo 2 >"$h/control/retrymax"
	echo 5 >"$h/control/rescan"
done
start_home "$G"
[ $relay -eq 1 ] && start_home "$S"
wait_port "$GP" && { [ $relay -eq 0 ] || wait_port "$SP"; }
ok $? "gateway (and scanner) up"

# --- the killer: one daemon (or its children) every 0.2 s, in turn -------
killer() {	# until told to stop, and at least 2 rounds
	_r=0
	_t="G/local+ G/smtpd G/incoming+ G/incoming G/local G/relay"
	[ $relay -eq 1 ] &&
	    _t="$_t S/relay+ S/smtpd S/incoming S/scan S/stamp+ S/stamp S/relay"
	while [ ! -e "$T/stop" ] || [ $_r -lt 2 ]; do
		_r=$((_r + 1))
		for _x in $_t; do
			case $_x in G/*) _h=$G ;; *) _h=$S ;; esac
			_s=${_x#?/}
			_p=$(svc_pid "$_h/service/${_s%+}")
			[ -n "$_p" ] || continue
			case $_s in	# its children: poll a while for one
			*+) _k=0
			    while [ $_k -lt 30 ]; do
				_c=$(ps -o pid= --ppid "$_p") && break
				_k=$((_k + 1))
			    done
			    _p=${_c:-} ;;
			esac
			for _q in $_p; do
				kill -KILL "$_q" 2>/dev/null && echo "$_x" >>"$T/kills"
			done
			sleep 0.2
		done
	done
}
: >"$T/kills"
killer &
kpid=$!

# --- the senders: 4 connections to the gateway, 2 to the scanner ----------
smtpc() { "$PYTHON" "${0%/*}/smtpc.py" --deadline 40 --pause 0.1 "$@" \
    >/dev/null 2>&1; }
pids=
for i in 0 1 2 3; do
	smtpc -p "$GP" -t "u$i@example.org" --count 50 --tag "g$i" \
	    --ids "$T/ids.g" &
	pids="$pids $!"
done
if [ $relay -eq 1 ]; then
	for i in 0 1; do
		smtpc -p "$SP" -t "r$i@example.org" --count 25 --tag "s$i" \
		    --ids "$T/ids.s" &
		pids="$pids $!"
	done
fi
for p in $pids; do
	wait "$p"
done
touch "$T/stop"
wait "$kpid"
: >>"$T/ids.g"
: >>"$T/ids.s"
ng=$(wc -l <"$T/ids.g")
ns=$(wc -l <"$T/ids.s")
diag "accepted: $ng direct, $ns relayed; kills: $(sort "$T/kills" | uniq -c | tr '\n' ' ')"
[ "$ng" -ge 150 ]
ok $? "at least 150 of 200 direct messages accepted ($ng)"
r=0
for x in G/smtpd G/incoming G/local G/local+ G/relay; do
	grep -qx "$x" "$T/kills" || r=1
done
ok $r "every gateway daemon (and a deliver-maildir) was killed"

# --- wait for the queues to drain, then count --------------------------
ids() { grep -h '^Message-ID:' "$MD"/new/* "$MD"/cur/* 2>/dev/null |
    sed 's/^Message-ID: <\(.*\)>.*/\1/' | sort; }
arrived() {
	ids | uniq >"$T/have"
	[ -z "$(sort -u "$T/ids.g" "$T/ids.s" | comm -23 - "$T/have")" ]
}
MW_WAIT=60 wait_for arrived
ok $? "every accepted message arrived"
sort -u "$T/ids.g" | comm -23 - "$T/have" | sed 's/^/# missing: /' >&2
is "$(ids | grep '^g' | uniq -d)" "" "no direct message arrived twice"
acc=$(sort -u "$T/ids.g" | comm -12 - "$T/have" | wc -l)
is "$acc" "$ng" "each accepted direct message is there once"
if [ $relay -eq 1 ]; then
	sort -u "$T/ids.s" | comm -23 - "$T/have" >"$T/smiss"
	is "$(cat "$T/smiss")" "" "every accepted relayed message arrived"
	d=$(ids | grep '^s' | uniq -d | wc -l)
	[ "$d" -eq 0 ] || diag "$d relayed message(s) arrived twice (relay killed after the next hop's 250)"
	r=0
	for f in $(grep -l '^Message-ID: <s' "$MD"/new/* "$MD"/cur/* \
	    2>/dev/null); do
		run_unpriv stamp-status -v -K "$T/scanner.pub" <"$f" \
		    >/dev/null || r=1
	done
	ok $r "each relayed message arrived with the scanner's valid stamp"
else
	skip "no relay program"
	skip "no relay program"
fi

drained() {
	for q in "$G"/queue/incoming "$G"/queue/togroup "$G"/queue/local \
	    "$S"/queue/incoming "$S"/queue/scan "$S"/queue/stamp \
	    "$S"/queue/notify "$S"/queue/outbound; do
		[ "$(spool_count "$q")" -eq 0 ] || return 1
	done
}
wait_for drained
ok $? "the spools are drained"
is "$(ls "$G/queue/failed/new" "$G/queue/quarantine/new" \
    "$S/queue/failed/new" | grep -v '^/\|^$')" "" \
    "nothing went to queue/failed, nor to the gateway's quarantine"
[ "$(grep -c 'spool-run: info: - start' "$G/log/local/current")" -ge 2 ]
ok $? "the local spool-run was restarted by s6"
