#!/bin/sh
# The stack as ./run --run-dir DIR --detach starts it (xenstored, xvmd and
# a per-user libvirtd under DIR), driven by virsh-tests/30-relay.sh; the
# stack is stopped by pid whatever happens.
# Usage: relay-stack.sh SOURCE_DIR BUILD_DIR
set -u
top=$1
build=$2
[ -x /usr/sbin/libvirtd ] || { echo "SKIP: libvirtd is not installed"; exit 77; }
dir=$(mktemp -d /tmp/xvm-relay.XXXXXX)
cleanup() {
	"$top/run" --run-dir "$dir" --stop
	rm -rf "$dir"
}
trap cleanup EXIT

env_lines=$(XVM_BUILD_DIR=$build "$top/run" --run-dir "$dir" --detach --no-build) ||
	{ echo "FAIL: the stack did not start"; exit 1; }
# shellcheck disable=SC2046
if ! env $env_lines XVM_RUN_DIR="$dir" sh "$top/virsh-tests/30-relay.sh"; then
	for log in "$dir"/*.log; do
		[ -e "$log" ] && { echo "--- $log"; tail -20 "$log"; }
	done
	exit 1
fi
