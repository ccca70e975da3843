#!/bin/sh
# ISC license.
# t/5000-setup-home.t: mailward-setup writes both roles' homes, validates
# its options, and keeps the queue and the operator's files on a rerun.
. "${0%/*}/lib.sh"
need mailward-setup openssl
plan 119

root=0
[ "$(id -u)" -eq 0 ] && root=1
# a run script with its continuation lines joined
runl() { sed -e ':a' -e '/\\$/N; s/\\\n *//; ta' "$1"; }
st() { stat -c '%U:%G:%a' "$1"; }
isroot() { # GOT WANT DESC: checked only as root
	if [ $root -eq 1 ]; then is "$@"; else skip "$3 (not root)"; fi
}

# --- gateway -------------------------------------------------------------
mkhome gateway --listen 127.0.0.1:2599 --me mx.example.org \
    --subscriber bob@example.org --maildir alice@example.org=Maildir/alice \
    --next-hop 127.0.0.1:2600
G=$H
is "$(cat "$G/control/me")" "mx.example.org" "control/me from --me"
is "$(cat "$G/control/listen")" "127.0.0.1:2599" "control/listen"
is "$(cat "$G/control/role")" "gateway" "control/role"
is "$(grep -v '^#' "$G/control/subscribers" | sort | tr '\n' ' ')" \
    "alice@example.org bob@example.org " "subscribers: --subscriber and --maildir"
is "$(cat "$G/control/maildirs")" "alice@example.org Maildir/alice" \
    "control/maildirs"
is "$(cat "$G/control/routes")" "* 127.0.0.1:2600" "control/routes from --next-hop"
for s in smtpd incoming notify togroup local relay expire; do
	test -x "$G/service/$s/run" && test -x "$G/service/$s/log/run" &&
	    sh -n "$G/service/$s/run" && sh -n "$G/service/$s/log/run" &&
	    test -d "$G/log/$s"
	ok $? "service $s: run, log/run (sh -n) and log/$s"
done
runl "$G/service/smtpd/run" | grep -q "^exec .*tcpserver.* -- 127\.0\.0\.1 2599 "
ok $? "smtpd listens on the --listen address"
grep -q "$MW_PROGS/libexec/smtp-recv" "$G/service/smtpd/run"
ok $? "run scripts use the build tree's libexec"
runl "$G/service/incoming/run" | grep -q "spool-run -o queue/togroup -r \
20=queue/local -r 21=queue/notify -f queue/quarantine queue/incoming .*classify$"
ok $? "gateway: incoming runs classify: the group, local, held to notify"
runl "$G/service/local/run" | grep -q \
    "spool-run -f queue/failed queue/local .*deliver-maildir -o queue/outbound$"
ok $? "gateway: local runs deliver-maildir, routed recipients to the relay"
runl "$G/service/notify/run" | grep -q "spool-run \
-o queue/quarantine -r 21=queue/quarantine -f queue/quarantine queue/notify \
.*notify -g -o queue/local -x queue/outbound -r notify$"
ok $? "gateway: notify -g tells of what classify held, then the quarantine"
grep -q 'no group yet' "$T/setup1.out" &&
    grep -q 'no group key (--group-key, control/groupkeys): the scan policy wants a stamp' "$T/setup1.out"
ok $? "setup warns: no group to scan, no key to trust its stamps"
grep -q "^cd $G || exit 111" "$G/service/relay/run"
ok $? "run scripts cd into the home"
grep -q "s6-log t n20 s1000000 $G/log/relay" "$G/service/relay/log/run"
ok $? "log/run writes DIR/log/SVC"
if [ -z "${MW_SANITIZED:-}" ]; then
	grep -q "s6-softlimit -m 536870912" "$G/service/smtpd/run"
	ok $? "smtpd under s6-softlimit (512 MiB)"
else
	skip "softlimit is off under the sanitizers"
fi
for q in incoming outbound local failed; do
	test -d "$G/queue/$q/tmp" && test -d "$G/queue/$q/new"
	ok $? "queue/$q/{tmp,new}"
done
test -d "$G/Maildir/alice/cur" && test -d "$G/Maildir/alice/new" &&
    test -d "$G/Maildir/alice/tmp"
ok $? "Maildir created"

# --- ownership and modes (root) -----------------------------------------
isroot "$(st "$G/queue/incoming/new")" "mwqueue:mwrecv:2770" "incoming: mwqueue:mwrecv 2770"
isroot "$(st "$G/queue/local/tmp")" "mwdeliver:mwqueue:2770" "local: mwdeliver:mwqueue 2770"
isroot "$(st "$G/queue/outbound")" "mwrelay:mwqueue:2770" "outbound: mwrelay:mwqueue 2770"
isroot "$(st "$G/Maildir/alice/new")" "mwdeliver:mwdeliver:700" "Maildir owned by mwdeliver"
isroot "$(st "$G/log/smtpd")" "mwlog:mwlog:750" "log dir owned by mwlog"
groups() { id -Gn "$1" 2>/dev/null | tr ' ' '\n' | sort | tr '\n' ' '; }
isroot "$(groups mwrelay)" "mailward mwqueue mwrecv mwrelay mwstamp " \
    "mwrelay reads its producers' spools"
if [ $root -eq 1 ]; then
	runl "$G/service/smtpd/run" | grep -q "s6-envuidgid mwrecv tcpserver -U" &&
	    runl "$G/service/local/run" | grep -q "s6-setuidgid mwdeliver .*spool-run" &&
	    grep -q "s6-setuidgid mwlog s6-log" "$G/service/local/log/run"
	ok $? "run scripts drop privileges"
else
	skip "privileges (not root)"
fi

# --- rerun keeps the queue and the operator's files ---------------------
echo keep >"$G/queue/incoming/new/1.2.3"
echo "carol@example.org" >>"$G/control/subscribers"
echo 1000000 >"$G/control/databytes"
mailward-setup gateway "$G" >/dev/null 2>&1
ok $? "rerun succeeds"
test -f "$G/queue/incoming/new/1.2.3"
ok $? "rerun keeps queued messages"
grep -q carol "$G/control/subscribers" && grep -q 1000000 "$G/control/databytes"
ok $? "rerun keeps the operator's control files"
is "$(cat "$G/control/listen")" "127.0.0.1:2599" "rerun keeps control/listen"
grep -q " -- 127\.0\.0\.1 2599 " "$G/service/smtpd/run"
ok $? "rerun writes the same smtpd address"
mailward-setup gateway "$G" --listen 127.0.0.1:2601 >/dev/null 2>&1 &&
    grep -q " -- 127\.0\.0\.1 2601 " "$G/service/smtpd/run" &&
    grep -q carol "$G/control/subscribers"
ok $? "rerun with --listen changes only the address"
mailward-setup scanner "$G" >/dev/null 2>&1
is $? 100 "a gateway home is not made a scanner"

# --- scanner -------------------------------------------------------------
test ! -e "$G/keys" && test ! -e "$G/queue/scan" && test ! -e "$G/service/scan"
ok $? "gateway: no keys, no scan spool or service"
mkhome scanner --listen 127.0.0.1:2602 --subscriber @example.org --softlimit 0
S=$H
SOUT=$T/setup$_mw_nhome.out
for s in smtpd incoming scan stamp relay; do
	test -x "$S/service/$s/run" && sh -n "$S/service/$s/run" &&
	    test -x "$S/service/$s/log/run" && test -d "$S/log/$s"
	ok $? "scanner: service $s"
done
test ! -e "$S/service/local"
ok $? "scanner: no local service"
grep -q "spool-run -o queue/scan -f queue/failed queue/incoming" \
    "$S/service/incoming/run"
ok $? "scanner: incoming feeds queue/scan"
runl "$S/service/scan/run" | grep -q \
    "libexec/scan-stage-clamav -D -i queue/scan -o queue/stamp -q queue/notify\$"
ok $? "scanner: scan runs the scan daemon from queue/scan to queue/stamp"
is "$(cat "$S/control/stages")" clamav "control/stages: clamav by default"
runl "$S/service/stamp/run" | grep -q \
    "libexec/spool-run -o queue/notify -f queue/quarantine queue/stamp .*libexec/stamp-status -k keys/status.key\$"
ok $? "scanner: stamp runs stamp-status into queue/notify"
runl "$S/service/notify/run" | grep -q \
    "libexec/spool-run -o queue/outbound -r 21=queue/quarantine -f queue/quarantine queue/notify .*libexec/notify -o queue/scan -r notify\$"
ok $? "scanner: notify passes queue/notify to queue/outbound, holds to queue/quarantine"
! grep -q s6-softlimit "$S/service/smtpd/run"
ok $? "--softlimit 0: no s6-softlimit for smtpd"
if [ -z "${MW_SANITIZED:-}" ]; then
	grep -q "s6-softlimit -m 8589934592" "$S/service/scan/run"
	ok $? "the scan stage keeps its own limit (8192 MiB)"
else
	! grep -q s6-softlimit "$S/service/scan/run"
	ok $? "--softlimit-scan 0 under the sanitizers: none for scan"
fi
test ! -e "$S/control/maildirs" && grep -q '^#' "$S/control/routes"
ok $? "scanner: no maildirs; routes is a comment"
is "$(cat "$S/control/databases")" "/var/lib/clamav" "control/databases default"
for q in incoming scan stamp quarantine outbound failed; do
	test -d "$S/queue/$q/tmp" && test -d "$S/queue/$q/new" || break
done
ok $? "scanner: queue/{incoming,scan,stamp,quarantine,outbound,failed}"
test ! -e "$S/queue/local"
ok $? "scanner: no queue/local"
kid=$(sed -n 's/^mailward-setup: new status key \([0-9a-f]\{16\}\);.*/\1/p' "$SOUT")
pid=$(openssl pkey -pubin -in "$S/keys/status.pub" -outform DER | tail -c 32 |
    openssl dgst -sha256 -r | cut -c1-16)
is "$kid" "$pid" "setup makes keys/ and prints the key id"
is "$(cd "$S/keys" && stat -c %a . status.key status.pub | tr '\n' ' ')" \
    "700 400 644 " "keys/ 0700, status.key 0400, status.pub 0644"

# --- scanner as root: users, owners, who can read the key ---------------
isroot "$(st "$S/queue/scan")" "mwscan:mwqueue:2770" "scan: mwscan:mwqueue 2770"
isroot "$(st "$S/queue/stamp/new")" "mwstamp:mwscan:2770" "stamp: mwstamp:mwscan 2770"
isroot "$(st "$S/queue/quarantine/tmp")" "mwscan:mwscan:2770" "quarantine: mwscan:mwscan 2770"
isroot "$(st "$S/queue/outbound")" "mwrelay:mwstamp:2770" "scanner outbound: mwrelay:mwstamp 2770"
isroot "$(st "$S/tmp")" "mwscan:mwscan:700" "tmp/ (libclamav's files): mwscan 0700"
isroot "$(st "$S/keys") $(st "$S/keys/status.key")" \
    "mwstamp:mwstamp:700 mwstamp:mwstamp:400" "keys/ and status.key: mwstamp"
isroot "$(groups mwscan)" "mailward mwqueue mwrecv mwscan " \
    "mwscan reads queue/scan (files of mwqueue and, passed through, mwrecv)"
isroot "$(groups mwstamp)" "mailward mwqueue mwscan mwstamp " \
    "mwstamp reads queue/stamp and queue/notify, writes notices to queue/scan"
isroot "$(st "$S/queue/notify/new") $(st "$S/notify")" \
    "mwstamp:mwscan:2770 mwstamp:mwstamp:700" \
    "notify: queue/notify mwstamp:mwscan 2770, notify/ (the counts) 0700"
if [ $root -eq 1 ]; then
	runl "$S/service/scan/run" | grep -q "s6-setuidgid mwscan .*scan-stage-clamav" &&
	    runl "$S/service/stamp/run" | grep -q "s6-setuidgid mwstamp .*spool-run"
	ok $? "scan runs as mwscan, stamp as mwstamp"
	s6-setuidgid mwstamp cat "$S/keys/status.key" >/dev/null 2>&1
	ok $? "mwstamp reads keys/status.key"
	r=0
	for u in mwscan mwrelay mwqueue mwrecv mwlog nobody; do
		s6-setuidgid $u cat "$S/keys/status.key" >/dev/null 2>&1 && r=1
		s6-setuidgid $u ls "$S/keys" >/dev/null 2>&1 && r=1
	done
	ok $r "no other user (mwscan above all) can read keys/status.key or list keys/"
else
	skip "privileges (not root)"
	skip "key owner (not root)"
	skip "key readers (not root)"
fi

# --- scanner rerun: the key is kept, its owner and mode repaired -----------
cp "$S/keys/status.key" "$T/key.before"
chmod 644 "$S/keys/status.key"
mailward-setup scanner "$S" >"$T/rerun.out" 2>&1 &&
    grep -q "^mailward-setup: kept the status key $kid;" "$T/rerun.out"
ok $? "rerun keeps the key and prints its id"
cmp -s "$S/keys/status.key" "$T/key.before" &&
    [ "$(stat -c %a "$S/keys/status.key")" = 400 ]
ok $? "rerun: the same key, mode 0400 again"
mailward-setup scanner "$S" --databases "${0%/*}/data/sigs" >/dev/null 2>&1
is "$(cat "$S/control/databases")" "$(cd "${0%/*}/data/sigs" && pwd -P)" \
    "--databases: control/databases, made absolute"
mailward-setup scanner "$S" --stages clamav,clamd,exec >/dev/null 2>&1
runl "$S/service/scan/run" | grep -q \
    "libexec/scan-stage-clamav -D -i queue/scan -o queue/scan2 -q queue/notify\$" &&
    runl "$S/service/scan2/run" | grep -q \
    "libexec/scan-stage-clamd -D -i queue/scan2 -o queue/scan3 -q queue/notify\$" &&
    runl "$S/service/scan3/run" | grep -q \
    "libexec/scan-stage-exec -D -i queue/scan3 -o queue/stamp -q queue/notify\$" &&
    [ -d "$S/queue/scan2/new" ] && [ -d "$S/queue/scan3/tmp" ]
ok $? "--stages clamav,clamd,exec: a chain of three services and spools"
isroot "$(st "$S/queue/scan2/new") $(st "$S/queue/scan3/new")" \
    "mwscan:mwscan:2770 mwscan:mwscan:2770" "the chain's spools: mwscan:mwscan"
mailward-setup scanner "$S" --stages exec >/dev/null 2>&1
runl "$S/service/scan/run" | grep -q \
    "libexec/scan-stage-exec -D -i queue/scan -o queue/stamp -q queue/notify\$" &&
    [ ! -e "$S/service/scan2" ] && [ ! -e "$S/service/scan3" ] &&
    [ "$(cat "$S/control/stages")" = exec ]
ok $? "a shorter chain: the later services removed"
runl "$S/service/expire/run" | grep -q \
    "s6-setuidgid mwscan sh -c '.*/bin/mailward-quarantine expire; exec sleep 3600'\$" ||
    { [ $root -eq 0 ] && runl "$S/service/expire/run" | grep -q \
    "sh -c '.*/bin/mailward-quarantine expire; exec sleep 3600'\$"; }
ok $? "expire: mailward-quarantine expire every hour, as the quarantine's owner"
mailward-setup scanner "$S" --stages clamav,exec --clamd 127.0.0.1:3310 \
    --scanexec "${0%/*}/../scripts/scanners/clamscan" >/dev/null 2>&1
is "$(cat "$S/control/clamd-address")" 127.0.0.1:3310 "--clamd: control/clamd-address"
cmp -s "$S/control/scanexec" "${0%/*}/../scripts/scanners/clamscan"
ok $? "--scanexec: its file copied to control/scanexec"
mailward-setup scanner "$S" --stages clamav >/dev/null 2>&1
rm "$S/keys/status.pub"
mailward-setup scanner "$S" >/dev/null 2>&1
is "$(openssl pkey -pubin -in "$S/keys/status.pub" -outform DER 2>/dev/null |
    tail -c 32 | openssl dgst -sha256 -r | cut -c1-16)" "$kid" \
    "a lost status.pub is made again from the key"

# --- usage errors: exit 100, nothing written --------------------------------
u() { # WANT DESC ARGS...
	_w=$1 _d=$2
	shift 2
	mailward-setup "$@" >/dev/null 2>"$T/err"
	is $? "$_w" "$_d"
}
u 100 "no arguments" 
u 100 "unknown role" relay "$T/x1"
u 100 "bad --listen" gateway "$T/x2" --listen 127.0.0.1
u 100 "bad --listen address" gateway "$T/x3" --listen 300.0.0.1:25
u 100 "bad port" gateway "$T/x4" --listen 127.0.0.1:70000
u 100 "bad --subscriber" gateway "$T/x5" --subscriber "no at sign"
u 100 "unknown option" gateway "$T/x6" --frobnicate 1
u 100 "--maildir on a scanner" scanner "$T/x7" --maildir a@b.c=md
u 100 "--databases on a gateway" gateway "$T/x13" --databases /
u 100 "--databases not a directory" scanner "$T/x14" --databases /dev/null
u 100 "--stages with an unknown engine" scanner "$T/x15" --stages clamav,norton
u 100 "--stages with an engine twice" scanner "$T/x16" --stages clamav,clamav
u 100 "--stages on a gateway" gateway "$T/x17" --stages clamav
u 100 "--chain-key on a gateway" gateway "$T/x18" --chain-key /etc/hostname
u 100 "--chain-key that is no key" scanner "$T/x19" --chain-key /etc/hostname
u 100 "--chain-key that is missing" scanner "$T/x20" --chain-key /nonexistent
u 100 "--scanexec that is missing" scanner "$T/x21" --scanexec /nonexistent
u 100 "--internal on a scanner" scanner "$T/x22" --internal a.example=h:25
u 100 "--internal for a domain twice" gateway "$T/x23" \
    --internal a.example=h:25 --internal A.example=h2:25
u 100 "--internal to origin" gateway "$T/x25" --internal a.example=origin:25
u 100 "--internal and --maildir @ the same domain" gateway "$T/x26" \
    --internal a.example=h:25 --maildir @A.example=md
u 100 "--internal without a next hop" gateway "$T/x24" --internal a.example=
u 100 "--tls-cert without --tls-key" gateway "$T/x8" --tls-cert /etc/hostname
u 100 "a DIR with a space" gateway "$T/x 9"
u 100 "bad --next-hop" gateway "$T/x10" --next-hop "host:port"
u 100 "--maildir twice for one address" gateway "$T/x12" --maildir a@b.c=m1 \
    --maildir a@b.c=m2
test ! -e "$T/x1" && test ! -e "$T/x2" && test ! -e "$T/x9" &&
    test ! -e "$T/x 9" && test ! -e "$T/x19"
ok $? "usage errors write nothing"
grep -q "^mailward-setup: fatal: " "$T/err"
ok $? "usage error: one fatal line"

# --- TLS -------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other \
    -keyout "$T/key2.pem" -out "$T/cert2.pem" >/dev/null 2>&1
u 100 "a key that does not match" gateway "$T/x11" --tls-cert "$T/cert.pem" \
    --tls-key "$T/key2.pem"
mailward-setup gateway "$G" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" \
    >/dev/null 2>&1 && cmp -s "$T/cert.pem" "$G/control/tls/cert.pem" &&
    cmp -s "$T/key.pem" "$G/control/tls/key.pem" &&
    is "$(cat "$G/control/tlscert") $(cat "$G/control/tlskey")" \
    "control/tls/cert.pem control/tls/key.pem" "tls: control/tlscert, tlskey" ||
    ok 1 "tls: files copied"
isroot "$(st "$G/control/tls/key.pem")" "mwrecv:mwrecv:400" "tls key: mwrecv only"
# relative paths name files in the caller's directory, not in DIR
(cd "$T" && mailward-setup gateway "$T/x12" --tls-cert cert.pem \
    --tls-key key.pem >/dev/null 2>&1) &&
    cmp -s "$T/cert.pem" "$T/x12/control/tls/cert.pem"
ok $? "tls: relative --tls-cert and --tls-key paths"

# --- not root: everything as the invoking user ---------------------------
if [ $root -eq 1 ]; then
	mkdir "$T/nobody" && chown nobody "$T/nobody"
	run_unpriv mailward-setup gateway "$T/nobody/h" --listen 127.0.0.1:2603 \
	    >/dev/null 2>&1
	ok $? "setup as nobody"
	! grep -q "s6-setuidgid\|s6-envuidgid" "$T"/nobody/h/service/*/run \
	    "$T"/nobody/h/service/*/log/run
	ok $? "as nobody: no privilege drop in the run scripts"
	is "$(st "$T/nobody/h/queue/incoming/new")" "nobody:nogroup:700" \
	    "as nobody: queue owned by the user"
	run_unpriv mailward-setup scanner "$T/nobody/s" --listen 127.0.0.1:2604 \
	    >/dev/null 2>&1
	is "$(cd "$T/nobody/s" && stat -c %U:%G:%a keys keys/status.key tmp |
	    tr '\n' ' ')" \
	    "nobody:nogroup:700 nobody:nogroup:400 nobody:nogroup:700 " \
	    "as nobody: a scanner's keys and tmp/ belong to the user"
else
	skip "as nobody (not root)"
	skip "as nobody (not root)"
	skip "as nobody (not root)"
	skip "as nobody (not root)"
fi
