#!/bin/sh
# ISC license.
# bench/transport.sh: messages per second through the transport,
#   smtp-recv -> queue/incoming -> spool-run + classify -> queue/local ->
#   deliver-maildir
# on this machine, in a gateway home written by mailward-setup and run by
# s6-svscan on 127.0.0.1.  The load generator on 127.0.0.1 stands in for
# a member of the group (--scan-policy source --scanner-net 127.0.0.1/32),
# so its mail is already scanned and nothing goes to the group
# (127.0.0.1:9, where nobody answers).  Not a test: it asserts nothing
# about time.
#
#   MW_BUILD=$PWD/build bench/transport.sh [MESSAGES] [CONNECTIONS] [BYTES]
set -u
: "${MW_BUILD:=$(cd "${0%/*}/.." && pwd)/build}"
. "${0%/*}/../t/lib.sh"

n=${1:-1000} c=${2:-4} size=${3:-4096}
port=$(free_port)
mktemp_T
mkhome gateway --listen 127.0.0.1:$port \
    --maildir rcpt@example.org="$T/Maildir" \
    --group 127.0.0.1:9 --scan-policy source --scanner-net 127.0.0.1/32
start_home
wait_port "$port" || { echo "bench: smtpd did not come up" >&2; exit 1; }
echo "# $(nproc) cores; $n messages of $size bytes over $c connections"
"${PYTHON:-python3}" "${0%/*}/smtpload.py" -p "$port" -t rcpt@example.org \
    -n "$n" -c "$c" -s "$size" -m "$T/Maildir"
