#!/bin/sh
# ISC license.
# t/filter-subject.sh FLAG: a spool-run filter for the tests.  The
# message's Subject chooses what it does; FLAG is a file whose existence
# turns "flaky" from failing to passing.
subj=$(sed -n 's/^Subject: //p' /dev/stdin | head -n 1)
case $subj in
pass)		exec cat ;;
route)		cat; exit 20 ;;
unrouted)	cat; exit 21 ;;
perm)		cat; exit 100 ;;
temp)		cat; exit 111 ;;
odd)		exit 7 ;;
signal)		cat; kill -9 $$ ;;
garbage)	echo garbage; exit 0 ;;
empty)		exit 0 ;;
hang)		exec sleep 300 ;;
flaky)		[ -e "$1" ] && exec cat; exit 111 ;;
*)		exit 111 ;;
esac
