#!/bin/sh
# The stack's xenstored serves Xen's own clients: xenstore-utils and
# libxenstore's test program, through the endpoint ./run printed.
set -eu
: "${XENSTORED_PATH:?}"
fail() { echo "  $*" >&2; exit 1; }

xenstore-write /vm/test/name guest1 /vm/test/memory 512
[ "$(xenstore-read /vm/test/name)" = guest1 ] || fail "read back"
[ "$(xenstore-list /vm/test | tr '\n' ' ')" = "name memory " ] || fail "list order"
xenstore-chmod /vm/test/name n0 r3
xenstore-ls -p /vm/test | grep -q '^name = "guest1" .*(n0,r3)$' || fail "permissions"
xenstore-ls -p /vm/test | grep -q '^memory = "512" .*(n0)$' || fail "permissions of a sibling"
xenstore-exists /vm/test/memory || fail "exists"
xenstore-rm /vm/test
! xenstore-exists /vm/test 2>/dev/null || fail "rm"

# A watch sees a write made by another client.
out=$(mktemp)
xenstore-watch -n 2 /vm/w > "$out" &
wpid=$!
i=0
until [ -s "$out" ] || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done
xenstore-write /vm/w/x 1
wait $wpid
grep -qx /vm/w/x "$out" || { cat "$out" >&2; fail "watch event"; }
rm -f "$out"

/usr/lib/xen-4.17/bin/test-xenstore > /dev/null || fail "test-xenstore"
