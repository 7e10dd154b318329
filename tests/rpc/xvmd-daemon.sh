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

# Out of descriptors: clients wait or fail, the daemon neither spins nor
# dies, and serves again once descriptors are free.
lim=$dir/limited
mkdir "$lim"
(ulimit -n 24 && exec "$xvmd" --foreground --run-dir "$lim" --state-dir "$lim/state" \
	2>"$lim/log") &
lim_pid=$!
i=0
until [ -e "$lim/xvmd.pid" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "limited xvmd did not start"; sleep 0.1
done
/usr/bin/python3 - "$lim/virtxend-sock" "$lim_pid" <<'PY' || fail "out of descriptors"
import os, socket, sys, time
path, pid = sys.argv[1], int(sys.argv[2])
def ticks():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])
held = []
for _ in range(40):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)        # the backlog takes it even when accept() cannot
    held.append(s)
start = ticks()
time.sleep(1)
hz = os.sysconf("SC_CLK_TCK")
assert ticks() - start < hz // 2, "xvmd spins while out of descriptors"
for s in held:
    s.close()
time.sleep(0.5)
# AUTH_LIST (66), serial 1: the daemon answers again.
hdr = (0x20008086, 1, 66, 0, 1, 0)
s = socket.socket(socket.AF_UNIX)
s.connect(path)
s.sendall((28).to_bytes(4, "big") + b"".join(v.to_bytes(4, "big") for v in hdr))
s.settimeout(5)
assert len(s.recv(4096)) >= 28, "no reply after descriptors came back"
PY
kill "$lim_pid"
wait "$lim_pid" || fail "limited xvmd exited with $?"
grep -q "cannot accept a client" "$lim/log" || fail "out of descriptors went unnoticed"

kill "$pid"
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "did not exit on SIGTERM"; sleep 0.1
done
pid=
[ ! -e "$dir/virtxend-sock" ] && [ ! -e "$dir/virtxend-sock-ro" ] || fail "sockets left"
[ ! -e "$dir/xvmd.pid" ] || fail "pid file left"
