#!/bin/sh
# xvmd restarted on the stack ./run started (by SIGTERM, then SIGKILL),
# under 20 running guests, one of them paused: every one is found again
# with the same id, state and reason, persistence, autostart and live XML.
# A client connected before each restart (python3-libvirt) sees its
# connection close, reconnects and gets the events of later changes;
# virsh event, started after, sees a destroy. About 20 s.
set -eu
: "${LIBVIRT_URI:?}" "${XVM_RUN_DIR:?}"
fail() { echo "  $*" >&2; exit 1; }
v() { virsh -q -c "$LIBVIRT_URI" "$@"; }
d=$(mktemp -d "$XVM_RUN_DIR/vt55.XXXXXX")
echo kernel >"$d/vmlinuz"
pids=
trap 'rc=$?; for p in $pids; do kill $p 2>/dev/null || true; done; exit $rc' EXIT

guest_xml() {  # N
	cat <<XML
<domain type='xen'>
  <name>vt55-$1</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type>linux</type><kernel>$d/vmlinuz</kernel></os>
  <devices>
    <disk type='file' device='disk'><source file='$d/vmlinuz'/><target dev='xvda'/></disk>
    <console type='pty'/>
  </devices>
</domain>
XML
}
# Even guests defined and started, odd ones created (transient).
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
	guest_xml $i >"$d/$i.xml"
	if [ $((1$i % 2)) = 0 ]; then
		v define "$d/$i.xml" >/dev/null && v start vt55-$i >/dev/null || fail "start vt55-$i"
	else
		v create "$d/$i.xml" >/dev/null || fail "create vt55-$i"
	fi
done
v suspend vt55-03 >/dev/null || fail "suspend"
guests=$(v list --name | grep '^vt55-' | sort)
[ "$(echo "$guests" | wc -l)" = 20 ] || fail "not 20 guests: $guests"
# Every guest: id, state and reason, live XML (once its console pty is
# in), from one python3-libvirt client (virsh per guest is slow).
cat >"$d/snapshot.py" <<'PY'
import sys, time, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
c = libvirt.open(sys.argv[1])
for name in sys.argv[2:]:
    g = c.lookupByName(name)
    for _ in range(100):
        x = g.XMLDesc(0)
        if "tty='/dev/pts/" in x:
            break
        time.sleep(0.1)
    else:
        sys.exit("%s: no console pty" % name)
    print("==", name, g.ID(), g.state(), g.isPersistent(), g.autostart())
    print(x)
PY
snapshot() {
	# shellcheck disable=SC2086
	/usr/bin/python3 "$d/snapshot.py" "$LIBVIRT_URI" $guests || fail "snapshot"
}
snapshot >"$d/before"
grep -q "^== vt55-03 [0-9]* \[3, 1\] 0 0$" "$d/before" || fail "vt55-03 not paused (user)"
[ "$(v domstate vt55-03 --reason)" = "paused (user)" ] || fail "virsh: vt55-03 not paused"

# The client from before: logs its connection closing, reconnects,
# registers again, logs the events it gets.
cat >"$d/watcher.py" <<'PY'
import sys, threading, time, libvirt
uri, log = sys.argv[1], open(sys.argv[2], "a", buffering=1)
libvirt.registerErrorHandler(lambda *a: None, None)
libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                 daemon=True).start()
closed = threading.Event()
def connect():
    c = libvirt.open(uri)
    c.registerCloseCallback(lambda *a: closed.set(), None)
    c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                             lambda c, d, e, x, o: log.write("event %s %d\n" % (d.name(), e)), None)
    return c
c = connect()
log.write("connected\n")
while True:
    closed.wait()
    closed.clear()
    log.write("closed\n")
    for _ in range(600):
        try:
            c = connect()
            break
        except libvirt.libvirtError:
            time.sleep(0.1)
    else:
        sys.exit("no reconnect")
    log.write("reconnected\n")
PY
/usr/bin/python3 "$d/watcher.py" "$LIBVIRT_URI" "$d/watcher.log" &
pids="$pids $!"
i=0
until grep -q "^connected" "$d/watcher.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the watcher did not connect"; sleep 0.1
done

n=0
for sig in TERM KILL; do
	n=$((n + 1))
	pid=$(cat "$XVM_RUN_DIR/xvmd.pid")
	tr '\0' '\n' <"/proc/$pid/cmdline" >"$d/cmdline"
	kill -s $sig "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 200 ] || fail "xvmd did not stop on SIG$sig"; sleep 0.05
	done
	rm -f "$XVM_RUN_DIR/xvmd.pid"
	# The same command line, detached, as ./run starts it.
	(
		set --
		while IFS= read -r a; do set -- "$@" "$a"; done <"$d/cmdline"
		setsid "$@" >>"$XVM_RUN_DIR/xvmd.log" 2>&1 </dev/null &
	)
	i=0
	until [ -s "$XVM_RUN_DIR/xvmd.pid" ] && v uri >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 200 ] || fail "xvmd did not come back after SIG$sig"; sleep 0.05
	done
	snapshot >"$d/after"
	diff "$d/before" "$d/after" >&2 || fail "the guests differ after the SIG$sig restart"

	# virsh event, started after: registered once it saw a define of ours.
	virsh -c "$LIBVIRT_URI" event --event lifecycle --loop >"$d/events$n" 2>&1 &
	ev=$!
	pids="$pids $ev"
	guest_xml probe | sed "s/vt55-probe/vt55-probe$n/;
		s|</name>|</name><uuid>55555555-0000-0000-0000-00000000000$n</uuid>|" >"$d/probe.xml"
	i=0
	until grep -q "'vt55-probe$n': Defined" "$d/events$n"; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "virsh event saw no define"
		v define "$d/probe.xml" >/dev/null; sleep 0.1
	done
	v undefine vt55-probe$n >/dev/null
	g=vt55-0$((n + 4))       # vt55-05, then vt55-06
	v destroy $g >/dev/null || fail "destroy $g"
	i=0
	until grep -q "'$g': Stopped Destroyed" "$d/events$n" &&
	      grep -q "^event $g 5$" "$d/watcher.log"; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "events of $g: $(cat "$d/events$n" "$d/watcher.log")"
		sleep 0.1
	done
	kill $ev
	[ "$(grep -c '^reconnected' "$d/watcher.log")" = $n ] || fail "watcher: $(cat "$d/watcher.log")"
	# The next round compares with what is now.
	guests=$(echo "$guests" | grep -vx "$g")
	[ $n = 2 ] || snapshot >"$d/before"
done

for g in $(v list --all --name | grep '^vt55-'); do
	v destroy "$g" >/dev/null 2>&1 || true
	v undefine "$g" >/dev/null 2>&1 || true
done
