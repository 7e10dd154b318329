#!/bin/sh
# xvmd on real Xen builds a PVH guest (hv_xen's libxl__build_hvm for PVH:
# HVM container, local APIC only, HAP, the PV console and xenstore over
# HVM params): the tiny guest's kernel as <type machine='xenpvh'>xenpvh
# with <timer name='tsc' mode='native'/> (QEMU's SVM gives no next-RIP:
# an intercepted RDTSCP kills the guest, README "Guest types") and 2
# vCPUs; define + start -> marker on its console; the guest brought its
# second vCPU up (it found it in the MADT of hv_xen's ACPI tables);
# dominfo and dumpxml agree with xl; destroy; undefine; nothing is left in
# Xen or xenstore.
. /xvm/lib.sh
CON=/var/log/xen/console
BOOT_WAIT=${XVM_GUEST_BOOT_WAIT:-240}
g=xvm-pvh1

v() { xvm_virsh "$XVM_URI" 120 "$@"; }
xvm_require_xvmd
caps=$(xl info | sed -n 's/^virt_caps *: *//p')
case $caps in
  *hvm*) ;;
  *) xvm_fail "Xen offers no HVM container here (virt_caps: $caps)"
     xvm_finish ;;
esac

# The PVH twin of guest/tiny.cfg with 2 vCPUs (vCPU 1 must come up).
XML=/tmp/$g.xml
XVM_GUEST_PVH=1 XVM_GUEST_VCPUS=2 xvm_guest_xml $g "" > "$XML"
vm_before=$(xenstore-list /vm 2>/dev/null | sort | tr '\n' ' ')
if out=$(v define "$XML" 2>&1); then xvm_ok "virsh define (xenpvh)"; else
  xvm_fail "virsh define: $out"; tail -n 20 /var/log/xen/xvmd.out; xvm_finish; fi
uuid=$(v domuuid $g)

LOG=$CON/guest-$g.log
xvm_now; c0=$NOW
if out=$(v start $g 2>&1); then
  xvm_now; xvm_info "virsh start returned after $(xvm_secs $((NOW - c0)))s"
else
  xvm_fail "virsh start: $out"; tail -n 20 /var/log/xen/xvmd.out
  xl dmesg 2>/dev/null | tail -n 15 | sed 's/^/  xl dmesg: /'
  v undefine $g > /dev/null 2>&1; xvm_finish
fi
domid=$(xl domid $g 2>/dev/null)
if xvm_wait_text "$LOG" XVM-GUEST-HELLO "$BOOT_WAIT"; then
  xvm_now; xvm_ok "virsh start: marker after $(xvm_secs $((NOW - c0)))s: $MATCH"
else
  xvm_fail "virsh start: no XVM-GUEST-HELLO in $LOG within ${BOOT_WAIT}s"
  [ -r "$LOG" ] && tail -n 25 "$LOG" | sed 's/^/  console: /'
  xl list; xl dmesg 2>/dev/null | tail -n 15 | sed 's/^/  xl dmesg: /'
  v destroy $g; v undefine $g; xvm_finish
fi

# ---- what Xen and virsh show -------------------------------------------------
[ -n "$domid" ] && xvm_ok "xl knows $g as domain $domid" || xvm_fail "xl domid $g failed"
flags=$(xl list -v $g 2>/dev/null | awk 'NR == 2')
case $(xvm_xl_field $g 5) in
  *r*|*b*) xvm_ok "xl list: running/blocked ($(xvm_xl_field $g 5))" ;;
  *) xvm_fail "xl list state '$(xvm_xl_field $g 5)'" ;;
esac
xvm_info "xl list -v: $flags"
# Both vCPUs online: Linux found vCPU 1 in the MADT and started it (an
# offline vCPU is 'p' in xl vcpu-list's state column).
xvm_now; _e=$((NOW + 3000))
while :; do
  st1=$(xl vcpu-list $g 2>/dev/null | awk 'NR == 3 { print $5 }')
  case $st1 in ''|*p*) ;; *) break ;; esac
  xvm_now; [ "$NOW" -ge "$_e" ] && break
  sleep 0.5
done
case $st1 in
  ''|*p*) xvm_fail "vCPU 1 is not online: $(xl vcpu-list $g 2>&1 | tr '\n' ';')" ;;
  *) xvm_ok "vCPU 1 online (xl vcpu-list state $st1)" ;;
esac
xvm_check_listed $g "$domid" 2
xml=$(v dumpxml $g)
case $xml in *"<domain type='xen' id='$domid'>"*) xvm_ok "dumpxml id='$domid'" ;;
  *) xvm_fail "dumpxml has no id='$domid': $(echo "$xml" | head -n 1)" ;; esac
case $xml in *"machine='xenpvh'>xenpvh</type>"*) xvm_ok "dumpxml os type xenpvh" ;;
  *) xvm_fail "dumpxml os type: $(echo "$xml" | grep '<type')" ;; esac
case $xml in *"<timer name='tsc' mode='native'/>"*) xvm_ok "dumpxml tsc timer native" ;;
  *) xvm_fail "dumpxml timer: $(echo "$xml" | grep -A2 '<clock')" ;; esac
[ "$(xenstore-read /local/domain/$domid/name 2>/dev/null)" = $g ] &&
  xvm_ok "xenstore /local/domain/$domid/name" || xvm_fail "/local/domain/$domid/name"
# The guest reached xenstore over its ring (HVM_PARAM_STORE_PFN/EVTCHN and
# INTRODUCE): its kernel announces control/feature-* at boot.
fs=$(xenstore-list /local/domain/$domid/control 2>/dev/null | tr '\n' ' ')
case $fs in *feature-*) xvm_ok "the guest wrote control/: $fs" ;;
  *) xvm_fail "no guest feature-* under /local/domain/$domid/control: '$fs'" ;; esac

# ---- destroy, undefine, nothing left ----------------------------------------
xvm_destroy_undefine $g "$vm_before"
xvm_finish
