#!/bin/sh
# Tier 2: starts the stack with ./run --run-dir DIR --detach in a fresh
# directory, runs every virsh-tests/NN-*.sh with the endpoints ./run
# printed in its environment, and stops the stack by pid.
# Usage: virsh-tests/run-all.sh [BUILD_DIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${1:-$top/build}
failed=0

for t in "$here"/[0-9][0-9]-*.sh; do
	[ -e "$t" ] || continue
	dir=$(mktemp -d /tmp/xvm-stack.XXXXXX)
	name=$(basename "$t" .sh)
	if ! env_lines=$(XVM_BUILD_DIR=$build "$top/run" --run-dir "$dir" --detach --no-build); then
		echo "FAIL $name: the stack did not start"
		failed=$((failed + 1))
		rm -rf "$dir"
		continue
	fi
	# shellcheck disable=SC2046
	if env $env_lines XVM_RUN_DIR="$dir" XVM_TOP="$top" XVM_BUILD="$build" sh "$t"; then
		echo "PASS $name"
	else
		echo "FAIL $name"
		failed=$((failed + 1))
		for log in "$dir"/*.log; do
			[ -e "$log" ] && { echo "--- $log"; tail -20 "$log"; }
		done
	fi
	"$top/run" --run-dir "$dir" --stop || { echo "FAIL $name: the stack did not stop cleanly"; failed=$((failed + 1)); }
	rm -rf "$dir"
done
[ "$failed" = 0 ]
