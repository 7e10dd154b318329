#!/bin/sh
# Persistence: with --persistent DIR the store survives a restart.
#
#   test-persistent.sh XENSTORED XS_BULK [N]     (N nodes, default 100000)
#
# Writes N nodes (values, and permissions on every 100th) with pipelined
# raw requests, removes a subtree, stops the daemon with SIGTERM (by pid),
# starts it again on the same directory and reads everything back.  A
# third start without --persistent must come up empty (the store lives in
# DIR, nowhere else).  Xen's C xenstored has no such option: skipped (77).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/daemon-lib.sh"

[ $# -ge 2 ] || { echo "usage: $0 XENSTORED XS_BULK [N]" >&2; exit 2; }
bulk=$2
n=${3:-100000}

trap 'xs_cleanup' EXIT
trap 'exit 130' INT TERM
xs_setup "$1" || exit $?
if [ "$XSTEST_DAEMON" = cxenstored ]; then
	echo "test-persistent: C xenstored has no --persistent; skipped"
	exit 77
fi

fail() { echo "test-persistent: FAIL: $*" >&2; exit 1; }
store=$XSTEST_DIR/store
mkdir "$store"

echo "# start 1 (--persistent $store)"
xs_start --persistent "$store" || fail "daemon did not start"
"$bulk" write /persist "$n" || fail "writing $n nodes"
xenstore-write /persist/gone/a 1 /persist/gone/b 2 /persist/kept "kept value" ||
	fail "xenstore-write"
xenstore-rm /persist/gone || fail "xenstore-rm"
xenstore-chmod /persist/kept n0 r7 b8 || fail "xenstore-chmod"
xs_stop || fail "daemon did not stop cleanly (1)"
[ -n "$(ls -A "$store")" ] || fail "nothing was written in $store"

echo "# start 2 (same store)"
xs_start --persistent "$store" || fail "daemon did not restart"
"$bulk" check /persist "$n" || fail "nodes lost or changed across the restart"
[ "$(xenstore-read /persist/kept)" = "kept value" ] || fail "/persist/kept"
perms=$(xenstore-ls -p /persist | sed -n 's/^kept = .*(\(.*\))$/\1/p')
[ "$perms" = "n0,r7,b8" ] || fail "/persist/kept permissions: '$perms'"
if xenstore-exists /persist/gone; then
	fail "a removed node came back"
fi
ndirs=$(xenstore-list /persist | grep -c '^d')
[ "$ndirs" -eq $(( (n + 999) / 1000 )) ] || fail "/persist has $ndirs d* children"
# The store still works and keeps changing.
xenstore-write /persist/after restart || fail "write after restart"
xs_stop || fail "daemon did not stop cleanly (2)"

echo "# start 3 (same store again)"
xs_start --persistent "$store" || fail "daemon did not restart (3)"
[ "$(xenstore-read /persist/after)" = restart ] || fail "/persist/after"
xs_stop || fail "daemon did not stop cleanly (3)"

echo "# start 4 (no --persistent)"
xs_start || fail "daemon did not start without --persistent"
if xenstore-exists /persist; then
	fail "/persist exists in a store that is not persistent"
fi
xs_stop || fail "daemon did not stop cleanly (4)"
echo "test-persistent: PASS ($n nodes)"
