# ISC license.
# t/relay.sh: helpers for the t/3xxx-relay-*.t tests; source after lib.sh.
#
#   relay_home               $H = a bare relay home: control/, queue/outbound,
#                            queue/failed; fast retries (retrybase 1)
#   relay_start [ARG...]     run relay [ARG...] in $H in the background, as
#                            nobody
#                            when root; $RELAY_PID; log in $H/relay.log
#   relay_stop               SIGTERM and wait; RELAY_RC = its exit status
#   relay_log                the log so far
#   sink_start NAME PORT [OPTS...]   t/smtpsink.py recording into $T/NAME;
#                            a PORT starting with / is a unix socket
#   sink_count NAME          messages the sink NAME recorded
#   sink_atleast NAME N      true once it recorded N (for wait_for)
#   sink_grep NAME RE        the first recorded file of NAME matching RE
#   spool_msg ID FROM RCPT...        message on stdin into queue/outbound
#                            (queue/$SPOOL_Q if set)
#                            ($SPOOL_TIME overrides the arrival time)
#   sink_cert                $T/cert.pem and $T/key.pem: a self-signed
#                            certificate for the sinks' STARTTLS
#   body_of FILE             the data part of a sink file
#   newid                    ID = a fresh queue id

_mw_relay_n=0

relay_home() {
	mktemp_T
	_mw_relay_n=$((_mw_relay_n + 1))
	H=$T/relay$_mw_relay_n
	bare_home "$H" outbound failed
	echo relay.test >"$H/control/me"
	echo 1 >"$H/control/retrybase"
	echo 1 >"$H/control/retrymax"
	echo 5 >"$H/control/timeoutconnect"
	echo 20 >"$H/control/timeoutremote"
	chown_unpriv "$H"
}

relay_start() {
	_su=$(su_prefix nobody)
	$_su sh -c 'cd "$1" && shift && exec relay "$@"' relay "$H" "$@" \
	    2>>"$H/relay.log" &
	RELAY_PID=$!
	# lib.sh's stop_home ends it (and anything with its cwd in $H) at EXIT
	_mw_track "$H" "$RELAY_PID"
	wait_for grep -q 'relay: info: start' "$H/relay.log"
}

relay_stop() {
	kill -TERM "$RELAY_PID"
	wait "$RELAY_PID"
	RELAY_RC=$?
	rm -f "$H/svscan.pid"
}

relay_log() { cat "$H/relay.log" 2>/dev/null; }

sink_start() {
	mktemp_T
	_n=$1
	_p=$2
	shift 2
	mkdir -p "$T/$_n"
	case $_p in
	/*) set -- -u "$_p" "$@" ;;
	*) set -- -p "$_p" "$@" ;;
	esac
	(cd "$T/$_n" && exec "$PYTHON" "$MW_SRC/t/smtpsink.py" \
	    -d "$T/$_n" "$@") 2>>"$T/$_n.log" &
	_mw_track "$T/$_n" $!
	case $_p in
	/*) wait_for test -S "$_p" ;;
	*) wait_port "$_p" ;;
	esac
}

sink_count() { spool_count "$T/$1"; }
sink_atleast() { [ "$(sink_count "$1")" -ge "$2" ]; }

sink_grep() {
	for _f in "$T/$1"/new/*; do
		[ -f "$_f" ] && grep -q -e "$2" "$_f" && { echo "$_f"; return 0; }
	done
	return 1
}

spool_msg() {
	_id=$1
	_from=$2
	shift 2
	{
		printf 'mailward 1\nid %s\ntime %s\nremote 127.0.0.1\n' "$_id" \
		    "${SPOOL_TIME:-$(date +%s)}"
		printf 'helo client.test\ntls 0\nfrom <%s>\n' "$_from"
		for _r; do
			printf 'rcpt <%s>\n' "$_r"
		done
		printf '\n'
		cat
	} >"$H/queue/${SPOOL_Q:-outbound}/tmp/$_id" &&
	    mv "$H/queue/${SPOOL_Q:-outbound}/tmp/$_id" \
	    "$H/queue/${SPOOL_Q:-outbound}/new/$_id"
}

sink_cert() {
	mktemp_T
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
	    -subj /CN=sink.test >"$T/openssl.out" 2>&1 ||
	    { cat "$T/openssl.out" >&2; exit 1; }
}

body_of() { sed '1,/^$/d' "$1"; }

newid() {
	_mw_relay_n=$((_mw_relay_n + 1))
	ID="$(date +%s).$$.t$_mw_relay_n"
}

: "${MW_SRC:=$(cd "${0%/*}/.." && pwd)}"
