#!/bin/sh
# ISC license.
# t/5500-e2e-chain3.t: one scanner with a chain of three scan stages
# (mailward-setup --stages clamav,clamd,exec), relaying to a gateway with
# a Maildir whose group it is (the gateway's classify delivers on its
# stamp), all under s6.  Each engine has a database of its own, so
# each stage catches a different thing: libclamav in-process (scan) the
# EICAR signatures, clamd (scan2, a clamd of our own) clam.exe's, and
# clamscan through scan-stage-exec (scan3) a signature written here for
# the marker of t/mkmsg.py.  A clean message, one with each thing and
# one with all three: each stage cuts exactly what it knows (its log,
# the notice parts), the stamp verifies and lists the three stages in
# order, recipient and administrator get notices, the sender none.
# clamd stopped in mid-run: messages wait in queue/scan2, deferred; clamd
# back: each arrives once.
. "${0%/*}/lib.sh"
need mailward-setup smtp-recv spool-run classify deliver-maildir relay \
    scan-stage-clamav scan-stage-clamd scan-stage-exec stamp-status notify \
    tcpserver s6-svscan clamscan python3
[ -x /usr/sbin/clamd ] || skip_all "no /usr/sbin/clamd (clamav-daemon)"
[ -r /usr/share/clamav-testfiles/clam.zip ] ||
    skip_all "no /usr/share/clamav-testfiles (package clamav-testfiles)"
plan 50

test_sigs
# three databases: EICAR's signatures for libclamav (3: db 0.0.3),
# clam.exe's for clamd, and the marker's, written here, for clamscan
mkdir "$T/db1" "$T/db2" "$T/db3" || exit 1
for f in "$SIGS"/mailward-test.*; do
	b=${f##*/}
	grep 'EICAR' "$f" >"$T/db1/$b"
	grep 'ClamExe' "$f" >"$T/db2/$b"
	[ -s "$T/db1/$b" ] || rm -f "$T/db1/$b"
	[ -s "$T/db2/$b" ] || rm -f "$T/db2/$b"
done
marker=$(PYTHONPATH="${0%/*}" "$PYTHON" -c 'import mkmsg; print(mkmsg.MARKER)')
printf 'Mailward.Test.Marker:0:*:%s\n' \
    "$(printf '%s' "$marker" | od -An -tx1 | tr -d ' \n')" \
    >"$T/db3/marker.ndb"
chmod -R a+rX "$T/db1" "$T/db2" "$T/db3"
# the shipped clamscan configuration, over the third database
sed "s#/var/lib/clamav#$T/db3#g" "${0%/*}/../scripts/scanners/clamscan" \
    >"$T/scanexec"

start_clamd "$T/clamd" "$T/db2"
ok $? "a clamd of our own answers on $CLAMD_SOCK"

GP=$(free_port)
SP=$(free_port)
mkhome scanner --listen "127.0.0.1:$SP" --me scan.example.net \
    --subscriber @example.org --next-hop "127.0.0.1:$GP" \
    --stages clamav,clamd,exec --databases "$T/db1" --clamd "$CLAMD_SOCK" \
    --scanexec "$T/scanexec"
S=$H
kid=$(status_kid)
grep -q 'scan-stage-clamav -D -i queue/scan -o queue/scan2 ' \
    "$S/service/scan/run" &&
    grep -q 'scan-stage-clamd -D -i queue/scan2 -o queue/scan3 ' \
    "$S/service/scan2/run" &&
    grep -q 'scan-stage-exec -D -i queue/scan3 -o queue/stamp ' \
    "$S/service/scan3/run"
ok $? "three scan services: scan -> scan2 -> scan3 -> stamp"
echo admin@example.org >"$S/control/notifyadmin"
echo 1 >"$S/control/retrybase"		# clamd back: retried within 2 s
echo 2 >"$S/control/retrymax"
echo 2 >"$S/control/scanpermessages"	# workers come and go meanwhile
mkgateway_mail "$S" "$SP" "$GP"

start_home "$G"
start_home "$S"
wait_port "$GP" && wait_port "$SP"
ok $? "gateway and scanner listen"
wait_for log_has scan "info: - engine loaded" "$S" &&
    wait_for log_has scan2 "info: - engine clamd address=$CLAMD_SOCK " "$S" &&
    wait_for log_has scan3 "info: - engine loaded engine=ClamAV_" "$S"
ok $? "the three stages are up"
wait_for test -d "$S/tmp/scan.0" -a -d "$S/tmp/scan2.0" -a -d "$S/tmp/scan3.0"
ok $? "each stage's workers have their own directories (tmp/scanN.0)"

# send KIND [NAME]: a t/mkmsg.py message into the scanner, Message-ID
# NAME@chain3 (NAME defaults to KIND); its queue id in $T/qid.NAME
send() {
	_n=${2:-$1}
	"$PYTHON" "${0%/*}/mkmsg.py" "$1" --id "$_n@chain3" \
	    -f sender@example.net | "$PYTHON" "${0%/*}/smtpc.py" -p "$SP" \
	    -f sender@example.net -t alice@example.org - >"$T/send.$_n" 2>&1 &&
	    sed -n 's/^250 .* queued as //p' "$T/send.$_n" >"$T/qid.$_n" &&
	    [ -s "$T/qid.$_n" ]
}
qid() { cat "$T/qid.$1"; }
msg() { grep -l "^Message-ID: <$1@chain3>" "$MD"/new/* "$MD"/cur/* \
    2>/dev/null; }
arrived() { [ -n "$(msg "$1")" ]; }
vfy() { run_unpriv stamp-status -v -K "$T/scanner.pub" <"$1"; }
# families: signature names (one a line) to what they are about, in the
# order met: Mailward.Test.EICAR.MD5.UNOFFICIAL -> EICAR; anything else
# stays as it is, and shows in a diff
families() {
	sed -n 's/^Mailward\.Test\.\(EICAR\|ClamExe\|Marker\)[.A-Za-z0-9]*$/\1/p
	    /^Mailward\.Test\.\(EICAR\|ClamExe\|Marker\)[.A-Za-z0-9]*$/!p' |
	    awk '!seen[$0]++' | tr '\n' '+' | sed 's/+$//'
}
# stages NAME: what each stage did to message NAME by its log, e.g.
# "clean cleaned:ClamExe clean"
stages() {
	for _s in scan scan2 scan3; do
		mw_log "$_s" "$S" | grep " info: $(qid "$1") verdict=" >"$T/line"
		if [ "$(wc -l <"$T/line")" -ne 1 ]; then
			printf ' %s:%s-lines' "$_s" "$(wc -l <"$T/line")"
			continue
		fi
		_f=$(sed 's/.* viruses=\([^ ]*\) .*/\1/; s/"//g' "$T/line" |
		    tr ',' '\n' | families)
		printf ' %s%s' "$(sed 's/.* verdict=\([^ ]*\) .*/\1/' "$T/line")" \
		    "${_f:+:$_f}"
	done | sed 's/^ //'
}
# parts FILE: the notice parts of a delivered message, "FILE:FAMILY ..."
parts() {
	sed -n 's/^File: //p; s/^Virus: //p' "$1" | paste -d ' ' - - |
	    while read -r _file _v; do
		printf ' %s:%s' "$_file" "$(echo "$_v" | tr ',' '\n' | families)"
	    done | sed 's/^ //'
}
# stamped FILE VERDICT: the stamp verifies, with VERDICT (a pattern:
# left unquoted below), our key, and the three stages in the chain's
# order
CHAIN='engine=clamav/[^,]*/0\.0\.3,clamd/[^,]*,exec/ClamAV_[^,]*$'
stamped() {
	_o=$(vfy "$1")
	case $_o in
	"valid verdict="$2" key=$kid age="*)
		printf '%s\n' "$_o" | grep -q " $CHAIN" && return 0 ;;
	esac
	diag "$_o"
	return 1
}

r=0
for k in clean eicar clamzip marker three; do
	send "$k" || r=1
done
ok $r "the scanner accepts five messages"
wait_for maildir_atleast "$MD" 9
ok $? "five messages and four notices arrive in alice's Maildir"
wait_for maildir_atleast "$AD" 4
ok $? "four records arrive in the administrator's Maildir"
drained() {
	for q in incoming scan scan2 scan3 stamp notify outbound; do
		[ "$(spool_count "$S/queue/$q")" -eq 0 ] || return 1
	done
}
wait_for drained
ok $? "the scanner's spools are drained"
is "$(maildir_count "$MD") $(maildir_count "$AD")" "9 4" \
    "exactly nine in alice's Maildir, four in the administrator's"

# --- each stage cuts what it knows -------------------------------------------
c=$(msg clean)
stamped "$c" clean
ok $? "clean: the stamp verifies and lists clamav, clamd, exec in order"
is "$(stages clean)" "clean clean clean" "clean: each stage logs it clean"
grep -q "Its text part stays as it is" "$c" &&
    ! grep -q '^mailward removed this part' "$c"
ok $? "clean: as it was sent, no notice part"

# check NAME PARTS STAGES: a message with one thing or more
check() {
	_f=$(msg "$1")
	stamped "$_f" cleaned
	ok $? "$1: cleaned, the stamp verifies, the three stages in order"
	is "$(stages "$1")" "$3" "$1: the stage logs: $3"
	is "$(parts "$_f")" "$2" "$1: the notice parts: $2"
	grep -q "Its text part stays as it is" "$_f" &&
	    ! grep -q -e 'WDVPIVAlQEFQ' -e '^UEsDB' -e "$marker" "$_f" &&
	    ! grep -q -e 'ZGF0YSBtYWlsd2FyZC10ZXN0LW1hcmtlci' "$_f"
	ok $? "$1: the text part kept, nothing infected left"
}
check eicar "eicar.com:EICAR" "cleaned:EICAR clean clean"
check clamzip "clam.zip:ClamExe" "clean cleaned:ClamExe clean"
check marker "marker.dat:Marker" "clean clean cleaned:Marker"
check three "eicar.com:EICAR clam.zip:ClamExe marker.dat:Marker" \
    "cleaned:EICAR cleaned:ClamExe cleaned:Marker"

# --- the notices --------------------------------------------------------------
notices() { grep -l "^X-Mailward-Notice: $2" "$1"/new/* "$1"/cur/* \
    2>/dev/null; }
# about DIR KIND: the queue ids the notices of KIND in DIR are about
about() { notices "$1" "$2" | xargs sed -n 's/^  Queue id:  //p' | sort |
    tr '\n' ' '; }
want=$(for k in eicar clamzip marker three; do qid $k; done | sort |
    tr '\n' ' ')
is "$(about "$MD" recipient)" "$want" \
    "alice has one notice for each of the four cleaned messages"
is "$(about "$AD" admin)" "$want" \
    "the administrator has one record of each"
n=$(grep -l "^  Queue id:  $(qid three)\$" $(notices "$MD" recipient))
is "$(sed -n 's/^  Virus:     //p' "$n" | tr ',' '\n' | families)" \
    "EICAR+ClamExe+Marker" "three: the notice names what each stage found"
grep -q '^the rest of the message was delivered\.$' "$n"
ok $? "three: the notice says the rest was delivered"
a=$(grep -l "^  Queue id:  $(qid three)\$" $(notices "$AD" admin))
grep -q '^  Stages:    clamav/[^ ]*/0\.0\.3 clamd/[^ ]* exec/ClamAV_[^ ]*$' \
    "$a" && grep -q '^  Client:    127\.0\.0\.1$' "$a"
ok $? "three: the record lists the three stages in order, and the client"
r=0
for f in $(notices "$MD" recipient) $(notices "$AD" admin); do
	stamped "$f" clean || r=1
done
ok $r "every notice was scanned by the chain and stamped"
! log_has notify "notice=sender" "$S" && ! log_has notify " to=sender@" "$S"
ok $? "no notice to the sender (off by default)"

# --- clamd stopped in mid-run ----------------------------------------------
stop_clamd
send clean wait1 && send clamzip wait2
ok $? "clamd stopped: the scanner still accepts two messages"
deferred() { log_has scan2 "info: $(qid "$1") deferred exit=111 tries=" "$S"; }
wait_for deferred wait1 && wait_for deferred wait2
ok $? "the clamd stage defers them"
why="reason=\"scan: clamd: connect to $CLAMD_SOCK"
log_has scan2 "warning: $(qid wait1) verdict=temporary .*$why" "$S"
ok $? "and logs why: no clamd at its address"
is "$(spool_count "$S/queue/scan2") $(spool_count "$S/queue/scan3")" "2 0" \
    "they wait in queue/scan2, nothing passed on"
arrived wait1 || arrived wait2
is $? 1 "neither reached the gateway"
start_clamd "$T/clamd" "$T/db2"
ok $? "clamd started again"
wait_for arrived wait1 && wait_for arrived wait2 &&
    wait_for maildir_atleast "$MD" 12
ok $? "both arrive, and the notice of the clam.zip one"
wait_for drained
is "$(msg wait1 | wc -l) $(msg wait2 | wc -l)" "1 1" "each arrived once"
is "$(stages wait1); $(stages wait2)" \
    "clean clean clean; clean cleaned:ClamExe clean" \
    "each went through each stage to one verdict"
stamped "$(msg wait2)" cleaned &&
    [ "$(parts "$(msg wait2)")" = clam.zip:ClamExe ]
ok $? "the clam.zip one cleaned by clamd, stamped by the chain"

# nothing unscanned arrives: every message has one stamp, of the chain
wait_for maildir_atleast "$AD" 5
r=0
for f in "$MD"/new/* "$MD"/cur/* "$AD"/new/* "$AD"/cur/*; do
	[ -f "$f" ] || continue
	[ "$(grep -ci '^X-Mailward-Status:' "$f")" -eq 1 ] &&
	    stamped "$f" 'clean*' || r=1
done
ok $r "every delivered message has exactly one valid stamp of the chain"
wait_for log_has incoming "classify: info: .* local policy=stamp " "$G" &&
    ! log_has incoming "classify: info: .* group " "$G"
ok $? "the gateway's classify let them in on the stamp, none to the group"
is "$(maildir_count "$MD") $(maildir_count "$AD")" "12 5" \
    "nothing else arrived"
held=$(spool_count "$S/queue/quarantine")
is "$held $(spool_count "$S/queue/failed") $(spool_count "$G/queue/failed")" \
    "0 0 0" "nothing held, nothing in queue/failed"
