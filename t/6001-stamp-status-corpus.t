#!/bin/sh
# ISC license.
# t/6001-stamp-status-corpus.t: stamp-status on real mail nobody here
# wrote (../shared/corpus/cpython-email, read-only): every message is
# stamped and verifies, by stamp-status -v and by the independent
# t/stampcheck.py; a changed body, an added Cc and a relay that turns LF
# into CRLF and adds empty lines at the end each give the expected result.
. "${0%/*}/lib.sh"
need stamp-status mailward-keygen openssl python3
src=$(cd "${0%/*}/.." && pwd)
corpus=${MW_CORPUS:-$src/../shared/corpus/cpython-email}
[ -d "$corpus" ] || skip_all "no corpus at $corpus"
plan 9

check=$src/t/stampcheck.py
mktemp_T
K=$T/keys
mkdir "$K" || exit 1
chown_unpriv "$K"
run_unpriv mailward-keygen "$K" >/dev/null 2>&1 || {
	echo "Bail out! mailward-keygen failed"
	exit 1
}
now=$(date +%s)
n=0
total=0
bad_stamp= bad_c= bad_body= bad_cc= bad_crlf= bad_keep=

# verify FILE: stamp-status -v's exit code
verify() { run_unpriv stamp-status -v -K "$K/status.pub" <"$1" >/dev/null 2>&1; }

for f in "$corpus"/msg_*.txt; do
	total=$((total + 1))
	b=${f##*/}
	b=$T/${b%.txt}
	{
		printf 'mailward 1\nid 1767225600.%s.%s\ntime 1767225600\n' $$ $total
		printf 'remote -\nhelo -\ntls 0\nfrom <a@example.org>\n'
		printf 'rcpt <b@example.net>\nverdict clean\n'
		printf 'scanned clamav/1.0.7/27450\n\n'
		cat "$f"
	} >"$b.in"
	if ! run_unpriv stamp-status -k "$K/status.key" <"$b.in" >"$b.out" \
	    2>"$b.err"; then
		bad_stamp="$bad_stamp ${f##*/}"
		continue
	fi
	# the message is the input with the one field added on top
	sed '1,/^$/d' "$b.out" | awk 'NR == 1 { s = 1; next }
	    s && /^[ \t]/ { next } { s = 0; print }' >"$b.rest"
	cmp -s "$b.rest" "$f" || {
		# awk adds a line end the file may lack: compare without it
		printf '%s' "$(cat "$b.rest")" | cmp -s - "$f" ||
		    bad_keep="$bad_keep ${f##*/}"
	}
	verify "$b.out" || bad_c="$bad_c ${f##*/}"
	# one byte more in the body
	{ cat "$b.out"; echo x; } >"$b.body"
	verify "$b.body"
	[ $? -eq 45 ] || bad_body="$bad_body ${f##*/}"
	# a Cc put on top, before the stamp
	sed '/^$/{a\
Cc: eve@example.com
:l
n
bl
}' "$b.out" >"$b.cc"
	verify "$b.cc"
	[ $? -eq 46 ] || bad_cc="$bad_cc ${f##*/}"
	# a relay: CRLF line ends and empty lines at the end
	{ sed '/^$/q' "$b.out"; sed '1,/^$/d' "$b.out" |
	    awk '{ sub(/\r$/, ""); printf "%s\r\n", $0 }'
	  printf '\r\n\r\n'; } >"$b.crlf"
	verify "$b.crlf" || bad_crlf="$bad_crlf ${f##*/}"
done

# the independent verifier, once over all of them
(cd "$T" && "$PYTHON" "$check" "$K/status.pub" "$now" 604800 msg_*.out \
    msg_*.body) >"$T/py.out" 2>&1
bad_py=$(grep -v ' valid$' "$T/py.out" | grep '\.out ' | cut -d' ' -f1)
bad_pybody=$(grep -v ' invalid body-changed$' "$T/py.out" | grep '\.body ' |
    cut -d' ' -f1)
[ "$(wc -l <"$T/py.out")" -eq $((2 * total)) ] ||
    bad_py="$bad_py (lines: $(wc -l <"$T/py.out"))"

is "$total" 48 "48 corpus messages"
is "${bad_stamp:-none}" none "every message is stamped"
is "${bad_keep:-none}" none "and kept byte for byte below the stamp"
is "${bad_c:-none}" none "every stamp verifies"
is "${bad_py:-none}" none "every stamp verifies by the independent verifier"
is "${bad_body:-none}" none "a byte added to the body: 45, body changed"
is "${bad_pybody:-none}" none "the independent verifier agrees"
is "${bad_cc:-none}" none "a Cc added: 46, headers changed"
is "${bad_crlf:-none}" none "CRLF and trailing empty lines: still valid"
