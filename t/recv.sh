# ISC license.
# t/recv.sh: smtp-recv under a real tcpserver, for the t/1xxx tests.
# Source it after lib.sh.
#
#   recv_home [SETUP-OPTS...]  $H = mkhome scanner --me mx.test.example ...
#   recv_start [ARG...]        tcpserver on a free port $P running
#                              smtp-recv ARG... as the receiving user
#   as_recv CMD...             run CMD as the receiving user (mwrecv when
#                              root, else ourselves)
#   ctl NAME VALUE...          write control/NAME (one line per VALUE)
#   raw STEP...                t/smtpraw.py $P STEP..., transcript in
#                              $T/raw.out (shown on failure)
#   new_count, tmp_count       files in queue/incoming/new, tmp
#   new_file                   the one file in queue/incoming/new
#   recv_log                   what smtp-recv logged so far
#   logged REGEX               wait until the log has a line matching REGEX

recv_home() {
	mkhome scanner --me mx.test.example "$@"
	IN=$H/queue/incoming
}

as_recv() {
	if [ "$(id -u)" -eq 0 ]; then
		s6-setuidgid mwrecv "$@"
	else
		"$@"
	fi
}

recv_start() {
	_ru=
	[ "$(id -u)" -eq 0 ] && _ru="s6-setuidgid mwrecv"
	P=$(free_port)
	(cd "$H" && exec $_ru tcpserver -R -H -l mx.test.example \
	    127.0.0.1 "$P" "$MW_BUILD/libexec/smtp-recv" "$@") \
	    >>"$T/recv.log" 2>&1 &
	_recv_pid=$!
	trap '_recv_stop; _mw_cleanup' EXIT
	wait_port "$P" || { echo "Bail out! tcpserver did not start"; exit 1; }
}

# tcpserver, then any session still running in the home
_recv_stop() {
	[ -n "${_recv_pid:-}" ] && kill "$_recv_pid" 2>/dev/null
	_recv_pid=
	for _q in /proc/[0-9]*; do
		_c=$(readlink "$_q/cwd" 2>/dev/null) || continue
		case $_c in
		"$H"|"$H"/*) kill -KILL "${_q#/proc/}" 2>/dev/null ;;
		esac
	done
	return 0
}

ctl() {
	_n=$1
	shift
	printf '%s\n' "$@" >"$H/control/$_n"
	chmod 644 "$H/control/$_n"
}

raw() {
	python3 "${0%/*}/smtpraw.py" "$P" "$@" >"$T/raw.out" 2>&1
	_rc=$?
	[ $_rc -ne 0 ] && sed 's/^/# /' "$T/raw.out" >&2
	return $_rc
}

_recv_count() {
	_k=0
	for _f in "$1"/*; do
		[ -f "$_f" ] && _k=$((_k + 1))
	done
	echo $_k
}
new_count() { _recv_count "$IN/new"; }
tmp_count() { _recv_count "$IN/tmp"; }
new_file() { ls "$IN/new"/* 2>/dev/null | head -n 1; }
recv_log() { cat "$T/recv.log" 2>/dev/null; }
_recv_logged() { grep -Eq "$1" "$T/recv.log" 2>/dev/null; }
logged() { wait_for _recv_logged "$1"; }
