#!/bin/sh
# ISC license.
# t/5800-e2e-gateway-source.t: the gateway's other policies and its
# failover across the group (figures 3 and 4), with real homes under s6.
# The outside world is 127.0.0.2 (smtpc.py --source; Linux has all of
# 127/8 on lo), the group's address 127.0.0.1, where the scanners'
# relays connect from.
# Policy source (--scanner-net 127.0.0.1/32, no group key): mail from
# 127.0.0.2 goes to the group, is scanned (EICAR cut) and delivered when
# it comes back from 127.0.0.1; mail from 127.0.0.1 is delivered at
# once, never scanned; a forged X-Mailward-Status from outside buys
# nothing, and no status header at all reaches the Maildir (there is
# no key to verify one with).  Policy both (the same home set up again
# with the scanner's key): a stamped message from the group is
# delivered; a valid stamp from outside is scanned again; an unstamped
# message from the group's address is held.  Two scanners, the first of
# control/group down: the second takes the message in the same relay
# run and its stamp is delivered; swapped (the first back, the second
# down), the next message goes through the first.
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run deliver-maildir relay classify \
    scan-stage-clamav stamp-status notify tcpserver s6-svscan python3
plan 20

test_sigs
GP=$(free_port)
SP1=$(free_port)
SP2=$SP1
while [ "$SP2" = "$SP1" ]; do SP2=$(free_port); done
scanner() { # PORT: a scanner that sends mail back to its gateway
	mkhome scanner --listen "127.0.0.1:$1" --me scan.example.net \
	    --subscriber @example.org --next-hop "origin:$GP" \
	    --databases "$SIGS"
	echo 1 >"$H/control/retrybase"
	echo 2 >"$H/control/retrymax"
	cp "$H/keys/status.pub" "$T/s$_mw_nhome.pub" &&
	    chmod 644 "$T/s$_mw_nhome.pub"
	status_kid >"$T/s$_mw_nhome.kid"
}
scanner "$SP1"
S1=$H
K1=$(cat "$T/s1.kid")
scanner "$SP2"
S2=$H
K2=$(cat "$T/s2.kid")
gateway() { # OPTS...: alice's gateway on $GP, started; $G, $MD
	mkhome gateway --listen "127.0.0.1:$GP" --me gw.example.org \
	    --maildir alice@example.org=Maildir/alice "$@"
	G=$H
	MD=$G/Maildir/alice
	echo 1 >"$G/control/retrybase"
	echo 2 >"$G/control/retrymax"
	start_home "$G"
}
gateway --group "127.0.0.1:$SP1" --scan-policy source \
    --scanner-net 127.0.0.1/32
start_home "$S1"
start_home "$S2"
wait_port "$SP1" && wait_port "$SP2" && wait_port "$GP"
ok $? "two scanners and a gateway of policy source listen"

# send SOURCE KIND NAME [FIELD]: mkmsg.py KIND, Message-ID <NAME@src>,
# FIELD a header line on top, from SOURCE into the gateway; $ID is
# smtp-recv's id for it
send() {
	{ [ -z "${4:-}" ] || printf '%s\r\n' "$4"
	  "$PYTHON" "${0%/*}/mkmsg.py" "$2" --id "$3@src" \
	      -f sender@example.net; } >"$T/$3.msg" &&
	    sendfile "$1" "$T/$3.msg"
}
sendfile() { # SOURCE FILE: as it is
	_r=$("$PYTHON" "${0%/*}/smtpc.py" --source "$1" -p "$GP" \
	    -f sender@example.net -t alice@example.org "$2" 2>&1)
	echo "$_r" >>"$T/send.log"
	ID=${_r##* }
	case $_r in 250\ *) return 0 ;; esac
	return 1
}
msgs() { # NAME: the delivered messages with Message-ID <NAME@src>
	for _f in "$MD"/new/* "$MD"/cur/*; do	# in the header, not a notice
		[ -f "$_f" ] && sed '/^$/q' "$_f" |
		    grep -q "^Message-ID: <$1@src>" && echo "$_f"
	done
	return 0
}
msg() { msgs "$1" | head -n 1; }
arrived() { [ "$(msgs "$1" | wc -l)" -ge "${2:-1}" ]; }
# passes FILE: "ADDRESS ID" of each Received: field the gateway wrote,
# the last pass first
passes() {
	awk '/^$/ { exit }
	/^Received: from / { a = $0; sub(/.*\(\[/, "", a); sub(/\]\).*/, "", a) }
	/^[ \t]by gw\.example\.org \(mailward\) / { i = $NF; sub(/;$/, "", i)
		print a, i }' "$1"
}
# went NAME POLICY STAMP REMOVED: NAME came in from 127.0.0.2, classify
# sent it to the group, it came back from 127.0.0.1 with STAMP (what
# classify made of it) and was delivered, REMOVED status fields removed
went() {
	_f=$(msg "$1")
	set -- "$@" "$(passes "$_f" | sed -n 2p)" "$(passes "$_f" | sed -n 1p)"
	case $5,$6 in 127.0.0.2\ ?*,127.0.0.1\ ?*) ;; *) return 1 ;; esac
	[ "$(passes "$_f" | wc -l)" -eq 2 ] &&
	    cl "info: ${5#* } group policy=$2 stamp=no-stamp source=other " &&
	    cl "info: ${6#* } local policy=$2 stamp=$3 source=group removed=$4 "
}
cl() { log_has incoming "classify: $1" "$G"; }	# RE: classify logged it
scanned() { grep -q '^[[:space:]]by scan\.example\.net (mailward) ' "$1"; }
nstatus() { grep -ci '^X-Mailward-Status:' "$1"; }
vfy() { run_unpriv stamp-status -v -K "$2" <"$1"; }

# --- policy source -------------------------------------------------------
wait_for log_has scan "engine loaded" "$S1"
send 127.0.0.2 eicar eicar
ok $? "policy source: the gateway takes mail from 127.0.0.2"
wait_for arrived eicar
ok $? "it comes back from the scanner into the Maildir"
went eicar source no-stamp 1
ok $? "classify: from 127.0.0.2 to the group, from 127.0.0.1 local"
f=$(msg eicar)
grep -q '^File: eicar.com' "$f" && ! grep -q 'WDVPIVAlQEFQ' "$f" &&
    scanned "$f"
ok $? "scanned on the way: the EICAR attachment cut out"
is "$(nstatus "$f")" 0 "no key to verify the scanner's stamp: none delivered"

# the stamp of mailward-stamp(5), on another message
FORGED='X-Mailward-Status: v=1; verdict=clean; t=1767225600;'
FORGED="$FORGED k=21fe31dfa154a261; e=clamav/1.0.7/27450;"
FORGED="$FORGED bh=yZQq1c8wjBl0fZ4Wc/oraMCAG1mZJv5v/hlvyFy+t6A=;"
FORGED="$FORGED hh=GaufkYc/bp+gD3tB2JhYI1Ozd66XnjGr7rlCOLJQZ+c=;"
FORGED="$FORGED s=D4/HBFZLroDYJVeZk3NFhY0myfBRi51y8L4r2J5NMKJ1aj6Vkx/zbSkdT"
FORGED="${FORGED}WBSbCZ6bHvEoGKr88U9NboYVzgBDQ=="
send 127.0.0.2 clean forged "$FORGED" && wait_for arrived forged &&
    went forged source no-stamp 1
ok $? "a forged status header from outside: to the group all the same"
f=$(msg forged)
scanned "$f" && [ "$(nstatus "$f")" -eq 0 ] &&
    ! grep -q 'k=21fe31dfa154a261' "$f"
ok $? "scanned, and neither the forged header nor any other delivered"

send 127.0.0.1 clean direct && wait_for arrived direct
ok $? "mail from the group's address 127.0.0.1 is delivered"
f=$(msg direct)
[ "$(passes "$f" | wc -l)" -eq 1 ] && ! scanned "$f" &&
    cl "info: $ID local policy=source stamp=no-stamp source=group removed=0 "
ok $? "at once, never through the scanner: the source says scanned"
# the scanner's notice of the EICAR message: here before the policy changes
notice() { grep -q -l '^X-Mailward-Notice: recipient' "$MD"/new/* \
    "$MD"/cur/* 2>/dev/null; }
wait_for notice

# --- policy both: the same home set up again, now with the key -------------
stop_home "$G"
mailward-setup gateway "$G" --scan-policy both --group-key "$T/s1.pub" \
    >"$T/resetup.out" 2>&1 &&
    [ "$(cat "$G/control/scanpolicy")" = both ] &&
    [ "$(cat "$G/control/scanners")" = 127.0.0.1/32 ]
ok $? "mailward-setup again: policy both, the scanners' net kept"
start_home "$G"
wait_port "$GP"
send 127.0.0.2 clean both && wait_for arrived both &&
    went both both clean 0
ok $? "policy both: from 127.0.0.2 to the group, back stamped: local"
out=$(vfy "$(msg both)" "$T/s1.pub")
is "${out%% age=*}" "valid verdict=clean key=$K1" "delivered with its stamp"
# that valid stamp, from outside: scanned again
sed -n '/^X-Mailward-Status:/,$p' "$(msg both)" >"$T/stamped"
sendfile 127.0.0.2 "$T/stamped" &&
    wait_for cl "info: $ID group policy=both stamp=clean source=other " &&
    wait_for arrived both 2
ok $? "a valid stamp from outside: not enough, to the group and back"
# no stamp from the group's address: held
heldq() { [ "$(spool_count "$G/queue/quarantine")" -ge 1 ]; }
why='back from the group (127.0.0.1) without a valid stamp: no-stamp'
send 127.0.0.1 clean nostamp && wait_for heldq &&
    cl "warning: $ID held reason=\"$why\"" &&
    ! arrived nostamp
ok $? "no stamp from 127.0.0.1: not enough, held, not delivered"
stop_home "$G"

# --- failover: control/group the second scanner, then the first ----------
stop_home "$S2"
gateway --group "127.0.0.1:$SP2" --group "127.0.0.1:$SP1" \
    --group-key "$T/s1.pub" --group-key "$T/s2.pub"
wait_port "$GP"
# via ID PORT: the gateway's relay gave ID to the member at PORT at once
via() {
	_to="to=<alice@example.org> relay=127.0.0.1\[127.0.0.1\]:$2"
	_n="delivered=1 bounced=0 deferred=0"
	log_has togroup "relay: info: $1 delivered $_to " "$G" &&
	    log_has togroup "relay: info: $1 done $_n" "$G"
}
send 127.0.0.1 clean fail1 && wait_for arrived fail1
ok $? "the first member down: the message comes back all the same"
via "$ID" "$SP1" && log_has togroup "relay: info: $ID failover \
relay=127.0.0.1\[127.0.0.1\]:$SP2 reason=\"connect to " "$G"
ok $? "the gateway's relay: the first failed, the second took it at once"
out=$(vfy "$(msg fail1)" "$T/s1.pub")
is "${out%% age=*}" "valid verdict=clean key=$K1" \
    "stamped by the second member, delivered"
start_home "$S2"
wait_port "$SP2"
stop_home "$S1"
send 127.0.0.1 clean fail2 && wait_for arrived fail2 && via "$ID" "$SP2"
ok $? "swapped, the second down: the first member takes the next one"
out=$(vfy "$(msg fail2)" "$T/s2.pub")
is "${out%% age=*}" "valid verdict=clean key=$K2" \
    "stamped by the first member, delivered"
