#!/bin/sh
# xvmd as a daemon: forks once its sockets listen (the parent's status
# says so), refuses a run directory another xvmd serves, refuses bad
# options, and on SIGTERM removes its sockets and pid file.
# Usage: xvmd-daemon.sh PATH-TO-XVMD
set -u
xvmd=$1
dir=$(mktemp -d /tmp/xvmd-daemon.XXXXXX)
pid=
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

"$xvmd" --run-dir "$dir" --state-dir "$dir/state" || fail "start: status $?"
[ -f "$dir/xvmd.pid" ] || fail "no pid file"
pid=$(cat "$dir/xvmd.pid")
kill -0 "$pid" || fail "the daemon is not running"
[ -S "$dir/virtxend-sock" ] && [ -S "$dir/virtxend-sock-ro" ] || fail "no sockets"
[ "$(stat -c %a "$dir/virtxend-sock")" = 700 ] || fail "rw socket mode"
[ "$(stat -c %a "$dir/virtxend-sock-ro")" = 777 ] || fail "ro socket mode"
[ "$(stat -c %a "$dir/state")" = 700 ] || fail "state dir mode"

# A second daemon on the same directory: refused, the first one unharmed.
out=$("$xvmd" --foreground --run-dir "$dir" --state-dir "$dir/state" \
	--pid-file "$dir/second.pid" 2>&1)
[ $? = 1 ] || fail "second daemon: status not 1"
echo "$out" | grep -q "another daemon is listening" || fail "second daemon: $out"
[ -S "$dir/virtxend-sock" ] || fail "the second daemon removed the socket"
kill -0 "$pid" || fail "the first daemon died"

"$xvmd" --bogus >/dev/null 2>&1; [ $? = 2 ] || fail "bad option: status not 2"
"$xvmd" --hv bogus >/dev/null 2>&1; [ $? = 2 ] || fail "bad --hv: status not 2"
"$xvmd" extra >/dev/null 2>&1; [ $? = 2 ] || fail "extra argument: status not 2"
"$xvmd" --help | grep -q -- --run-dir || fail "--help"
"$xvmd" --version | grep -q "^xvmd" || fail "--version"

kill "$pid"
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "did not exit on SIGTERM"; sleep 0.1
done
pid=
[ ! -e "$dir/virtxend-sock" ] && [ ! -e "$dir/virtxend-sock-ro" ] || fail "sockets left"
[ ! -e "$dir/xvmd.pid" ] || fail "pid file left"
