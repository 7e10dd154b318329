#!/bin/sh
# What survives an xvmd restart, seen through the procedures: defined
# domains and their autostart (started by the new xvmd), a running
# domain (same id, still running), and a managed save image found on disk
# (dominfo says so; undefine refuses without --managed-save and removes
# the image with it).
. "$STACK_SH"
stack_start

echo kernel >"$DIR/vmlinuz"
guest_xml() {  # NAME UUID-PREFIX
	cat <<XML
<domain type='xen'>
  <name>$1</name>
  <uuid>$2-2222-3333-4444-555555555555</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type>linux</type><kernel>$DIR/vmlinuz</kernel></os>
</domain>
XML
}
for g in "run 11111111" "auto 22222222" "saved 33333333"; do
	set -- $g
	guest_xml "$1" "$2" >"$DIR/$1.xml"
	virsh -c "$URI" define "$DIR/$1.xml" >/dev/null || fail "define $1"
done
virsh -c "$URI" start run >/dev/null || fail "start run"
id=$(virsh -c "$URI" domid run | head -1)
virsh -c "$URI" autostart auto >/dev/null || fail "autostart"

xvmd_stop
# A managed save image, as the save code leaves it.
echo image >"$DIR/state/save/saved.save"
xvmd_start

[ "$(virsh -c "$URI" domid run | head -1)" = "$id" ] || fail "run's id changed"
[ "$(virsh -c "$URI" domstate run | head -1)" = "running" ] || fail "run not running"
i=0
until [ "$(virsh -c "$URI" domstate auto --reason | head -1)" = "running (booted)" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "auto was not autostarted"; sleep 0.1
done
virsh -c "$URI" dominfo saved | grep -q "^Managed save: *yes$" || fail "managed save not seen"

/usr/bin/python3 - "$URI" <<'PY' || fail "python3-libvirt"
import sys, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
c = libvirt.open(sys.argv[1])
s = c.lookupByName("saved")
assert s.hasManagedSaveImage(0) == 1
try:
    s.undefine()
    raise AssertionError("undefine with a managed save image succeeded")
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID, e
    assert str(e) == ("Requested operation is not valid: "
                      "Refusing to undefine while domain managed save image exists"), str(e)
assert s.isPersistent()
s.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
names = sorted(d.name() for d in c.listAllDomains(0))
assert names == ["Domain-0", "auto", "run"], names
PY
[ -e "$DIR/state/save/saved.save" ] && fail "the managed save image is left"
virsh -c "$URI" destroy run >/dev/null && virsh -c "$URI" destroy auto >/dev/null ||
	fail "destroy"
