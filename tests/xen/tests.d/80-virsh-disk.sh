#!/bin/sh
# A guest with a file-backed disk on real Xen: xvmd gives the file a loop
# device and writes physical-device for dom0's blkback (the work of Xen's
# block hotplug script); the guest's blkfront sees /dev/xvda and prints
# its size; detached live it goes, attached again it comes back (when
# xvmd serves live attach/detach); destroy releases the loop device.
. /xvm/lib.sh
CON=/var/log/xen/console
BOOT_WAIT=${XVM_GUEST_BOOT_WAIT:-240}
g=xvm-disk
LOG=$CON/guest-$g.log
IMG=/var/lib/xvm/$g.img
SIZE=$((48 * 1024 * 1024))

v() { xvm_virsh "$XVM_URI" 180 "$@"; }

xvm_require_xvmd


# loops: sets LOOPS to the number of loop devices bound to IMG (sysfs,
# builtins only: no fork per poll, README pitfall 8).
loops() {
  LOOPS=0
  for _f in /sys/block/loop*/loop/backing_file; do
    [ -r "$_f" ] || continue
    read -r _b < "$_f" 2> /dev/null && [ "$_b" = "$IMG" ] && LOOPS=$((LOOPS + 1))
  done
}

xvm_start_disk_guest $g "$IMG" 48
domid=$(xl domid $g)
be=/local/domain/0/backend/vbd/$domid/51712
xvm_info "backend: physical-device $(xenstore-read $be/physical-device 2>&1)" \
  "path $(xenstore-read $be/physical-device-path 2>&1) hotplug-status $(xenstore-read $be/hotplug-status 2>&1)"
loops
[ "$LOOPS" = 1 ] && xvm_ok "one loop device on $IMG" || xvm_fail "loop devices on $IMG: $LOOPS"
if xvm_wait_count "$LOG" "XVM-GUEST-DISK xvda" 1 "$BOOT_WAIT"; then
  case $MATCH in
    *"XVM-GUEST-DISK xvda $SIZE"*) xvm_ok "the guest sees /dev/xvda of $SIZE bytes" ;;
    *) xvm_fail "the guest says: $MATCH (want $SIZE)" ;;
  esac
else
  xvm_fail "no XVM-GUEST-DISK line within ${BOOT_WAIT}s"
  [ -r "$LOG" ] && tail -n 15 "$LOG" | sed 's/^/  console: /'
  xenstore-ls -f /local/domain/0/backend/vbd | head -n 30
fi
v domblklist $g | grep -q "xvda *$IMG" && xvm_ok "domblklist: xvda $IMG" ||
  xvm_fail "domblklist: $(v domblklist $g | tr '\n' ';')"

# Live detach and attach again, when xvmd serves them.
if out=$(v detach-disk $g xvda --live 2>&1); then
  if xvm_wait_count "$LOG" "XVM-GUEST-DISK xvda gone" 1 120; then xvm_ok "detached: the guest lost xvda"; else
    xvm_fail "detach-disk: the guest still has xvda"; fi
  if out=$(v attach-disk $g "$IMG" xvda --live 2>&1) && xvm_wait_count "$LOG" "XVM-GUEST-DISK xvda $SIZE" 2 120; then
    xvm_ok "attached again: the guest sees xvda of $SIZE bytes"
  else
    xvm_fail "attach-disk: $out; $(tail -n 2 "$LOG" | tr '\n' ';')"
  fi
else
  case $out in
    *"not supported"*|*"no support"*) xvm_info "SKIP live detach/attach: xvmd does not serve it yet ($out)" ;;
    *) xvm_fail "virsh detach-disk: $out" ;;
  esac
fi

v destroy $g > /dev/null 2>&1 && xvm_ok "destroyed" || xvm_fail "virsh destroy"
n=0
loops
while [ "$LOOPS" != 0 ] && [ $n -lt 40 ]; do sleep 0.25; n=$((n + 1)); loops; done
[ "$LOOPS" = 0 ] && xvm_ok "the loop device is released" ||
  xvm_fail "loop devices left: $(losetup -a)"
xenstore-exists /local/domain/0/backend/vbd/$domid 2>/dev/null &&
  xvm_fail "backend/vbd/$domid left" || xvm_ok "no vbd backend left"
v undefine $g > /dev/null 2>&1 || xvm_fail "undefine"
rm -f "$IMG"
xvm_finish
