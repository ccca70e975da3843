#!/bin/sh
# ISC license.
# bench/transport.sh: messages per second through the transport,
#   smtp-recv -> queue/incoming -> spool-run -> queue/local -> deliver-maildir
# on this machine, in a gateway home written by mailward-setup and run by
# s6-svscan on 127.0.0.1.  Not a test: it asserts nothing about time.
#
#   MW_BUILD=$PWD/build bench/transport.sh [MESSAGES] [CONNECTIONS] [BYTES]
set -u
: "${MW_BUILD:=$(cd "${0%/*}/.." && pwd)/build}"
. "${0%/*}/../t/lib.sh"

n=${1:-1000} c=${2:-4} size=${3:-4096}
port=$(free_port)
mktemp_T
mkhome gateway --listen 127.0.0.1:$port --maildir rcpt@example.org="$T/Maildir"
start_home
wait_port "$port" || { echo "bench: smtpd did not come up" >&2; exit 1; }
echo "# $(nproc) cores; $n messages of $size bytes over $c connections"
"${PYTHON:-python3}" "${0%/*}/smtpload.py" -p "$port" -t rcpt@example.org \
    -n "$n" -c "$c" -s "$size" -m "$T/Maildir"
