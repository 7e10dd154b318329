#!/bin/sh
# Xen's own test program (libxenstore, honours XENSTORED_PATH) against the
# daemon at $XENSTORED_PATH (started by run-daemon.sh).
#
#   test-xenstore.sh TEST-XENSTORE            all 12 tests once, then -i 100
#   test-xenstore.sh TEST-XENSTORE -r SECS    random tests for SECS seconds
#
# Passes when every run exits 0, prints no "failed" line, and (for the
# fixed tests) reports all 12 tests.
set -u
: "${XENSTORED_PATH:?run me through run-daemon.sh}"
bin=${1:?usage: $0 TEST-XENSTORE [-r SECS]}
shift
[ -x "$bin" ] || { echo "no $bin (package xen-utils-4.17)" >&2; exit 1; }

tests="read 1|read 2000|write 1|write 2000|dir|rm node|rm dir|ta empty|ta empty x|ta rmw|ta rmw x|ta err"
out=$(mktemp "${TMPDIR:-/tmp}/xstest-xs.XXXXXX")
trap 'rm -f "$out"' EXIT
fail=0

run() {  # WHAT ARGS...
	what=$1
	shift
	"$bin" "$@" >"$out" 2>&1
	rc=$?
	sed 's/^/#   /' "$out"
	if [ $rc -ne 0 ]; then
		echo "not ok - test-xenstore $what: exit status $rc"; fail=1; return
	fi
	if grep -q 'failed' "$out"; then
		echo "not ok - test-xenstore $what: a test failed"; fail=1; return
	fi
	if [ "${check_all:-1}" = 1 ]; then
		missing=$(echo "$tests" | tr '|' '\n' | while read -r t; do
			grep -q "^$(printf '%-10s' "$t"):" "$out" || echo "$t"
		done)
		if [ -n "$missing" ]; then
			echo "not ok - test-xenstore $what: tests not run: $missing"
			fail=1; return
		fi
	fi
	echo "ok - test-xenstore $what"
}

if [ $# -eq 0 ]; then
	"$bin" -l | grep -c ':' | grep -qx 12 || { echo "not ok - test-xenstore -l does not list 12 tests"; fail=1; }
	run "(all 12 tests)"
	run "-i 100" -i 100
else
	check_all=0 run "$*" "$@"
fi
exit $fail
