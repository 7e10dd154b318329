#!/bin/sh
# Domains on the stack ./run started, through virsh: define, list, start,
# the live XML (valid, with the console's pty), suspend, resume, destroy,
# undefine, with virsh event recording the lifecycle.
set -eu
: "${LIBVIRT_URI:?}" "${XVM_RUN_DIR:?}"
fail() { echo "  $*" >&2; exit 1; }
v() { virsh -q -c "$LIBVIRT_URI" "$@"; }
d=$(mktemp -d "$XVM_RUN_DIR/vt30.XXXXXX")
echo kernel >"$d/vmlinuz"
cat >"$d/vt30.xml" <<XML
<domain type='xen'>
  <name>vt30</name>
  <uuid>3a7c0f52-30d1-4e6b-9c2a-30a0b0c0d030</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type>linux</type><kernel>$d/vmlinuz</kernel></os>
  <devices><console type='pty'/></devices>
</domain>
XML
: >"$d/events"
virsh -c "$LIBVIRT_URI" event --event lifecycle --loop >"$d/events" 2>&1 &
ev=$!
trap 'kill $ev 2>/dev/null' EXIT

# Defined until virsh event, which registers in the background, saw it
# (a define again, of the same uuid, updates it and is seen as well).
i=0
until grep -q "for domain 'vt30': Defined" "$d/events"; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "virsh event saw no define"
	v define "$d/vt30.xml" >/dev/null || fail "define"
	sleep 0.1
done
v list --all --name | grep -qx vt30 || fail "list --all"
v start vt30 >/dev/null || fail "start"
[ "$(v domstate vt30)" = "running" ] || fail "domstate"
i=0
until v dumpxml vt30 | grep -q "tty='/dev/pts/"; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no console pty in the live XML"; sleep 0.1
done
v dumpxml vt30 >"$d/live.xml"
virt-xml-validate "$d/live.xml" domain >/dev/null || fail "live XML does not validate"
v suspend vt30 >/dev/null && v resume vt30 >/dev/null || fail "suspend/resume"
v destroy vt30 >/dev/null || fail "destroy"
v undefine vt30 >/dev/null || fail "undefine"
i=0
until grep -q "Undefined Removed" "$d/events"; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "events: $(cat "$d/events")"; sleep 0.1
done
for e in "Started Booted" "Suspended Paused" "Resumed Unpaused" "Stopped Destroyed"; do
	grep -q "$e" "$d/events" || fail "no event $e: $(cat "$d/events")"
done
