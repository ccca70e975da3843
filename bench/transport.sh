#!/bin/sh
# ISC license.
# bench/transport.sh: messages per second through the transport, in
# homes written by mailward-setup and run by s6-svscan on 127.0.0.1.
# Not a test: it asserts nothing about time.
#
# By default a gateway alone:
#   smtp-recv -> queue/incoming -> spool-run + classify -> queue/local ->
#   deliver-maildir
# The load generator on 127.0.0.1 stands in for a member of the group
# (--scan-policy source --scanner-net 127.0.0.1/32), so its mail is
# already scanned and nothing goes to the group (127.0.0.1:9, where
# nobody answers).
#
# With --loop, figure 3 whole: the gateway sends each message to a
# scanner (scan-stage-clamav -D with the test signatures, stamp-status,
# notify, relay back to the origin), classify checks the stamp and
# deliver-maildir stores it: two SMTP hops more, nine spools instead of
# two.
#
#   MW_BUILD=$PWD/build bench/transport.sh [--loop] [MESSAGES] [CONNECTIONS]
#       [BYTES]
set -u
: "${MW_BUILD:=$(cd "${0%/*}/.." && pwd)/build}"
. "${0%/*}/../t/lib.sh"

loop=0
[ "${1:-}" = --loop ] && { loop=1; shift; }
n=${1:-1000} c=${2:-4} size=${3:-4096}
port=$(free_port)
mktemp_T
if [ $loop -eq 1 ]; then
	test_sigs
	sp=$(free_port)
	mkhome scanner --listen "127.0.0.1:$sp" --me scan.example.net \
	    --subscriber @example.org --next-hop "origin:$port" \
	    --databases "$SIGS"
	S=$H
	mkgateway "$S" "$sp" "$port" --maildir rcpt@example.org="$T/Maildir"
	start_home "$S"
	wait_for log_has scan "engine loaded" "$S" ||
	    { echo "bench: the scanner did not come up" >&2; exit 1; }
	what="gateway -> scanner -> gateway -> Maildir"
else
	mkhome gateway --listen "127.0.0.1:$port" \
	    --maildir rcpt@example.org="$T/Maildir" \
	    --group 127.0.0.1:9 --scan-policy source \
	    --scanner-net 127.0.0.1/32
	G=$H
	what="gateway -> Maildir"
fi
start_home "$G"
wait_port "$port" || { echo "bench: smtpd did not come up" >&2; exit 1; }
echo "# $what: $(nproc) cores; $n messages of $size bytes over $c connections"
"${PYTHON:-python3}" "${0%/*}/smtpload.py" -p "$port" -t rcpt@example.org \
    -n "$n" -c "$c" -s "$size" -m "$T/Maildir"
