#!/bin/sh
# Statistics on real Xen: a guest reads its file-backed disk through
# blkfront (xvm.guest=disk); virsh domblkstat gives blkback's counters of
# /sys/bus/xen-backend/devices/vbd-DOMID-51712/statistics (xvmd's sysfs
# source: sectors of 512 bytes, oo_req as errs), the Flags call agrees,
# an unknown disk gets libxl's error; dommemstat agrees with xl list.
. /xvm/lib.sh
CON=/var/log/xen/console
BOOT_WAIT=${XVM_GUEST_BOOT_WAIT:-240}
g=xvm-stats
LOG=$CON/guest-$g.log
IMG=/var/lib/xvm/$g.img

v() { xvm_virsh "$XVM_URI" 180 "$@"; }
# field NAME: the value of counter NAME in "DEV NAME VALUE" lines on stdin.
field() { while read -r _d _n _v; do [ "$_n" = "$1" ] && echo "$_v"; done; }

xvm_require_xvmd
xvm_start_disk_guest $g "$IMG" 16
domid=$(xl domid $g)
sys=/sys/bus/xen-backend/devices/vbd-$domid-51712/statistics
if xvm_wait_text "$LOG" "XVM-GUEST-DISK xvda" "$BOOT_WAIT"; then
  xvm_ok "the guest read its disk"
else
  xvm_fail "no XVM-GUEST-DISK line within ${BOOT_WAIT}s"
fi
if [ -d "$sys" ]; then
  xvm_info "blkback: rd_req $(cat $sys/rd_req) rd_sect $(cat $sys/rd_sect) oo_req $(cat $sys/oo_req)"
else
  xvm_fail "no $sys"
fi
rd0=$(cat $sys/rd_req 2>/dev/null) sect0=$(cat $sys/rd_sect 2>/dev/null)
if out=$(v domblkstat $g xvda 2>&1); then
  rd=$(echo "$out" | field rd_req) rdb=$(echo "$out" | field rd_bytes) errs=$(echo "$out" | field errs)
  rd1=$(cat $sys/rd_req 2>/dev/null) sect1=$(cat $sys/rd_sect 2>/dev/null)
  xvm_info "domblkstat: $(echo "$out" | tr '\n' ';')"
  # Between blkback's counters read just before and just after.
  [ -n "$rd" ] && [ "$rd" -gt 0 ] && [ "$rd" -ge "$rd0" ] && [ "$rd" -le "$rd1" ] &&
    xvm_ok "domblkstat rd_req $rd = blkback's ($rd0..$rd1)" ||
    xvm_fail "domblkstat rd_req $rd, blkback $rd0..$rd1"
  [ -n "$rdb" ] && [ "$rdb" -ge $((sect0 * 512)) ] && [ "$rdb" -le $((sect1 * 512)) ] &&
    xvm_ok "domblkstat rd_bytes $rdb = rd_sect * 512" ||
    xvm_fail "domblkstat rd_bytes $rdb, rd_sect $sect0..$sect1"
  [ "$errs" = "$(cat $sys/oo_req 2>/dev/null)" ] && xvm_ok "errs = oo_req ($errs)" ||
    xvm_fail "errs $errs, oo_req $(cat $sys/oo_req 2>/dev/null)"
else
  xvm_fail "virsh domblkstat: $out"
fi
v domblkstat $g > /dev/null 2>&1 && xvm_ok "domblkstat, all disks" || xvm_fail "domblkstat, all disks"
out=$(v domblkstat $g xvdz 2>&1) && xvm_fail "domblkstat xvdz answered" ||
  case $out in *"invalid path: xvdz"*) xvm_ok "domblkstat xvdz: invalid path" ;;
    *) xvm_fail "domblkstat xvdz: $out" ;; esac
out=$(v dommemstat $g 2>&1)
xvm_info "dommemstat: $(echo "$out" | tr '\n' ';')"
actual=$(echo "$out" | while read -r n val; do [ "$n" = actual ] && echo "$val"; done)
xl_mem=$(xl list $g | while read -r n id m rest; do [ "$n" = "$g" ] && echo "$m"; done)
[ -n "$actual" ] && [ "$((actual / 1024))" = "$xl_mem" ] &&
  xvm_ok "dommemstat actual $actual KiB = xl list's $xl_mem MiB" ||
  xvm_fail "dommemstat actual $actual, xl list $xl_mem MiB"
v destroy $g > /dev/null 2>&1 && xvm_ok "destroyed" || xvm_fail "virsh destroy"
v undefine $g > /dev/null 2>&1 || xvm_fail "undefine"
rm -f "$IMG"
xvm_finish
