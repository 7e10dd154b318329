#!/bin/sh
# virsh save / restore of a running PV guest on real Xen (hv_xen's
# xc_domain_save / xc_domain_restore under xvmd's image header): the
# guest counts on its console (XVM-GUEST-TICK N); after restore the count
# goes on from where it was, it does not start again at 1.
# 75-virsh-save-pvh runs it for a 2-vCPU PVH guest (XVM_SAVE_NAME,
# XVM_GUEST_PVH, XVM_GUEST_VCPUS; xvm_guest_xml).
. /xvm/lib.sh
CON=/var/log/xen/console
BOOT_WAIT=${XVM_GUEST_BOOT_WAIT:-240}
g=${XVM_SAVE_NAME:-xvm-save}
LOG=$CON/guest-$g.log
IMG=/var/lib/xvm/$g.save

v() { xvm_virsh "$XVM_URI" 180 "$@"; }

xvm_require_xvmd

# last_tick: sets TICK to the highest XVM-GUEST-TICK in the console log.
last_tick() {
  TICK=0
  [ -r "$LOG" ] || return 0
  while IFS= read -r _l || [ -n "$_l" ]; do
    case $_l in *XVM-GUEST-TICK\ *)
      _n=${_l##*XVM-GUEST-TICK }; _n=${_n%%[!0-9]*}
      [ -n "$_n" ] && [ "$_n" -gt "$TICK" ] && TICK=$_n ;;
    esac
  done < "$LOG"
}

# wait_tick MIN SECONDS: until a tick >= MIN is on the console.
wait_tick() {
  xvm_now; _e=$((NOW + $2 * 100))
  while :; do
    last_tick
    [ "$TICK" -ge "$1" ] && return 0
    xvm_now; [ "$NOW" -ge "$_e" ] && return 1
    sleep 0.5
  done
}

xvm_guest_xml $g xvm.guest=ticker > /tmp/$g.xml
v define /tmp/$g.xml > /dev/null || { xvm_fail "virsh define"; xvm_finish; }
if ! v start $g > /dev/null || ! wait_tick 3 "$BOOT_WAIT"; then
  xvm_fail "start: no XVM-GUEST-TICK 3 within ${BOOT_WAIT}s"
  [ -r "$LOG" ] && tail -n 10 "$LOG" | sed 's/^/  console: /'
  v destroy $g; v undefine $g; xvm_finish
fi
xvm_ok "running, ticking: $TICK"
domid=$(xl domid $g)

xvm_now; s0=$NOW
if out=$(v save $g "$IMG" 2>&1); then
  xvm_now; xvm_ok "virsh save in $(( (NOW - s0) / 100 ))s: $(ls -l "$IMG" | awk '{print $5}') bytes"
else
  xvm_fail "virsh save: $out"; tail -n 15 /var/log/xen/xvmd.out
  v destroy $g; v undefine $g; xvm_finish
fi
last_tick; before=$TICK
r=$(v domstate --reason $g)
[ "$r" = "shut off (saved)" ] && xvm_ok "after save: $r" || xvm_fail "after save: '$r'"
xl domid $g > /dev/null 2>&1 && xvm_fail "xl still lists $g after save" || xvm_ok "gone from xl"
sleep 2
last_tick
[ "$TICK" = "$before" ] && xvm_ok "no tick while saved ($TICK)" || xvm_fail "ticks went on while saved: $before -> $TICK"

xvm_now; s0=$NOW
if out=$(v restore "$IMG" 2>&1); then
  xvm_now; xvm_ok "virsh restore in $(( (NOW - s0) / 100 ))s"
else
  xvm_fail "virsh restore: $out"; tail -n 15 /var/log/xen/xvmd.out
  v undefine $g; xvm_finish
fi
domid2=$(xl domid $g 2>/dev/null)
[ -n "$domid2" ] && [ "$domid2" != "$domid" ] && xvm_ok "restored as domain $domid2 (was $domid)" ||
  xvm_fail "after restore: xl domid '$domid2'"
[ "$(v domstate $g)" = running ] && xvm_ok "running after restore" || xvm_fail "state after restore: $(v domstate $g)"
# Every vCPU came back online (an offline one is 'p' in xl vcpu-list).
off=$(xl vcpu-list $g 2>/dev/null | awk 'NR > 1 && $5 ~ /p/' | wc -l)
nv=$(xl vcpu-list $g 2>/dev/null | awk 'NR > 1' | wc -l)
[ "$nv" = "${XVM_GUEST_VCPUS:-1}" ] && [ "$off" = 0 ] && xvm_ok "$nv vCPU(s) online after restore" ||
  xvm_fail "vCPUs after restore: $(xl vcpu-list $g 2>&1 | tr '\n' ';')"
if wait_tick $((before + 2)) 120; then
  # The first tick after the restore continues the count.
  first=
  n=0
  while IFS= read -r _l || [ -n "$_l" ]; do
    case $_l in *XVM-GUEST-TICK\ *)
      _n=${_l##*XVM-GUEST-TICK }; _n=${_n%%[!0-9]*}
      n=$((n + 1))
      [ -z "$first" ] && [ "$_n" -gt "$before" ] && first=$_n ;;
    esac
  done < "$LOG"
  if [ -n "$first" ] && [ "$first" -le $((before + 3)) ]; then
    xvm_ok "the guest goes on: tick $before before save, $first first after restore, now $TICK"
  else
    xvm_fail "the count did not go on: tick $before before save, '$first' first after restore"
  fi
  case $(grep -c XVM-GUEST-HELLO "$LOG") in
    1) xvm_ok "it did not boot again" ;;
    *) xvm_fail "it booted again after restore" ;;
  esac
else
  xvm_fail "no tick after restore past $before within 120 s (now $TICK)"
  tail -n 15 "$LOG" | sed 's/^/  console: /'
  tail -n 15 /var/log/xen/xvmd.out
fi
v destroy $g > /dev/null 2>&1
v undefine $g > /dev/null 2>&1 && xvm_ok "destroyed and undefined" || xvm_fail "undefine"
rm -f "$IMG"
[ "$(xenstore-list /local/domain 2>&1 | tr '\n' ' ')" = "0 " ] && xvm_ok "/local/domain: only 0" ||
  xvm_fail "/local/domain: $(xenstore-list /local/domain | tr '\n' ' ')"
xvm_finish
