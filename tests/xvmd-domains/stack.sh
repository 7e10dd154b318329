# Sourced by the tests of this suite: a private stack in a temporary
# directory: xvm-simhv (the machine and dom0's backends), xenstored,
# xvm-consoled and xvmd on them. Every daemon is stopped by its pid when
# the test exits (stack_stop, from the EXIT trap), and any log is printed
# when the test fails.
# Needs: XVMD XENSTORED SIMHV CONSOLED (paths), sets DIR URI URI_RO.
# With XVMD_VALGRIND (valgrind's path) xvmd runs under memcheck: any error
# or definite leak makes it exit 99, which fails the test.
set -u
DIR=$(mktemp -d /tmp/xvmd-domains.XXXXXX)
URI="xen:///system?socket=$DIR/virtxend-sock"
URI_RO="xen:///system?socket=$DIR/virtxend-sock-ro"
export LC_ALL=C
stack_pids=
fail() { echo "FAIL: $*" >&2; exit 1; }
wait_file() {
	i=0
	until [ -e "$1" ]; do
		i=$((i + 1)); [ $i -lt 200 ] || fail "$1 did not appear"; sleep 0.05
	done
}
# Stops every daemon, the last started first; xvmd must exit 0.
stack_stop() {
	rc=$?
	for pid in $stack_pids; do
		kill "$pid" 2>/dev/null
		wait "$pid" || { [ "$pid" = "$xvmd_pid" ] && echo "FAIL: xvmd exited with $?" >&2 && rc=1; }
	done
	[ "$rc" = 0 ] || tail -n 40 "$DIR"/*.log >&2 2>/dev/null
	rm -rf "$DIR"
	exit "$rc"
}
trap stack_stop EXIT
xvmd_pid=
# Starts the stack; extra arguments go to xvmd. Its libvirtd socket is
# one nobody serves: relayed calls never reach a system libvirtd.
stack_start() {
	"$SIMHV" -N --run-dir "$DIR/sim" --socket "$DIR/simhv.sock" \
		--xenstored "$DIR/xenstored.sock" --memory 4096 2>"$DIR/simhv.log" &
	stack_pids="$! $stack_pids"
	wait_file "$DIR/simhv.sock"
	"$XENSTORED" -N --socket "$DIR/xenstored.sock" --simhv "$DIR/simhv.sock" \
		2>"$DIR/xenstored.log" &
	stack_pids="$! $stack_pids"
	wait_file "$DIR/xenstored.sock"
	"$CONSOLED" -N --xenstored "$DIR/xenstored.sock" --simhv "$DIR/simhv.sock" \
		--log-dir "$DIR/consoles" --pid-file "$DIR/consoled.pid" 2>"$DIR/consoled.log" &
	stack_pids="$! $stack_pids"
	wait_file "$DIR/consoled.pid"
	xvmd_start "$@"
}
xvmd_start() {
	${XVMD_VALGRIND:+"$XVMD_VALGRIND" -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite} \
	"$XVMD" --foreground --run-dir "$DIR" --state-dir "$DIR/state" \
		--hv "sim:$DIR/simhv.sock" --xenstored "$DIR/xenstored.sock" \
		--libvirtd-socket "$DIR/no-libvirtd-sock" "$@" \
		2>>"$DIR/xvmd.log" &
	xvmd_pid=$!
	stack_pids="$xvmd_pid $stack_pids"
	wait_file "$DIR/xvmd.pid"
}
# Stops xvmd alone (a restart); it must exit 0.
xvmd_stop() {
	kill "$xvmd_pid"
	wait "$xvmd_pid" || fail "xvmd exited with $?"
	stack_forget "$xvmd_pid"
	rm -f "$DIR/xvmd.pid"
	xvmd_pid=
}
# Takes a process the test stopped itself off the list stack_stop stops.
stack_forget() {
	stack_pids=$(echo " $stack_pids " | sed "s/ $1 / /; s/^ *//")
}
