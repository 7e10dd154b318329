#!/bin/sh
# Starting and stopping through virsh and python3-libvirt, with the events
# they produce: virsh event --all --loop records them, and a python client
# checks each callback's id, domain and detail. Also: live XML (id, the
# console's pty), info of a running domain, createXML (transient), start
# --paused, a define while running (isUpdated), wrong-state errors.
. "$STACK_SH"
stack_start

echo kernel >"$DIR/vmlinuz"
cat >"$DIR/g1.xml" <<XML
<domain type='xen'>
  <name>g1</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <memory unit='MiB'>128</memory>
  <vcpu>2</vcpu>
  <os><type>linux</type><kernel>$DIR/vmlinuz</kernel></os>
  <devices><console type='pty'/></devices>
</domain>
XML

virsh -c "$URI" event --all --loop >"$DIR/events.txt" 2>&1 &
ev_pid=$!
stack_pids="$ev_pid $stack_pids"
# virsh registers its callbacks (316) before it prints anything: wait for
# them through a domain event of our own making below, not a sleep.

virsh -c "$URI" define "$DIR/g1.xml" >/dev/null || fail "define"
i=0
until grep -q "Defined Added" "$DIR/events.txt"; do
	# virsh event may not have registered yet: define again (Updated).
	i=$((i + 1)); [ $i -lt 100 ] || fail "virsh event saw no define"
	virsh -c "$URI" define "$DIR/g1.xml" >/dev/null; sleep 0.1
	grep -q "Defined Updated" "$DIR/events.txt" && break
done
out=$(virsh -c "$URI" start g1) || fail "start: $out"
out=$(virsh -c "$URI" domstate g1 --reason) || fail "domstate"
[ "$(echo "$out" | head -1)" = "running (booted)" ] || fail "domstate running: $out"
id=$(virsh -c "$URI" domid g1 | head -1)
[ "$id" -ge 1 ] || fail "domid: $id"
out=$(virsh -c "$URI" list --name | grep -v '^$' | tr '\n' ' ')
[ "$out" = "Domain-0 g1 " ] || fail "list: $out"
# The live XML: the id, and the console's pty once xvm-consoled has it.
i=0
until virsh -c "$URI" dumpxml g1 | grep -q "<console type='pty' tty='/dev/pts/"; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no console tty in the live XML"; sleep 0.1
done
virsh -c "$URI" dumpxml g1 >"$DIR/live.xml"
grep -q "<domain type='xen' id='$id'>" "$DIR/live.xml" || fail "live XML id"
virt-xml-validate "$DIR/live.xml" domain >/dev/null 2>&1 || fail "live XML does not validate"
virsh -c "$URI" dumpxml --inactive g1 | grep -q "id=\|tty=" && fail "inactive XML has live data"

virsh -c "$URI" suspend g1 >/dev/null || fail "suspend"
[ "$(virsh -c "$URI" domstate g1 --reason | head -1)" = "paused (user)" ] || fail "paused"
virsh -c "$URI" resume g1 >/dev/null || fail "resume"
virsh -c "$URI" shutdown g1 >/dev/null || fail "shutdown"
i=0
until [ "$(virsh -c "$URI" domstate g1 --reason | head -1)" = "shut off (shutdown)" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "g1 did not shut down"; sleep 0.1
done
virsh -c "$URI" start g1 >/dev/null || fail "start again"
virsh -c "$URI" destroy g1 >/dev/null || fail "destroy"
[ "$(virsh -c "$URI" domstate g1 --reason | head -1)" = "shut off (destroyed)" ] || fail "destroyed"
out=$(virsh -c "$URI" destroy g1 2>&1) && fail "destroy of a stopped domain"
echo "$out" | grep -q "domain is not running" || fail "destroy twice: $out"
virsh -c "$URI" undefine g1 >/dev/null || fail "undefine"

i=0
until grep -q "Undefined Removed" "$DIR/events.txt"; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "virsh event: $(cat "$DIR/events.txt")"; sleep 0.1
done
kill "$ev_pid"; wait "$ev_pid"
stack_pids=$(echo "$stack_pids" | sed "s/^$ev_pid //")
# From the start on, in this order.
sed -n "/Started Booted/,\$p" "$DIR/events.txt" | sed "s/^event 'lifecycle' for domain 'g1': //" |
	grep -v '^$' >"$DIR/seen.txt"
cat >"$DIR/want.txt" <<TXT
Started Booted
Suspended Paused
Resumed Unpaused
Shutdown Finished
Stopped Shutdown
Started Booted
Stopped Destroyed
Undefined Removed
TXT
diff "$DIR/want.txt" "$DIR/seen.txt" >&2 || fail "events"

/usr/bin/python3 - "$URI" "$DIR" <<'PY' || fail "python3-libvirt"
import sys, threading, time, libvirt
uri, d = sys.argv[1:3]
libvirt.registerErrorHandler(lambda *a: None, None)
libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                 daemon=True).start()
c = libvirt.open(uri)
got, cond = [], threading.Condition()
def on_event(conn, dom, event, detail, tag):
    with cond:
        got.append((tag, dom.name(), event, detail))
        cond.notify_all()
def expect(*want):
    with cond:
        assert cond.wait_for(lambda: len(got) >= len(want), 10), (got, want)
        assert got[:len(want)] == list(want), (got, want)
        del got[:len(want)]
def err(code, f, *a):
    try:
        f(*a)
    except libvirt.libvirtError as e:
        assert e.get_error_code() == code, (f.__name__, e.get_error_code(), str(e))
        return str(e)
    raise AssertionError("%s%r succeeded" % (f.__name__, a))
E = libvirt
all_cb = c.domainEventRegisterAny(None, E.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_event, "all")
xml = open(d + "/g1.xml").read()

# createXML: a transient domain, gone once destroyed.
t = c.createXML(xml.replace("g1", "t1").replace("11111111", "22222222"), 0)
assert t.ID() > 0 and t.isActive() and not t.isPersistent()
expect(("all", "t1", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED))
info = t.info()
assert info[0] == E.VIR_DOMAIN_RUNNING and info[1] == 131072 and info[3] == 2, info
assert c.lookupByID(t.ID()).name() == "t1" and t.ID() in c.listDomainsID()
t.destroy()
expect(("all", "t1", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_DESTROYED))
err(E.VIR_ERR_NO_DOMAIN, c.lookupByName, "t1")

# A callback for one domain only sees that domain's events.
g = c.defineXML(xml)
expect(("all", "g1", E.VIR_DOMAIN_EVENT_DEFINED, E.VIR_DOMAIN_EVENT_DEFINED_ADDED))
one_cb = c.domainEventRegisterAny(g, E.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_event, "g1")
assert one_cb != all_cb
g.createWithFlags(E.VIR_DOMAIN_START_PAUSED)
with cond:
    assert cond.wait_for(lambda: len(got) >= 4, 10), got
    for tag in ("all", "g1"):
        mine = [x[1:] for x in got if x[0] == tag]
        assert mine == [("g1", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED),
                        ("g1", E.VIR_DOMAIN_EVENT_SUSPENDED, E.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED)], got
    del got[:]
assert g.state()[0] == E.VIR_DOMAIN_PAUSED
g = c.lookupByName("g1")
assert g.ID() > 0 and not g.isUpdated()
# A define while it runs: the next start's config; the running one stays.
c.defineXML(xml.replace("<vcpu>2</vcpu>", "<vcpu>3</vcpu>"))
expect(("all", "g1", E.VIR_DOMAIN_EVENT_DEFINED, E.VIR_DOMAIN_EVENT_DEFINED_UPDATED),
       ("g1", "g1", E.VIR_DOMAIN_EVENT_DEFINED, E.VIR_DOMAIN_EVENT_DEFINED_UPDATED))
assert g.isUpdated() and g.info()[3] == 2
assert "<vcpu placement='static'>3</vcpu>" in g.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
c.domainEventDeregisterAny(one_cb)
g.resume()
expect(("all", "g1", E.VIR_DOMAIN_EVENT_RESUMED, E.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED))
m = err(E.VIR_ERR_OPERATION_INVALID, g.create)
assert m == "Requested operation is not valid: domain is already running", m
g.destroyFlags(0)
expect(("all", "g1", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_DESTROYED))
assert g.info()[3] == 3 and not g.isUpdated()
g.undefine()
expect(("all", "g1", E.VIR_DOMAIN_EVENT_UNDEFINED, E.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED))

# virt-install's way: createXML, then defineXML of the same domain, which
# makes the running transient domain persistent.
v = c.createXML(xml.replace("g1", "vi1"), 0)
expect(("all", "vi1", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED))
assert not v.isPersistent()
c.defineXML(xml.replace("g1", "vi1"))
expect(("all", "vi1", E.VIR_DOMAIN_EVENT_DEFINED, E.VIR_DOMAIN_EVENT_DEFINED_ADDED))
v = c.lookupByName("vi1")
assert v.isPersistent() and v.isActive() and not v.isUpdated()
# Reboot: the guest restarts, as a new hypervisor domain.
old = v.ID()
v.reboot(0)
for _ in range(100):
    v = c.lookupByName("vi1")
    if v.ID() not in (-1, old) and v.state()[0] == E.VIR_DOMAIN_RUNNING:
        break
    time.sleep(0.1)
else:
    raise AssertionError("vi1 did not reboot: %r %r" % (v.ID(), v.state()))
err(E.VIR_ERR_INVALID_ARG, v.reboot, 1 << 10)
err(E.VIR_ERR_INVALID_ARG, v.shutdownFlags, 1 << 10)
err(E.VIR_ERR_INVALID_ARG, v.destroyFlags, 1 << 10)
v.destroy()
v.undefine()
with cond:
    del got[:]
c.domainEventDeregisterAny(all_cb)
c.close()
PY
