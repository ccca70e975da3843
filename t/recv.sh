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

as_recv() { as_user mwrecv "$@"; }

recv_start() {
	P=$(free_port)
	(cd "$H" && exec $(su_prefix mwrecv) tcpserver -R -H \
	    -l mx.test.example 127.0.0.1 "$P" "$MW_BUILD/libexec/smtp-recv" \
	    "$@") >>"$T/recv.log" 2>&1 &
	# lib.sh's stop_home ends it and any session in $H at EXIT
	_mw_track "$H" $!
	wait_port "$P" || { echo "Bail out! tcpserver did not start"; exit 1; }
}

ctl() {
	_n=$1
	shift
	printf '%s\n' "$@" >"$H/control/$_n"
	chmod 644 "$H/control/$_n"
}

raw() {
	"$PYTHON" "${0%/*}/smtpraw.py" "$P" "$@" >"$T/raw.out" 2>&1
	_rc=$?
	[ $_rc -ne 0 ] && sed 's/^/# /' "$T/raw.out" >&2
	return $_rc
}

new_count() { spool_count "$IN"; }
tmp_count() { _mw_count "$IN"/tmp/*; }
new_file() { ls "$IN/new"/* 2>/dev/null | head -n 1; }
recv_log() { cat "$T/recv.log" 2>/dev/null; }
_recv_logged() { grep -Eq "$1" "$T/recv.log" 2>/dev/null; }
logged() { wait_for _recv_logged "$1"; }
