#!/bin/sh
# xvmd with a hypervisor (xvm-simhv through --hv sim:PATH): the connection
# reports its version (virsh version, python getVersion); when the
# hypervisor goes away the call fails with an error and the connection
# stays; an --hv that cannot be opened stops the start.
# Usage: xvmd-hv.sh PATH-TO-XVMD PATH-TO-XVM-SIMHV
set -u
xvmd=$1 simhv=$2
dir=$(mktemp -d /tmp/xvmd-hv.XXXXXX)
sim_pid= pid=
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
	wait
	cat "$dir"/*.log >&2 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
wait_file() {
	i=0
	until [ -e "$1" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "$1 did not appear"; sleep 0.1
	done
}

"$simhv" --foreground --socket "$dir/simhv.sock" --run-dir "$dir/sim" \
	--pid-file "$dir/simhv.pid" 2>"$dir/simhv.log" &
sim_pid=$!
wait_file "$dir/simhv.pid"

out=$("$xvmd" --foreground --run-dir "$dir/bad" --hv "sim:$dir/absent.sock" 2>&1)
[ $? = 1 ] || fail "an --hv that does not answer: status not 1"
echo "$out" | grep -q "cannot open the hypervisor" || fail "bad --hv: $out"

"$xvmd" --foreground --run-dir "$dir" --state-dir "$dir/state" \
	--hv "sim:$dir/simhv.sock" 2>"$dir/xvmd.log" &
pid=$!
wait_file "$dir/xvmd.pid"
uri="xen:///system?socket=$dir/virtxend-sock"

out=$(virsh -c "$uri" version) || fail "virsh version: $out"
echo "$out" | grep -q "Running hypervisor: Xen 4.17.0" || fail "virsh version: $out"

/usr/bin/python3 - "$uri" "$sim_pid" <<'PY' || fail "python3-libvirt"
import os, signal, sys, time, libvirt
uri, sim_pid = sys.argv[1], int(sys.argv[2])
c = libvirt.open(uri)
assert c.getVersion() == 4017000, c.getVersion()
# The hypervisor goes away: an error, not a lost connection.
os.kill(sim_pid, signal.SIGTERM)
for _ in range(100):
    try:
        os.kill(sim_pid, 0)
        time.sleep(0.05)
    except ProcessLookupError:
        break
try:
    c.getVersion()
    raise SystemExit("getVersion without the hypervisor succeeded")
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_INTERNAL_ERROR, e
assert c.getType() == "Xen"
c.close()
PY
sim_pid=
kill "$pid"
wait "$pid" || fail "xvmd exited with $?"
pid=
