#!/bin/sh
# Devices attached and detached with the real virsh (issue 6, hotplug):
# attach-disk, attach-interface, attach-device with an XML file,
# detach-disk, detach-interface, detach-device, --live / --config /
# both / current; what dumpxml (live and --inactive), domblklist,
# domiflist and xenstore show after each; libvirt's error messages for
# a missing image, a target or MAC already there, a device not there,
# a device the driver does not attach; device-removed events.
set -eu
: "${LIBVIRT_URI:?}" "${XVM_RUN_DIR:?}" "${XENSTORED_PATH:?}"
export XENSTORED_PATH
fail() { echo "  $*" >&2; exit 1; }
v() { virsh -q -c "$LIBVIRT_URI" "$@"; }
d=$(mktemp -d "$XVM_RUN_DIR/vt90.XXXXXX")
echo kernel >"$d/vmlinuz"
truncate -s 4M "$d/b.img" "$d/c.img"

# Until the command's output has the text (the guest answers on its own).
wait_for() {
	text=$1; shift
	i=0
	until "$@" 2>/dev/null | grep -q -- "$text"; do
		i=$((i + 1)); [ $i -lt 200 ] || fail "never saw '$text' in: $*"; sleep 0.1
	done
}
# The command fails with the message.
fails_with() {
	msg=$1; shift
	if out=$(v "$@" 2>&1); then fail "succeeded: $*"; fi
	echo "$out" | grep -qF -- "$msg" || fail "$*: expected '$msg', got: $out"
}

cat >"$d/vt90.xml" <<XML
<domain type='xen'>
  <name>vt90</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type>linux</type><kernel>$d/vmlinuz</kernel></os>
  <devices><console type='pty'/></devices>
</domain>
XML
v define "$d/vt90.xml" >/dev/null || fail "define"
v start vt90 >/dev/null || fail "start"
id=$(v domid vt90)
# Booted: its frontends answer from now on.
wait_for "xvm-sim: $id booted" cat "${XVM_CONSOLE_LOG_DIR:-$XVM_RUN_DIR/console}/guest-vt90.log"

virsh -c "$LIBVIRT_URI" event vt90 --event device-removed --loop >"$d/events" 2>&1 &
ev=$!
trap 'kill $ev 2>/dev/null' EXIT

# ---- live ------------------------------------------------------------------
v attach-disk vt90 "$d/b.img" xvdb >/dev/null || fail "attach-disk"
v domblklist vt90 | grep -q "xvdb *$d/b.img" || fail "domblklist: $(v domblklist vt90)"
v dumpxml vt90 | grep -q "<target dev='xvdb' bus='xen'/>" || fail "live XML has no xvdb"
v dumpxml --inactive vt90 | grep -q xvdb && fail "xvdb in the inactive XML"
[ "$(xenstore-read "/local/domain/$id/device/vbd/51728/state")" = 4 ] || fail "frontend not connected"
[ "$(xenstore-read "/local/domain/0/backend/vbd/$id/51728/state")" = 4 ] || fail "backend not connected"

v attach-interface vt90 bridge xenbr1 --mac 00:16:3e:5a:00:01 >/dev/null || fail "attach-interface"
v domiflist vt90 | grep -q "bridge *xenbr1 .*00:16:3e:5a:00:01" || fail "domiflist: $(v domiflist vt90)"
[ "$(xenstore-read "/local/domain/$id/device/vif/0/state")" = 4 ] || fail "vif not connected"
[ "$(xenstore-read "/local/domain/0/backend/vif/$id/0/bridge")" = xenbr1 ] || fail "vif bridge"

# attach-device with a file, live and config at once.
cat >"$d/disk-c.xml" <<XML
<disk type='file' device='disk'>
  <source file='$d/c.img'/>
  <target dev='xvdc' bus='xen'/>
</disk>
XML
v attach-device vt90 "$d/disk-c.xml" --live --config >/dev/null || fail "attach-device --live --config"
v dumpxml vt90 | grep -q "<target dev='xvdc'" || fail "live XML has no xvdc"
v dumpxml --inactive vt90 | grep -q "<target dev='xvdc'" || fail "inactive XML has no xvdc"
v dumpxml vt90 >"$d/live.xml"
virt-xml-validate "$d/live.xml" domain >/dev/null || fail "live XML does not validate"

# ---- errors ------------------------------------------------------------------
fails_with "target xvdb already exists" attach-disk vt90 "$d/c.img" xvdb
fails_with "network device with mac 00:16:3e:5a:00:01 already exists" \
	attach-interface vt90 bridge xenbr0 --mac 00:16:3e:5a:00:01
fails_with "cannot open disk image $d/missing.img" attach-disk vt90 "$d/missing.img" xvdd
xenstore-read "/local/domain/0/backend/vbd/$id/51760/state" 2>/dev/null &&
	fail "the failed attach left its backend"
xenstore-read "/local/domain/$id/device/vbd/51760/state" 2>/dev/null &&
	fail "the failed attach left its frontend"
v dumpxml vt90 | grep -q xvdd && fail "the failed attach is in the live XML"
cat >"$d/unknown.xml" <<XML
<disk type='file' device='disk'><source file='$d/c.img'/><target dev='xvdz'/></disk>
XML
fails_with "disk xvdz not found" detach-device vt90 "$d/unknown.xml"
fails_with "no target device xvdz" detach-device vt90 "$d/unknown.xml" --config
echo "<interface type='bridge'><mac address='00:16:3e:5a:00:99'/><source bridge='xenbr0'/></interface>" >"$d/unknown-nic.xml"
fails_with "no device matching MAC address 00:16:3e:5a:00:99 found" detach-device vt90 "$d/unknown-nic.xml"
echo "<controller type='usb' index='0'/>" >"$d/ctl.xml"
fails_with "device type 'controller' cannot be attached" attach-device vt90 "$d/ctl.xml"
fails_with "persistent attach of device is not supported" attach-device vt90 "$d/ctl.xml" --config
echo "<gadget/>" >"$d/gadget.xml"
fails_with "unknown device type 'gadget'" attach-device vt90 "$d/gadget.xml"
fails_with "disk device type 'cdrom' cannot be hotplugged" attach-disk vt90 "$d/c.img" xvde --type cdrom
# A read-only connection changes nothing.
ro_uri=$(echo "$LIBVIRT_URI" | sed 's|virtxend-sock$|virtxend-sock-ro|')
if out=$(virsh -q -r -c "$ro_uri" attach-device vt90 "$d/disk-c.xml" --config 2>&1); then
	fail "read-only attach succeeded"
fi
echo "$out" | grep -q "read only access" || fail "read-only attach: $out"

# ---- detach ------------------------------------------------------------------
v detach-disk vt90 xvdb >/dev/null || fail "detach-disk"
v domblklist vt90 | grep -q xvdb && fail "xvdb still listed"
xenstore-read "/local/domain/$id/device/vbd/51728/state" 2>/dev/null && fail "xvdb frontend left"
xenstore-read "/local/domain/0/backend/vbd/$id/51728/state" 2>/dev/null && fail "xvdb backend left"
v detach-interface vt90 bridge --mac 00:16:3e:5a:00:01 >/dev/null || fail "detach-interface"
v domiflist vt90 | grep -q 00:16:3e:5a:00:01 && fail "interface still listed"
xenstore-read "/local/domain/0/backend/vif/$id/0/state" 2>/dev/null && fail "vif backend left"
v detach-device vt90 "$d/disk-c.xml" --live --config >/dev/null || fail "detach-device --live --config"
v dumpxml vt90 | grep -q xvdc && fail "xvdc still live"
v dumpxml --inactive vt90 | grep -q xvdc && fail "xvdc still in the config"
i=0
until [ "$(grep -c "device-removed" "$d/events")" -ge 3 ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "events: $(cat "$d/events")"; sleep 0.1
done
for a in xvdb 00:16:3e:5a:00:01 xvdc; do
	grep -q "device-removed' for domain 'vt90': $a" "$d/events" || fail "no device-removed $a: $(cat "$d/events")"
done
[ "$(v domstate vt90)" = running ] || fail "the guest stopped"

# ---- config ------------------------------------------------------------------
v destroy vt90 >/dev/null || fail "destroy"
fails_with "domain is not running" attach-disk vt90 "$d/b.img" xvdb --live
# Without flags virsh calls the legacy virDomainAttachDevice: live only.
fails_with "domain is not running" attach-disk vt90 "$d/b.img" xvdb
v attach-disk vt90 "$d/b.img" xvdb --current >/dev/null || fail "attach-disk --current (shut off: config)"
v attach-interface vt90 bridge xenbr0 --mac 00:16:3e:5a:00:02 --config >/dev/null || fail "attach-interface --config"
v dumpxml --inactive vt90 | grep -q "<target dev='xvdb'" || fail "config has no xvdb"
fails_with "target xvdb already exists." attach-disk vt90 "$d/b.img" xvdb --config
v start vt90 >/dev/null || fail "start with the attached devices"
id=$(v domid vt90)
wait_for 4 xenstore-read "/local/domain/$id/device/vbd/51728/state"
wait_for 4 xenstore-read "/local/domain/$id/device/vif/0/state"
v detach-disk vt90 xvdb --config >/dev/null || fail "detach-disk --config"
v dumpxml --inactive vt90 | grep -q xvdb && fail "xvdb still in the config"
v dumpxml vt90 | grep -q "<target dev='xvdb'" || fail "detach --config took xvdb from the live XML"
# A cdrom's media in the config (virDomainUpdateDeviceFlags).
v attach-disk vt90 "$d/c.img" xvdd --type cdrom --mode readonly --config >/dev/null ||
	fail "attach-disk --type cdrom --config"
v change-media vt90 xvdd --eject --config >/dev/null || fail "change-media --eject --config"
v dumpxml --inactive vt90 | grep -q "c.img" && fail "the ejected media is still in the config"
v change-media vt90 xvdd "$d/b.img" --insert --config >/dev/null || fail "change-media --insert --config"
v dumpxml --inactive vt90 | grep -A3 "device='cdrom'" | grep -q "b.img" || fail "inserted media not in the config"
v destroy vt90 >/dev/null || fail "destroy"
v undefine vt90 >/dev/null || fail "undefine"
