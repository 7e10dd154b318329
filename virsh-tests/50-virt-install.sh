#!/bin/sh
# virt-install end to end on ./run's stack: a PV guest with a new
# file-backed disk (the storage steps relayed to libvirtd, the domain ones
# served by xvmd: capabilities, createXML then defineXML), running and
# persistent afterwards, then destroyed and undefined.
set -eu
: "${LIBVIRT_URI:?}" "${XVM_RUN_DIR:?}"
fail() { echo "  $*" >&2; exit 1; }
v() { virsh -q -c "$LIBVIRT_URI" "$@"; }
command -v virt-install >/dev/null || fail "virt-install is missing (virtinst)"
d=$(mktemp -d "$XVM_RUN_DIR/vt50.XXXXXX")
echo kernel >"$d/vmlinuz"
mkdir "$d/images"

virt-install --connect "$LIBVIRT_URI" --import --name vt50 --memory 128 --vcpus 1 \
	--disk "path=$d/images/vt50.img,size=0.0625,format=raw" --network none \
	--graphics none --noautoconsole --osinfo generic --boot "kernel=$d/vmlinuz" \
	>"$d/virt-install.log" 2>&1 || fail "virt-install: $(cat "$d/virt-install.log")"
[ -f "$d/images/vt50.img" ] || fail "no disk image"
[ "$(v domstate vt50)" = "running" ] || fail "vt50 is not running"
v dominfo vt50 | grep -q "^Persistent: *yes$" || fail "vt50 is not persistent"
v dumpxml vt50 >"$d/vt50.xml"
grep -q "<source file='$d/images/vt50.img'/>" "$d/vt50.xml" || fail "disk: $(cat "$d/vt50.xml")"
grep -q "<target dev='xvda' bus='xen'/>" "$d/vt50.xml" || fail "disk target"
virt-xml-validate "$d/vt50.xml" domain >/dev/null || fail "XML does not validate"
v destroy vt50 >/dev/null || fail "destroy"
v undefine vt50 >/dev/null || fail "undefine"
v list --all --name | grep -qx vt50 && fail "vt50 still listed"
exit 0
