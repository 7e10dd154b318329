#!/bin/sh
# xvmd restarted under 20 running guests (persistent and transient, one
# paused, one started paused and resumed): every one found again with the
# same id, state and reason, persistence, autostart and XML (live and
# inactive), after a SIGTERM restart and again after a SIGKILL one.
# Events keep flowing: a client connected before the restart sees its
# connection closed (close callback), reconnects and gets the events of
# later changes; a client that connects after gets STOPPED on destroy and
# RESUMED on resume.
. "$STACK_SH"
stack_start
echo kernel >"$DIR/vmlinuz"
N=20

cat >"$DIR/common.py" <<'PY'
import json, sys, threading, time, libvirt
D = sys.argv[1]
URI = "xen:///system?socket=%s/virtxend-sock" % D
libvirt.registerErrorHandler(lambda *a: None, None)

def start_event_loop():
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                     daemon=True).start()

def guest_xml(i):
    return """<domain type='xen'>
  <name>r%02d</name>
  <uuid>%08d-aaaa-bbbb-cccc-dddddddddddd</uuid>
  <memory unit='MiB'>32</memory>
  <vcpu>%d</vcpu>
  <os><type>linux</type><kernel>%s/vmlinuz</kernel><cmdline>console=hvc0 n=%d</cmdline></os>
  <on_crash>preserve</on_crash>
  <devices>
    <disk type='file' device='disk'><source file='%s/vmlinuz'/><target dev='xvda'/></disk>
    <interface type='bridge'><source bridge='xenbr0'/><mac address='00:16:3e:00:00:%02x'/></interface>
    <console type='pty'/>
  </devices>
</domain>""" % (i, i, 1 + i % 3, D, i, D, i)

def snapshot(c):
    """Every guest as the daemon shows it."""
    snap = {}
    for d in c.listAllDomains(0):
        if d.name() == "Domain-0":
            continue
        snap[d.name()] = {
            "id": d.ID(), "state": d.state(), "persistent": d.isPersistent(),
            "autostart": d.autostart(), "uuid": d.UUIDString(),
            "xml": d.XMLDesc(0),
            "inactive": d.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE),
        }
    return snap

def wait_for(what, cond, timeout=30):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)
PY

# The guests: even ones defined and started, odd ones created (transient);
# r03 paused, r04 started paused then resumed, r06 autostart.
/usr/bin/python3 - "$DIR" "$N" <<'PY' || fail "setup"
import sys
sys.path.insert(0, sys.argv[1])
from common import *
n = int(sys.argv[2])
c = libvirt.open(URI)
for i in range(n):
    if i % 2 == 0:
        d = c.defineXML(guest_xml(i))
        d.createWithFlags(libvirt.VIR_DOMAIN_START_PAUSED if i == 4 else 0)
    else:
        d = c.createXML(guest_xml(i), 0)
c.lookupByName("r03").suspend()
c.lookupByName("r04").resume()
c.lookupByName("r06").setAutostart(1)
# The console ptys in the live XML, as xvm-consoled publishes them.
for i in range(n):
    wait_for("r%02d's console" % i,
             lambda: "tty='/dev/pts/" in c.lookupByName("r%02d" % i).XMLDesc(0))
snap = snapshot(c)
assert len(snap) == n, sorted(snap)
assert snap["r03"]["state"] == [libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PAUSED_USER]
assert snap["r04"]["state"] == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_UNPAUSED]
assert len(set(s["id"] for s in snap.values())) == n
json.dump(snap, open(D + "/before.json", "w"))
PY

# A client through the restarts: logs its connection closing, reconnects,
# registers again and logs the lifecycle events it gets.
cat >"$DIR/watcher.py" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from common import *
log = open(D + "/watcher.log", "a", buffering=1)
closed = threading.Event()
start_event_loop()

def on_event(conn, dom, event, detail, opaque):
    log.write("event %s %d %d\n" % (dom.name(), event, detail))

def on_close(conn, reason, opaque):
    log.write("closed %d\n" % reason)
    closed.set()

def connect():
    c = libvirt.open(URI)
    c.registerCloseCallback(on_close, None)
    c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_event, None)
    return c

c = connect()
log.write("connected\n")
while True:
    closed.wait()
    closed.clear()
    # Reconnect: xvmd is back once its socket answers.
    end = time.monotonic() + 60
    while True:
        try:
            c = connect()
            break
        except libvirt.libvirtError:
            if time.monotonic() > end:
                log.write("no reconnect\n")
                sys.exit(1)
            time.sleep(0.1)
    log.write("reconnected\n")
PY
/usr/bin/python3 "$DIR/watcher.py" "$DIR" &
watcher=$!
stack_pids="$watcher $stack_pids"
wait_file "$DIR/watcher.log"
i=0
until grep -q "^connected" "$DIR/watcher.log"; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "the watcher did not connect"; sleep 0.05
done

# After a restart: the same guests, ids, states and XML; then a change
# (STEP) whose events both clients must see.
cat >"$DIR/check.py" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from common import *
step, reconnects = sys.argv[2], int(sys.argv[3])
start_event_loop()
before = json.load(open(D + "/before.json"))
c = libvirt.open(URI)
after = snapshot(c)
assert sorted(after) == sorted(before), (sorted(before), sorted(after))
for name in before:
    for key in before[name]:
        assert after[name][key] == before[name][key], \
            "%s: %s was %r, is %r" % (name, key, before[name][key], after[name][key])
# A client registered after the restart.
got, cond = [], threading.Condition()
def on_event(conn, dom, event, detail, opaque):
    with cond:
        got.append((dom.name(), event, detail))
        cond.notify_all()
c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_event, None)
if step == "1":
    c.lookupByName("r05").destroy()
    want = [("r05", libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)]
    del before["r05"]
else:
    c.lookupByName("r03").resume()
    want = [("r03", libvirt.VIR_DOMAIN_EVENT_RESUMED, libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED)]
    c.lookupByName("r08").destroy()
    want.append(("r08", libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED))
with cond:
    assert cond.wait_for(lambda: len(got) >= len(want), 10), got
    assert got == want, (got, want)
# The client from before the restart: closed, back, and told as well.
log = lambda: open(D + "/watcher.log").read().splitlines()
wait_for("the watcher's events",
         lambda: all("event %s %d %d" % w in log() for w in want), 15)
lines = log()
assert lines.count("reconnected") == reconnects, lines
assert sum(l.startswith("closed ") for l in lines) == reconnects, lines
assert "closed %d" % libvirt.VIR_CONNECT_CLOSE_REASON_EOF in lines, lines
json.dump(snapshot(c), open(D + "/before.json", "w"))
print("%d guests found again after restart %s" % (len(after), step))
PY

t0=$(date +%s)
# A restart by SIGTERM: xvmd leaves the guests running.
xvmd_stop
xvmd_start
out=$(/usr/bin/python3 "$DIR/check.py" "$DIR" 1 1) || fail "after the SIGTERM restart: $out"
echo "$out"
# A restart after SIGKILL: the status files are all there is.
kill -9 "$xvmd_pid"
wait "$xvmd_pid"
stack_forget "$xvmd_pid"
rm -f "$DIR/xvmd.pid"
xvmd_start
out=$(/usr/bin/python3 "$DIR/check.py" "$DIR" 2 2) || fail "after the SIGKILL restart: $out"
echo "$out"
echo "restarts and checks took $(($(date +%s) - t0)) s"
grep -q "no reconnect" "$DIR/watcher.log" && fail "the watcher could not reconnect"
kill "$watcher"
wait "$watcher"
stack_forget "$watcher"
virsh -c "$URI" list --name | grep '^r' | while read -r g; do
	virsh -c "$URI" destroy "$g" >/dev/null || fail "destroy $g"
done
