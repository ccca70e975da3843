#!/bin/sh
# ISC license.
# t/5000-setup-home.t: mailward-setup writes both roles' homes, validates
# its options, and keeps the queue and the operator's files on a rerun.
. "${0%/*}/lib.sh"
need mailward-setup openssl
plan 61

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
for s in smtpd incoming local relay; do
	test -x "$G/service/$s/run" && test -x "$G/service/$s/log/run" &&
	    sh -n "$G/service/$s/run" && sh -n "$G/service/$s/log/run" &&
	    test -d "$G/log/$s"
	ok $? "service $s: run, log/run (sh -n) and log/$s"
done
runl "$G/service/smtpd/run" | grep -q "^exec .*tcpserver.* -- 127\.0\.0\.1 2599 "
ok $? "smtpd listens on the --listen address"
grep -q "$MW_PROGS/libexec/smtp-recv" "$G/service/smtpd/run"
ok $? "run scripts use the build tree's libexec"
grep -q "spool-run -o queue/local -f queue/failed queue/incoming" \
    "$G/service/incoming/run"
ok $? "gateway: incoming feeds queue/local"
runl "$G/service/local/run" |
    grep -q "spool-run -f queue/failed queue/local .*deliver-maildir"
ok $? "gateway: local runs deliver-maildir"
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
isroot "$(id -Gn mwrelay 2>/dev/null | tr ' ' '\n' | sort | tr '\n' ' ')" \
    "mailward mwqueue mwrecv mwrelay " "mwrelay reads its producers' spools"
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
mkhome scanner --listen 127.0.0.1:2602 --subscriber @example.org --softlimit 0
S=$H
test ! -e "$S/service/local" && test -x "$S/service/relay/run"
ok $? "scanner: smtpd, incoming, relay, no local"
grep -q "spool-run -o queue/outbound -f queue/failed queue/incoming" \
    "$S/service/incoming/run"
ok $? "scanner: incoming feeds queue/outbound"
! grep -q s6-softlimit "$S/service/smtpd/run"
ok $? "--softlimit 0: no s6-softlimit"
test ! -e "$S/control/maildirs" && grep -q '^#' "$S/control/routes"
ok $? "scanner: no maildirs; routes is a comment"

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
u 100 "--tls-cert without --tls-key" gateway "$T/x8" --tls-cert /etc/hostname
u 100 "a DIR with a space" gateway "$T/x 9"
u 100 "bad --next-hop" gateway "$T/x10" --next-hop "host:port"
u 100 "--maildir twice for one address" gateway "$T/x12" --maildir a@b.c=m1 \
    --maildir a@b.c=m2
test ! -e "$T/x1" && test ! -e "$T/x2" && test ! -e "$T/x9" && test ! -e "$T/x 9"
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
else
	skip "as nobody (not root)"
	skip "as nobody (not root)"
	skip "as nobody (not root)"
fi
