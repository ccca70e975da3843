# ISC license.
# t/lib.sh: TAP helpers for the integration tests; sourced by every t/*.t.
#
#   plan N                    print the plan
#   ok STATUS DESC            "cmd; ok $? desc"
#   is GOT WANT DESC          compare strings, diff on failure
#   diag MSG...               a "# " comment on stderr
#   skip_all REASON           "1..0 # SKIP reason" and exit
#   skip DESC                 one test skipped
#   need CMD...               skip_all unless every CMD is on PATH
#                             (python3 means $PYTHON)
#   mkhome ROLE [OPTS...]     $H = fresh home from mailward-setup under $T
#   free_port                 print a free 127.0.0.1 TCP port
#   start_home [DIR]          s6-svscan DIR/service in the background
#   stop_home [DIR]           stop it now (also done at EXIT)
#   wait_port PORT            until something listens on 127.0.0.1:PORT
#   wait_for CMD...           poll CMD until it succeeds (MW_WAIT s, 20)
#   run_unpriv CMD...         run CMD as nobody when root
#   as_user USER CMD...       run CMD as USER when root, else as ourselves
#   su_prefix USER            "s6-setuidgid USER" when root, else nothing:
#                             "$(su_prefix nobody) CMD &" leaves CMD's pid
#                             in $!, which "as_user nobody CMD &" does not
#   chown_unpriv DIR          chown -R nobody DIR when root
#   bare_home DIR QUEUE...    DIR/control and DIR/queue/QUEUE/{tmp,new}
#   mkmaildir DIR...          DIR/{tmp,new,cur}
#   kill_at_exit PID...       kill these (if still running) at EXIT
#   spool_put FILE SPOOL [NAME]
#                             copy FILE to SPOOL/new/NAME (default: FILE's
#                             name) through SPOOL/tmp, as a producer does
#   maildir_count DIR         messages in DIR/new + DIR/cur
#   maildir_atleast DIR N     true once DIR holds N messages (for wait_for)
#   spool_count DIR           messages in DIR/new
#   svc_pid DIR/service/SVC   pid of the service's process, empty if down
#   wait_up DIR/service/SVC   until s6 reports the service up (5 s)
#   mw_log SVC [DIR]          the service's log (DIR/log/SVC/current)
#   log_has SVC RE [DIR]      true if that log has a line matching RE
#   test_sigs                 $SIGS = the test signature database
#                             t/data/sigs where the service users can
#                             read it: copied into $T when root and the
#                             source tree is private
#   start_clamd DIR DBDIR [LINE...]
#                             Debian's clamd as nobody, databases DBDIR,
#                             socket $CLAMD_SOCK = DIR/clamd.sock, its
#                             config DIR/clamd.conf, log DIR/clamd.log;
#                             each LINE added to the config; waits
#                             until it answers PING; $clamd_pid;
#                             stopped at EXIT
#   stop_clamd                stop it now (SIGTERM, then wait)
#   clamd_ping SOCKET         true if a clamd answers PING there
#   dovecot_bin               print Debian's dovecot (false if none)
#   start_dovecot DIR USER:MAILDIR...
#                             Debian's Dovecot 2.3, all of it in DIR
#                             (config DIR/dovecot.conf, users
#                             DIR/passwd, log DIR/dovecot.log, base_dir
#                             DIR/run, state_dir DIR/state), on
#                             127.0.0.1 only: IMAP on $DOVECOT_IMAP,
#                             POP3 on $DOVECOT_POP3, LMTP on the socket
#                             $DOVECOT_LMTP = DIR/lmtp and on TCP
#                             $DOVECOT_LMTP_PORT; no TLS, plain-text
#                             LOGIN/USER allowed; each USER (lower case,
#                             the login and LMTP name) has the password
#                             pw-USER and its INBOX in MAILDIR (its home),
#                             read as the Maildir's owner when root, as
#                             ourselves when not; waits until IMAP
#                             answers; $dovecot_pid; stopped at EXIT
#   stop_dovecot              stop it now (SIGTERM, then wait)
#
# PATH starts with $MW_BUILD/bin and /libexec.  When root and the build
# tree is not reachable by other users, mkhome (and run_unpriv after it)
# copy the programs into $T and put them first on PATH; $MW_PROGS is the
# tree in use.  MW_KEEP=1 keeps $T; MW_WAIT sets wait_for's deadline.
# $PYTHON runs the Python helpers: /usr/bin/python3 when it exists (a
# version manager's python3 shim on PATH costs most of a second a start),
# else python3 from PATH; set PYTHON to choose another.

set -u
umask 022
: "${MW_BUILD:=$(cd "${0%/*}/.." && pwd)/build}"
PATH="$MW_BUILD/bin:$MW_BUILD/libexec:$PATH"
MW_PROGS=$MW_BUILD
if [ -z "${PYTHON:-}" ]; then
	PYTHON=python3
	[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
fi
# tests never write into the source tree, not even Python's caches
PYTHONDONTWRITEBYTECODE=1
export MW_BUILD PATH PYTHON PYTHONDONTWRITEBYTECODE
T=
H=
_mw_n=0
_mw_fail=0
_mw_homes=
_mw_pids=
_mw_nhome=0

plan() { echo "1..$1"; }
diag() { printf '# %s\n' "$*" >&2; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

ok() {
	_mw_n=$((_mw_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_mw_n - $2"
	else
		echo "not ok $_mw_n - $2"
		_mw_fail=1
	fi
}

skip() {
	_mw_n=$((_mw_n + 1))
	echo "ok $_mw_n # skip $*"
}

is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
		return 0
	fi
	ok 1 "$3"
	mktemp_T
	printf '%s\n' "$2" >"$T/.want" 2>/dev/null &&
	printf '%s\n' "$1" >"$T/.got" 2>/dev/null &&
	    diff -u "$T/.want" "$T/.got" | sed 's/^/# /' >&2 ||
	    diag "got '$1', want '$2'"
	return 1
}

need() {
	for _c; do
		[ "$_c" = python3 ] && _c=$PYTHON
		command -v "$_c" >/dev/null 2>&1 || skip_all "no $_c"
	done
}

# the temp dir: traversable by the service users (tests run as root)
mktemp_T() {
	[ -n "$T" ] && return 0
	T=$(mktemp -d "${TMPDIR:-/tmp}/mw-t.XXXXXX") || exit 1
	chmod 755 "$T"
	trap '_mw_cleanup' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 141' PIPE
}

_mw_cleanup() {
	_rc=$?
	[ -n "$_mw_pids" ] && kill $_mw_pids 2>/dev/null
	for _h in $_mw_homes; do
		stop_home "$_h"
	done
	if [ -n "${MW_KEEP:-}" ]; then
		diag "kept $T"
	else
		rm -rf "$T"
	fi
	[ "$_rc" -eq 0 ] && [ "$_mw_fail" -ne 0 ] && _rc=1
	exit "$_rc"
}

# The service users must reach the programs: a build tree under a
# private directory (a clone in /root, say) is copied into $T once, and
# MW_PROGS names the tree in use.
_mw_progs() {
	[ "$(id -u)" -eq 0 ] && [ -z "${_mw_pdone:-}" ] || return 0
	_mw_pdone=1
	s6-setuidgid nobody test -x "$MW_BUILD/libexec/." && return 0
	for _d in bin libexec; do
		mkdir -p "$T/$_d" || exit 1
		for _f in "$MW_BUILD/$_d"/*; do
			case $_f in *.o|*.d) continue ;; esac
			[ -f "$_f" ] && [ -x "$_f" ] || continue
			cp "$_f" "$T/$_d/" && chmod 755 "$T/$_d/${_f##*/}" ||
			    exit 1
		done
	done
	MW_PROGS=$T
	PATH="$T/bin:$T/libexec:$PATH"
	diag "the build tree is private to root: programs copied to $T"
}

mkhome() {
	mktemp_T
	_mw_progs
	_mw_nhome=$((_mw_nhome + 1))
	H=$T/home$_mw_nhome
	_role=$1
	shift
	set -- "$_role" "$H" "$@"
	if [ -n "${MW_SANITIZED:-}" ]; then
		set -- "$@" --softlimit 0
		[ "$_role" = scanner ] && set -- "$@" --softlimit-scan 0
	fi
	if ! mailward-setup "$@" >"$T/setup$_mw_nhome.out" 2>&1; then
		sed 's/^/# /' "$T/setup$_mw_nhome.out" >&2
		echo "Bail out! mailward-setup $* failed"
		exit 1
	fi
}

# status_kid [N]: the id of the status key mailward-setup made for home N
# (by default the last one made), as its output says
status_kid() {
	sed -n 's/^mailward-setup: new status key \([0-9a-f]\{16\}\);.*/\1/p' \
	    "$T/setup${1:-$_mw_nhome}.out"
}

# mkgateway SCANNER SP GP [OPTION...]: a gateway home gw.example.org on
# 127.0.0.1:GP whose group is the scanner home SCANNER on port SP, its
# key trusted (and copied, readable by all, to $T/scanner.pub); G = the
# home
mkgateway() {
	cp "$1/keys/status.pub" "$T/scanner.pub" &&
	    chmod 644 "$T/scanner.pub" || exit 1
	_sp=$2
	_gp=$3
	shift 3
	mkhome gateway --listen "127.0.0.1:$_gp" --me gw.example.org \
	    --group "127.0.0.1:$_sp" --group-key "$T/scanner.pub" "$@"
	G=$H
}

# mkgateway_mail SCANNER SP GP [OPTION...]: mkgateway with the Maildirs
# of alice@ and admin@example.org, MD and AD
mkgateway_mail() {
	mkgateway "$@" --maildir alice@example.org=Maildir/alice \
	    --maildir admin@example.org=Maildir/admin
	MD=$G/Maildir/alice
	AD=$G/Maildir/admin
}

free_port() {
	"$PYTHON" -c '
import random, socket
for _ in range(500):
    p = random.randint(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    break
'
}

start_home() {
	_d=${1:-$H}
	s6-svscan "$_d/service" >>"$_d/svscan.out" 2>&1 &
	_mw_track "$_d" $!
}

# _mw_track DIR PID: stop_home DIR (at EXIT) ends PID and DIR's processes
_mw_track() {
	echo "$2" >"$1/svscan.pid"
	_mw_homes="$_mw_homes $1"
}

# _mw_killcwd DIR: kill every process whose cwd is inside DIR
_mw_killcwd() {
	for _q in /proc/[0-9]*; do
		_c=$(readlink "$_q/cwd" 2>/dev/null) || continue
		case $_c in
		"$1"|"$1"/*) kill -KILL "${_q#/proc/}" 2>/dev/null ;;
		esac
	done
	return 0
}

# Stop s6-svscan (its s6-supervise stop the services), then kill whatever
# of that home is left: every process whose cwd is inside it.
stop_home() {
	_d=${1:-$H}
	[ -f "$_d/svscan.pid" ] || return 0
	_p=$(cat "$_d/svscan.pid")
	rm -f "$_d/svscan.pid"
	s6-svscanctl -t "$_d/service" 2>/dev/null || kill -TERM "$_p" 2>/dev/null
	_i=0
	while kill -0 "$_p" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	_mw_killcwd "$_d"
}

wait_for() {
	_end=$(($(date +%s) + ${MW_WAIT:-20}))
	until "$@"; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.05
	done
	return 0
}

_mw_listening() {
	ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

wait_port() {
	wait_for _mw_listening "$1"
}

su_prefix() { [ "$(id -u)" -ne 0 ] || echo "s6-setuidgid $1"; }

as_user() {
	_u=$1
	shift
	$(su_prefix "$_u") "$@"
}

run_unpriv() {
	[ -n "$T" ] && _mw_progs
	as_user nobody "$@"
}

chown_unpriv() { [ "$(id -u)" -ne 0 ] || chown -R nobody "$1"; }

bare_home() {
	_d=$1
	shift
	mkdir -p "$_d/control" || exit 1
	for _q; do
		mkdir -p "$_d/queue/$_q/tmp" "$_d/queue/$_q/new" || exit 1
	done
}

mkmaildir() {
	for _m; do
		mkdir -p "$_m/tmp" "$_m/new" "$_m/cur" || exit 1
	done
}

_mw_count() {
	_k=0
	for _f in "$@"; do
		[ -f "$_f" ] && _k=$((_k + 1))
	done
	echo $_k
}

kill_at_exit() {
	mktemp_T
	_mw_pids="$_mw_pids $*"
}

spool_put() {
	_n=${3:-${1##*/}}
	cp "$1" "$2/tmp/$_n" && mv "$2/tmp/$_n" "$2/new/$_n"
}

maildir_count() { _mw_count "$1"/new/* "$1"/cur/*; }
maildir_atleast() { [ "$(maildir_count "$1")" -ge "$2" ]; }
spool_count() { _mw_count "$1"/new/*; }

svc_pid() {
	_s=$(s6-svstat -o pid "$1" 2>/dev/null) || return 0
	[ "$_s" != -1 ] && echo "$_s"
	return 0
}

wait_up() { s6-svwait -u -t 5000 "$1"; }

mw_log() { cat "${2:-$H}/log/$1/current" 2>/dev/null; }
log_has() { mw_log "$1" "${3:-$H}" | grep -q -e "$2"; }

# stage_db: for a scan stage's test: $EICAR, the test string; $T; $DB =
# $T/db, a copy of the test signatures that the test may change (the
# engine reads it as nobody too); $H = $T/home, not made
stage_db() {
	EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
	mktemp_T
	run_unpriv true		# programs reachable by nobody
	DB=$T/db
	H=$T/home
	mkdir "$DB" && cp "$(cd "${0%/*}/.." && pwd)"/t/data/sigs/mailward-test.* \
	    "$DB/" && chmod -R a+rX "$DB" || exit 1
}

test_sigs() {
	SIGS=$(cd "${0%/*}/.." && pwd)/t/data/sigs
	mktemp_T
	if [ "$(id -u)" -eq 0 ] &&
	    ! s6-setuidgid nobody test -r "$SIGS/mailward-test.ndb"; then
		[ -d "$T/sigs" ] || cp -R "$SIGS" "$T/sigs" || exit 1
		chmod -R a+rX "$T/sigs"
		SIGS=$T/sigs
	fi
}

clamd_ping() {
	"$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
try:
    s.connect(sys.argv[1])
    s.sendall(b"zPING\0")
    sys.exit(0 if s.recv(16).startswith(b"PONG") else 1)
except OSError:
    sys.exit(1)' "$1"
}

start_clamd() {
	mkdir -p "$1/tmp" || exit 1
	CLAMD_SOCK=$1/clamd.sock
	cat >"$1/clamd.conf" <<EOF
LocalSocket $CLAMD_SOCK
LocalSocketMode 666
DatabaseDirectory $2
TemporaryDirectory $1/tmp
LogFile $1/clamd.log
LogTime yes
Foreground yes
SelfCheck 1
MaxThreads 4
StreamMaxLength 100M
AlertExceedsMax yes
AlertEncrypted yes
AlertEncryptedArchive yes
AlertEncryptedDoc yes
EOF
	_d=$1
	shift 2
	for _l; do echo "$_l"; done >>"$_d/clamd.conf"
	set -- "$_d"
	: >>"$1/clamd.log"		# clamd (nobody) must open it too
	chown_unpriv "$1"
	$(su_prefix nobody) /usr/sbin/clamd -c "$1/clamd.conf" \
	    >/dev/null 2>>"$1/clamd.log" &	# stdout: the log again
	clamd_pid=$!
	kill_at_exit $clamd_pid
	MW_WAIT=120 wait_for clamd_ping "$CLAMD_SOCK"
}

stop_clamd() {
	kill -TERM "$clamd_pid" 2>/dev/null
	wait "$clamd_pid" 2>/dev/null
	return 0
}

dovecot_bin() {
	_p=$(command -v dovecot 2>/dev/null) || _p=/usr/sbin/dovecot
	[ -x "$_p" ] && echo "$_p"
}

# _mw_imap_ok PORT: true if an IMAP server greets "* OK" there
_mw_imap_ok() {
	"$PYTHON" -c '
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)
    sys.exit(0 if s.recv(64).startswith(b"* OK") else 1)
except OSError:
    sys.exit(1)' "$1"
}

# _mw_alive PID: true while PID runs (a zombie does not)
_mw_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	read -r _s <"/proc/$1/stat" 2>/dev/null || return 0
	_s=${_s##*) }
	[ "${_s%% *}" != Z ]
}

# up, or dead (then the wait is over: start_dovecot tells which)
_mw_dovecot_settled() {
	! _mw_alive "$dovecot_pid" || _mw_imap_ok "$DOVECOT_IMAP"
}

# _mw_dovecot_users DIR USER:MAILDIR...: DIR/passwd, Dovecot's
# passwd-file: user, password, uid, gid, gecos, home (the Maildir)
_mw_dovecot_users() {
	_d=$1
	shift
	: >"$_d/passwd" || return 1
	for _a; do
		_n=${_a%%:*}
		_m=${_a#*:}
		case $_m in /*) ;; *) _m=$PWD/$_m ;; esac
		if [ "$(id -u)" -eq 0 ]; then
			_o=$(stat -c %u:%g "$_m") || return 1
		else
			_o=$(id -u):$(id -g)
		fi
		if [ "${_o%%:*}" -eq 0 ]; then
			diag "start_dovecot: $_m is root's (Dovecot reads" \
			    "mail as its owner, never as root)"
			return 1
		fi
		printf '%s:{PLAIN}pw-%s:%s::%s::\n' "$_n" "$_n" "$_o" "$_m" \
		    >>"$_d/passwd" || return 1
	done
}

# _mw_dovecot_conf DIR: DIR/dovecot.conf for start_dovecot
_mw_dovecot_conf() {
	# as root, the Debian package's users dovecot and dovenull run the
	# internal and login processes; as anyone else, we run them all
	_u=
	_c=
	if [ "$(id -u)" -ne 0 ]; then
		_u="default_internal_user = $(id -un)
default_internal_group = $(id -gn)
default_login_user = $(id -un)"
		_c="chroot ="
	fi
	cat >"$1/dovecot.conf" <<EOF
# a private Dovecot for the tests (start_dovecot, t/lib.sh)
base_dir = $1/run
state_dir = $1/state
instance_name = mwtest-dovecot
protocols = imap pop3 lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
log_path = $1/dovecot.log
log_timestamp = "%Y-%m-%d %H:%M:%S "
$_u
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $1/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $1/passwd
}
service anvil {
  $_c
}
service imap-login {
  $_c
  inet_listener imap {
    address = 127.0.0.1
    port = $DOVECOT_IMAP
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  $_c
  inet_listener pop3 {
    address = 127.0.0.1
    port = $DOVECOT_POP3
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  unix_listener $DOVECOT_LMTP {
    mode = 0666
  }
  inet_listener lmtp {
    address = 127.0.0.1
    port = $DOVECOT_LMTP_PORT
  }
}
EOF
}

start_dovecot() {
	mktemp_T
	_d=$1
	shift
	case $_d in /*) ;; *) _d=$PWD/$_d ;; esac
	_b=$(dovecot_bin) || { diag "start_dovecot: no dovecot"; return 1; }
	_v=$("$_b" --version 2>/dev/null)
	case $_v in
	2.3.*) ;;
	*)
		diag "start_dovecot: a Dovecot 2.3 configuration," \
		    "for Dovecot '$_v'"
		return 1 ;;
	esac
	mkdir -p "$_d/run" "$_d/state" || exit 1
	_mw_dovecot_users "$_d" "$@" || return 1
	DOVECOT_IMAP=$(free_port)
	DOVECOT_POP3=$DOVECOT_IMAP
	DOVECOT_LMTP_PORT=$DOVECOT_IMAP
	while [ "$DOVECOT_POP3" = "$DOVECOT_IMAP" ]; do
		DOVECOT_POP3=$(free_port)
	done
	while [ "$DOVECOT_LMTP_PORT" = "$DOVECOT_IMAP" ] ||
	    [ "$DOVECOT_LMTP_PORT" = "$DOVECOT_POP3" ]; do
		DOVECOT_LMTP_PORT=$(free_port)
	done
	DOVECOT_LMTP=$_d/lmtp
	_mw_dovecot_conf "$_d" || exit 1
	"$_b" -F -c "$_d/dovecot.conf" >>"$_d/dovecot.out" 2>&1 &
	dovecot_pid=$!
	kill_at_exit $dovecot_pid
	if wait_for _mw_dovecot_settled && _mw_alive "$dovecot_pid" &&
	    _mw_imap_ok "$DOVECOT_IMAP"; then
		return 0
	fi
	diag "start_dovecot: no IMAP on 127.0.0.1:$DOVECOT_IMAP"
	cat "$_d/dovecot.out" "$_d/dovecot.log" 2>/dev/null | tail -n 20 |
	    sed 's/^/# /' >&2
	return 1
}

stop_dovecot() {
	kill -TERM "$dovecot_pid" 2>/dev/null
	wait "$dovecot_pid" 2>/dev/null
	return 0
}
