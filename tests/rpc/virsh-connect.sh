#!/bin/sh
# Real libvirt clients against a private xvmd: virsh (read-write and -r on
# the read-only socket) and python3-libvirt with an event loop. Fails when
# a client is missing: they are test dependencies (scripts/install-deps.sh).
# Usage: virsh-connect.sh PATH-TO-XVMD
set -u
xvmd=$1
dir=$(mktemp -d /tmp/xvmd-virsh.XXXXXX)
pid=
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid"
		rc=$?
		[ "$rc" = 0 ] || { echo "FAIL: xvmd exited with $rc" >&2; status=1; }
	fi
	cat "$dir/xvmd.log" >&2 2>/dev/null
	rm -rf "$dir"
	exit "$status"
}
status=1
trap 'status=$?; cleanup' EXIT
command -v virsh >/dev/null || fail "virsh is missing (libvirt-clients)"
/usr/bin/python3 -c 'import libvirt' || fail "python3-libvirt is missing"

# No hypervisor: its procedures are expected unsupported here.
unset XVM_SIMHV_SOCKET
"$xvmd" --foreground --run-dir "$dir" --state-dir "$dir/state" 2>"$dir/xvmd.log" &
pid=$!
i=0
until [ -e "$dir/xvmd.pid" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "xvmd did not start"; sleep 0.1
done
rw="xen:///system?socket=$dir/virtxend-sock"
ro="xen:///system?socket=$dir/virtxend-sock-ro"
host=$(hostname)

# virsh formats uri itself, but only after a successful connection.
[ "$(virsh -c "$rw" uri)" = "$rw" ] || fail "virsh uri"
out=$(virsh -c "$rw" hostname) || fail "virsh hostname"
case $out in "$host"*) ;; *) fail "virsh hostname said '$out', not $host" ;; esac
out=$(virsh -r -c "$ro" hostname) || fail "virsh -r hostname"
case $out in "$host"*) ;; *) fail "virsh -r hostname said '$out'" ;; esac
# version: the API part is ours; the hypervisor's needs the driver, and
# without it virsh reports the unsupported call, not a broken connection.
out=$(virsh -c "$rw" version 2>&1)
echo "$out" | grep -q "Using API: Xen 9.0.0" || fail "virsh version: $out"
echo "$out" | grep -q "not supported by the connection driver: virConnectGetVersion" ||
	fail "virsh version without a driver: $out"
# Unserved procedures: NO_SUPPORT, virsh says so and the daemon stays up.
out=$(virsh -c "$rw" list --all 2>&1) && fail "virsh list without a driver succeeded"
echo "$out" | grep -q "not supported" || fail "virsh list: $out"
# A URI the daemon does not serve.
out=$(virsh -c "xen:///session?socket=$dir/virtxend-sock" hostname 2>&1) &&
	fail "xen:///session accepted"
echo "$out" | grep -q "unexpected Xen URI path" || fail "xen:///session: $out"
# Event callbacks (316/317 for all 27 event ids) through virsh's event loop.
# (virsh exits 1 when the timeout ends the loop.)
out=$(virsh -c "$rw" event --all --timeout 1 2>&1)
echo "$out" | grep -q "events received: 0" || fail "virsh event: $out"

/usr/bin/python3 - "$rw" "$ro" "$host" <<'PY' || fail "python3-libvirt"
import sys, threading, libvirt
rw, ro, host = sys.argv[1:4]
libvirt.virEventRegisterDefaultImpl()
def run():
    while True:
        libvirt.virEventRunDefaultImpl()
threading.Thread(target=run, daemon=True).start()
for uri, open_ in ((rw, libvirt.open), (ro, libvirt.openReadOnly)):
    c = open_(uri)
    assert c.getType() == "Xen", c.getType()
    assert c.getHostname().startswith(host), c.getHostname()
    assert c.getURI() == uri, c.getURI()
    assert c.getLibVersion() == 9000000 or c.getLibVersion() >= 9000000
    assert c.isSecure() == 1
    assert c.isAlive() == 1
    c.registerCloseCallback(lambda *a: None, None)
    cb = c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                  lambda *a: None, None)
    c.domainEventDeregisterAny(cb)
    try:
        c.getVersion()
        raise SystemExit("getVersion without a driver succeeded")
    except libvirt.libvirtError as e:
        assert e.get_error_code() == libvirt.VIR_ERR_NO_SUPPORT, e
    c.unregisterCloseCallback()
    c.close()
# python often just drops the socket: the daemon copes.
c = libvirt.open(rw)
c.getType()
PY

# Still serving after all that.
virsh -c "$rw" hostname >/dev/null || fail "xvmd stopped answering"
