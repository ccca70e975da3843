#!/bin/sh
# ISC license.
# bench/scan.sh: messages per second through the scan stage, against
# libclamav alone, on one synthetic database and three clean messages:
#
#   floor    build/bench/scan-floor: the engine loaded once, each message
#            scanned with cav_scan_message() (the scan a clean message
#            costs in scan-stage-clamav), nothing else
#   filter   scan-stage-clamav -d DB < msg > out, one process per message
#            (the engine is loaded for every message)
#   daemon   scan-stage-clamav -D with control/scanworkers 1, then 2:
#            M spool files renamed into queue/scan/new at once, timed
#            until all are in queue/stamp/new (spool I/O and fsync
#            included)
#   chain    the same batches through two stages, one worker each:
#            scan-stage-clamav -D into queue/scan2, then scan-stage-clamd
#            -D (a clamd of our own on the same database, cache off) into
#            queue/stamp; skipped without /usr/sbin/clamd
#
# libclamav's clean-file cache is off wherever scan cost is measured
# (scan-floor by default, the stage through control/clamav-nocache), or a
# repeated message would cost only its md5.  Also reported: the engine's
# load time and RSS, and RSS/PSS/shared/private of the daemon's parent
# and workers (/proc/PID/smaps_rollup).  Each measurement runs for about
# --seconds at the floor's rate (message counts follow from it).  Not a
# test: it asserts nothing about time.  Everything is written under
# ${TMPDIR:-/tmp}; the database is cached there (mw-bench-db/, remove it
# to reclaim the space) by its parameters and sources.  libclamav writes
# temporary files for every MIME part: the filesystem of TMPDIR weighs on
# every figure (TMPDIR=/dev/shm measures them on tmpfs, the setting
# ../shared/LIBCLAMAV.md recommends for the workers).
#
#   MW_BUILD=$PWD/build bench/scan.sh [--quick] [--hashes N] [--body N]
#       [--logical N] [--seconds S] [--filter-runs N] [--permessages N]
set -u
: "${MW_BUILD:=$(cd "${0%/*}/.." && pwd)/build}"
. "${0%/*}/../t/lib.sh"
src=$(cd "${0%/*}/.." && pwd)

usage() {
	echo "usage: scan.sh [--quick] [--hashes N] [--body N] [--logical N]" \
	    "[--seconds S] [--filter-runs N] [--permessages N]" >&2
	exit 100
}

hashes=2000000 body=3000 logical=300 secs=10 fruns=3 perm=100
mmin=20 mmax=3000 mode=full
while [ $# -gt 0 ]; do
	case $1 in
	--quick) hashes=200000 secs=2 fruns=2 mmin=10 mmax=300 mode=quick ;;
	--hashes) hashes=${2:?}; shift ;;
	--body) body=${2:?}; shift ;;
	--logical) logical=${2:?}; shift ;;
	--seconds) secs=${2:?}; shift ;;
	--filter-runs) fruns=${2:?}; shift ;;
	--permessages) perm=${2:?}; shift ;;
	*) usage ;;
	esac
	shift
done

die() {
	echo "scan.sh: fatal: $*" >&2
	exit 111
}
nsec() { date +%s%N; }
# elapsed seconds since $1 (from nsec)
since() { echo "$1 $(nsec)" | awk '{ printf "%.3f", ($2 - $1) / 1e9 }'; }

mktemp_T
run_unpriv true || die "cannot run as nobody"	# programs reachable
floor=$MW_BUILD/bench/scan-floor
stage=$(command -v scan-stage-clamav) || die "no scan-stage-clamav"
[ -x "$floor" ] || die "no $floor: make $floor"

# --- the database, cached by its parameters and its sources ------------
dbroot=${TMPDIR:-/tmp}/mw-bench-db
sum=$(cat "$src/bench/mkdb" "$src"/t/data/sigs/*.?db | cksum | cut -d' ' -f1)
DB=$dbroot/h$hashes-b$body-l$logical-$sum
if [ -d "$DB" ]; then
	dbnote="cached"
else
	mkdir -p "$dbroot" && chmod 755 "$dbroot" || die "mkdir $dbroot"
	rm -rf "$DB.tmp"
	t0=$(nsec)
	"$PYTHON" "$src/bench/mkdb" -n "$hashes" -b "$body" -l "$logical" \
	    "$DB.tmp" >/dev/null || die "mkdb failed"
	mv "$DB.tmp" "$DB" || die "mv $DB"
	dbnote="built in $(since "$t0") s"
fi
dbsize=$(du -sm "$DB" | cut -f1)

# --- the messages: bare RFC 5322, deterministic --------------------------
M=$T/msg
mkdir -p "$M"
"$PYTHON" - "$M" <<'EOF' || die "cannot write the messages"
import base64, random, sys
d = sys.argv[1]
rng = random.Random(3)
words = ("the of and to in is that for it as was with be by on not he this "
         "are or his from at which but have an they you were her she there "
         "would their we him been has when who will more no if out so said "
         "what up its about into than them can only other new some could "
         "time these two may then do first any my now such like our over "
         "man me even most made after also did many before must through "
         "report quarter figures meeting schedule invoice attached please "
         "review budget project office regards thanks").split()
def text(n):
    out, line = [], []
    while sum(len(l) + 1 for l in out) < n:
        line.append(rng.choice(words))
        if len(" ".join(line)) > 66:
            out.append(" ".join(line))
            line = []
    return "\n".join(out) + "\n"
def head(i, subj, ctype):
    return ("Received: from mail.example.org (mail.example.org [192.0.2.7])\n"
            "\tby mx.example.net with ESMTPS; Wed, 27 Nov 2024 09:00:0%d +0000\n"
            "From: Alice Example <alice@example.org>\n"
            "To: Bob Example <bob@example.net>\n"
            "Subject: %s\n"
            "Date: Wed, 27 Nov 2024 09:00:0%d +0000\n"
            "Message-ID: <bench.%d@example.org>\n"
            "MIME-Version: 1.0\n%s\n" % (i, subj, i, i, ctype))
def attach(i, name, payload):
    b = "=-=bench-%d=-=" % i
    enc = base64.encodebytes(payload).decode()
    return (head(i, "the %s you asked for" % name,
                 'Content-Type: multipart/mixed; boundary="%s"\n' % b) +
            "This is a multi-part message in MIME format.\n\n--%s\n"
            "Content-Type: text/plain; charset=us-ascii\n\n%s\n--%s\n"
            "Content-Type: application/octet-stream; name=\"%s\"\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=\"%s\"\n\n%s--%s--\n"
            % (b, text(400), b, name, name, enc, b))
eicar = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
msgs = {
    "small-text": head(1, "minutes of the meeting",
                       "Content-Type: text/plain; charset=us-ascii\n") +
                  text(1700),
    "att-100k": attach(2, "report.bin", rng.randbytes(75 * 1024)),
    "att-2m": attach(3, "archive.bin", rng.randbytes(1536 * 1024)),
    "eicar": attach(4, "eicar.com", eicar),
}
for k, v in msgs.items():
    with open("%s/%s" % (d, k), "w") as f:
        f.write(v)
EOF
names="small-text att-100k att-2m"
msgbytes() { wc -c <"$M/$1" | tr -d ' '; }

# --- a home for the stage: control files, spools, owned by nobody -----------
H=$T/home
bare_home "$H" scan stamp quarantine
echo "$DB" >"$H/control/databases"
echo 1 >"$H/control/clamav-nocache"
echo "$perm" >"$H/control/scanpermessages"
mkdir -p "$H/tmp/filter" "$T/floor-tmp"
chown_unpriv "$H"
nocache_ok=1
grep -q -a 'clamav-nocache' "$stage" || nocache_ok=0

R=$T/results	# KEY VALUE lines
: >"$R"
put() { echo "$1 $2" >>"$R"; }
get() { awk -v k="$1" '$1 == k { print $2; exit }' "$R"; }

# --- floor ---------------------------------------------------------------
echo "# $mode run: floor" >&2
"$floor" -n 1000000 -t "$secs" -T "$T/floor-tmp" -e "$M/eicar" "$DB" \
    $(for m in $names; do echo "$M/$m"; done) >"$T/floor.out" ||
    die "scan-floor failed"
eval "$(awk '$1 == "load" { for (i = 2; i <= NF; i++) print "fl_" $i }' \
    "$T/floor.out" | sed 's/[^a-zA-Z0-9_=.]//g')"
for m in $names; do
	awk -v f="$M/$m" '$1 == "scan" && $2 == "file=" f {
	    for (i = 3; i <= NF; i++) { split($i, kv, "="); print kv[1], kv[2] } }' \
	    "$T/floor.out" >"$T/floor.$m"
	v=$(awk '$1 == "verdict" { print $2 }' "$T/floor.$m")
	[ "$v" = clean ] || die "floor: $m is $v"
	put "floor.$m" "$(awk '$1 == "per_s" { print $2 }' "$T/floor.$m")"
done

# --- filter mode: one process per message -----------------------------------
echo "# $mode run: filter mode" >&2
for m in $names; do
	t0=$(nsec)
	i=0
	while [ $i -lt "$fruns" ]; do
		(cd "$H" && export TMPDIR="$H/tmp/filter" &&
		    exec $(su_prefix nobody) scan-stage-clamav -d "$DB") \
		    <"$M/$m" >"$T/filter.out" 2>"$T/filter.err" ||
		    { cat "$T/filter.err" >&2; die "filter mode failed on $m"; }
		i=$((i + 1))
	done
	put "filter.$m" "$(echo "$fruns $(since "$t0")" |
	    awk '{ printf "%.2f", $1 / $2 }')"
	cmp -s "$M/$m" "$T/filter.out" || die "filter mode changed $m"
done

# --- daemon mode ----------------------------------------------------------------
# smaps KEY PID: "rss pss shared private" (MB) as RESULT lines
smaps() {
	awk -v k="$1" '
	/^Rss:/ { rss = $2 } /^Pss:/ { pss = $2 }
	/^Shared_(Clean|Dirty):/ { sh += $2 } /^Private_(Clean|Dirty):/ { pr += $2 }
	END { printf "%s %.1f/%.1f/%.1f/%.1f\n", k, rss / 1024, pss / 1024,
	    sh / 1024, pr / 1024 }' "/proc/$2/smaps_rollup" >>"$R"
}
workers_of() { ps -o pid= --ppid "$1" 2>/dev/null; }
nworkers() { [ "$(workers_of "$1" | wc -l)" -ge "$2" ]; }
loaded() { grep -q 'engine loaded' "$H/daemon.log" || ! kill -0 "$1"; }

# batch MSG N: N spool files of MSG into queue/scan at once, until all
# are out; prints "SECONDS QUARANTINED"
batch() {
	"$PYTHON" - "$H/queue" "$M/$1" "$2" "$(( ${MW_WAIT:-0} + 300 ))" <<'EOF'
import os, sys, time
q, msg, n, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
body = open(msg, "rb").read()
now, pid = int(time.time()), os.getpid()
ids = ["%d.%d.%x" % (now, pid, i) for i in range(n)]
for i in ids:
    with open("%s/scan/tmp/%s" % (q, i), "wb") as f:
        f.write(b"mailward 1\nid %s\ntime %d\nremote 192.0.2.7\nhelo bench\n"
                b"tls 0\nfrom <alice@example.org>\nrcpt <bob@example.net>\n\n"
                % (i.encode(), now) + body)
def out(d):
    return len(os.listdir("%s/%s/new" % (q, d)))
t0 = time.monotonic()
for i in ids:
    os.rename("%s/scan/tmp/%s" % (q, i), "%s/scan/new/%s" % (q, i))
while out("stamp") + out("quarantine") < n:
    if time.monotonic() - t0 > limit:
        sys.exit("batch: timed out")
    time.sleep(0.01)
dt = time.monotonic() - t0
print("%.3f %d" % (dt, out("quarantine")))
for d in ("stamp", "quarantine"):
    for f in os.listdir("%s/%s/new" % (q, d)):
        os.unlink("%s/%s/new/%s" % (q, d, f))
EOF
}

for w in 1 2; do
	echo "# $mode run: daemon, $w worker(s)" >&2
	echo "$w" >"$H/control/scanworkers"
	: >"$H/daemon.log"
	t0=$(nsec)
	(cd "$H" && exec $(su_prefix nobody) scan-stage-clamav -D \
	    -i queue/scan -o queue/stamp -q queue/quarantine) \
	    2>>"$H/daemon.log" &
	pid=$!
	kill_at_exit "$pid"
	MW_WAIT=600 wait_for loaded "$pid"
	kill -0 "$pid" 2>/dev/null || { cat "$H/daemon.log" >&2;
	    die "the daemon died"; }
	put "dload.$w" "$(since "$t0")"
	wait_for nworkers "$pid" "$w" || die "no workers"
	for m in $names; do
		n=$(awk -v r="$(get "floor.$m")" -v s="$secs" -v lo="$mmin" \
		    -v hi="$mmax" 'BEGIN { n = int(r * s); if (n < lo) n = lo;
		    if (n > hi) n = hi; print n }')
		r=$(batch "$m" "$n") || die "daemon: batch of $m failed"
		set -- $r
		[ "$2" = 0 ] || die "daemon: $m: $2 quarantined"
		put "daemon$w.$m" "$(echo "$n $1" |
		    awk '{ printf "%.2f", $1 / $2 }')"
		put "count.$m" "$n"
	done
	smaps "mem$w.parent" "$pid"
	k=0
	for c in $(workers_of "$pid"); do
		k=$((k + 1))
		smaps "mem$w.worker$k" "$c"
	done
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
done

# --- a chain of two stages: clamav, then clamd --------------------------------
chain=0
if [ -x /usr/sbin/clamd ]; then
	echo "# $mode run: chain clamav -> clamd, 1 worker each" >&2
	chain=1
	t0=$(nsec)
	start_clamd "$T/clamd" "$DB" "DisableCache yes" ||
	    die "clamd did not start on $DB"
	put cload "$(since "$t0")"
	mkdir -p "$H/queue/scan2/tmp" "$H/queue/scan2/new"
	echo 1 >"$H/control/scanworkers"
	echo "$CLAMD_SOCK" >"$H/control/clamd-address"
	chown_unpriv "$H"
	: >"$H/daemon.log"
	(cd "$H" && exec $(su_prefix nobody) scan-stage-clamav -D \
	    -i queue/scan -o queue/scan2 -q queue/quarantine) \
	    2>>"$H/daemon.log" &
	p1=$!
	(cd "$H" && exec $(su_prefix nobody) scan-stage-clamd -D \
	    -i queue/scan2 -o queue/stamp -q queue/quarantine) \
	    2>>"$H/daemon.log" &
	p2=$!
	kill_at_exit "$p1" "$p2"
	MW_WAIT=600 wait_for loaded "$p1"
	wait_for nworkers "$p1" 1 && wait_for nworkers "$p2" 1 ||
	    die "chain: no workers"
	for m in $names; do
		r=$(batch "$m" "$(get "count.$m")") ||
		    die "chain: batch of $m failed"
		set -- $r
		[ "$2" = 0 ] || die "chain: $m: $2 quarantined"
		put "chain.$m" "$(echo "$(get "count.$m") $1" |
		    awk '{ printf "%.2f", $1 / $2 }')"
	done
	kill -TERM "$p1" "$p2"
	wait "$p1" "$p2" 2>/dev/null
	stop_clamd
fi

# --- the table --------------------------------------------------------------------
sigs=${fl_sigs:-?}
echo
echo "mailward scan benchmark ($mode): $(nproc) cores, libclamav ${fl_engine:-?}"
echo "database: $hashes hash + $body body + $logical logical + project test" \
    "sigs = $sigs sigs, $dbsize MB ($dbnote)"
echo "          $DB"
echo "temp dirs on $(stat -f -c %T "$T") ($T); cache off;" \
    "scanpermessages $perm; filter mode: $fruns runs per message"
[ "$nocache_ok" = 1 ] || echo "WARNING: $stage does not read" \
    "control/clamav-nocache: daemon figures include libclamav's clean cache"
echo
printf 'engine load: floor %.2f s (RSS %.0f MB, peak %.0f MB);' \
    "$(echo "${fl_ms:-0}" | awk '{ print $1 / 1000 }')" \
    "$(echo "${fl_rss_kb:-0}" | awk '{ print $1 / 1024 }')" \
    "$(echo "${fl_hwm_kb:-0}" | awk '{ print $1 / 1024 }')"
printf ' daemon to "engine loaded": %s s (w=1), %s s (w=2)\n\n' \
    "$(get dload.1)" "$(get dload.2)"
printf '%-11s %8s %9s | %9s %8s | %6s %9s %6s | %9s %6s\n' message bytes \
    'floor/s' 'filter/s' ratio M 'daemon1/s' ratio 'daemon2/s' ratio
for m in $names; do
	f=$(get "floor.$m")
	printf '%-11s %8s %9.1f | %9.3f %8.5f | %6s %9.1f %6.3f | %9.1f %6.3f\n' \
	    "$m" "$(msgbytes "$m")" "$f" \
	    "$(get "filter.$m")" "$(echo "$(get "filter.$m") $f" |
	    awk '{ print $1 / $2 }')" "$(get "count.$m")" \
	    "$(get "daemon1.$m")" "$(echo "$(get "daemon1.$m") $f" |
	    awk '{ print $1 / $2 }')" \
	    "$(get "daemon2.$m")" "$(echo "$(get "daemon2.$m") $f" |
	    awk '{ print $1 / $2 }')"
done
echo "(ratio: messages/s over the floor's, which is one process: 2 workers" \
    "may pass 1; M: messages per daemon batch)"
if [ "$chain" = 1 ]; then
	echo
	echo "two-stage chain (clamav -D -> clamd -D, 1 worker each; clamd" \
	    "loaded the database in $(get cload) s):"
	printf '%-11s %9s %9s %6s\n' message 'daemon1/s' 'chain/s' ratio
	for m in $names; do
		printf '%-11s %9.1f %9.1f %6.3f\n' "$m" "$(get "daemon1.$m")" \
		    "$(get "chain.$m")" "$(echo "$(get "chain.$m") \
		    $(get "daemon1.$m")" | awk '{ print $1 / $2 }')"
	done
	echo "(ratio: the chain's messages/s over one stage's)"
fi
echo
echo "memory after the runs, MB (smaps_rollup): RSS / PSS / shared / private"
awk '$1 ~ /^mem/ { split($2, v, "/"); k = $1; sub(/^mem/, "w=", k);
    sub(/\./, " ", k);
    printf "  %-16s %8s %8s %8s %8s\n", k, v[1], v[2], v[3], v[4] }' "$R"
