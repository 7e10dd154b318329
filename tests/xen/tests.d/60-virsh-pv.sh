#!/bin/sh
# xvmd on real Xen (hv_xen), driven by virsh in dom0: the same tiny PV
# guest started by xl create and by virsh start, timed from the request to
# its console marker; then virsh define + start -> marker; list, dominfo
# and dumpxml agree with xl (domid, vCPUs, memory, CPU time); suspend and
# resume change Xen's state; setmem moves the balloon (tot_pages), vcpupin
# and schedinfo show in xl vcpu-list and xl sched-credit(2); shutdown -> the guest powers off, stopped
# with reason shutdown; start again; destroy; undefine; nothing is left in
# Xen or xenstore.
. /xvm/lib.sh
CFG=/xvm/guest/tiny.cfg
CON=/var/log/xen/console
BOOT_WAIT=${XVM_GUEST_BOOT_WAIT:-240}
g=xvm-v1

v() { xvm_virsh "$XVM_URI" 120 "$@"; }

xvm_require_xvmd

# wait_state NAME STATE SECONDS: until virsh domstate says STATE.
wait_state() {
  xvm_now; _e=$((NOW + $3 * 100))
  while :; do
    ST=$(v domstate "$1" 2>&1)
    [ "$ST" = "$2" ] && return 0
    xvm_now; [ "$NOW" -ge "$_e" ] && return 1
    sleep 0.5
  done
}

# ---- 1. xl create and virsh start of the same guest, timed ---------------
# xl's time: 20-pv-guest's first guest (the same config, in this dom0),
# else a guest of our own.
if [ -r /run/xvm-xl-create-marker ]; then
  read -r t_xl < /run/xvm-xl-create-marker
  xvm_info "xl create: marker after $(xvm_secs "$t_xl")s (20-pv-guest)"
else
  gx=xvm-xl
  xvm_now; c0=$NOW
  if xl create "$CFG" "name=\"$gx\"" > /dev/null && \
     xvm_wait_text "$CON/guest-$gx.log" XVM-GUEST-HELLO "$BOOT_WAIT"; then
    xvm_now; t_xl=$((NOW - c0))
    xvm_ok "xl create: marker after $(xvm_secs $t_xl)s"
  else
    xvm_fail "xl create of $gx: no marker"
  fi
  xl destroy $gx > /dev/null 2>&1
fi

XML=/tmp/$g.xml
xvm_guest_xml $g "" > "$XML"
vm_before=$(xenstore-list /vm 2>/dev/null | sort | tr '\n' ' ')
if out=$(v define "$XML" 2>&1); then xvm_ok "virsh define"; else
  xvm_fail "virsh define: $out"; tail -n 20 /var/log/xen/xvmd.out; xvm_finish; fi
uuid=$(v domuuid $g)

LOG=$CON/guest-$g.log
OUT=/tmp/$g.start.out
# virsh runs as 20-pv-guest runs xl create: directly, under the test's own
# time limit, without timeout(1) and a command substitution around it
# (their fork and exec took ~0.2 s in this dom0), so that both figures
# time the same thing.
xvm_now; c0=$NOW
virsh -q -c "$XVM_URI" start $g > "$OUT" 2>&1; rc=$?
if [ "$rc" -eq 0 ]; then
  xvm_now; xvm_info "virsh start returned after $(xvm_secs $((NOW - c0)))s"
else
  xvm_fail "virsh start: $(cat "$OUT")"; tail -n 20 /var/log/xen/xvmd.out
  v undefine $g > /dev/null 2>&1; xvm_finish
fi
# MATCH: the marker's line, with the guest's uptime (its boot after the
# unpause) as 20-pv-guest shows xl's.
if xvm_wait_text "$LOG" XVM-GUEST-HELLO "$BOOT_WAIT"; then
  xvm_now; t_virsh=$((NOW - c0))
  xvm_ok "virsh start: marker after $(xvm_secs $t_virsh)s: $MATCH"
  [ -n "${t_xl:-}" ] && echo "XVM-TIMING create-to-marker xl=$(xvm_secs "$t_xl")s virsh=$(xvm_secs $t_virsh)s"
else
  xvm_fail "virsh start: no XVM-GUEST-HELLO in $LOG within ${BOOT_WAIT}s"
  [ -r "$LOG" ] && tail -n 20 "$LOG" | sed 's/^/  console: /'
  xl list; v destroy $g; v undefine $g; xvm_finish
fi

# ---- 2. what virsh shows is what Xen has -----------------------------------
domid=$(xl domid $g 2>/dev/null)
[ -n "$domid" ] && xvm_ok "xl knows $g as domain $domid" || xvm_fail "xl domid $g failed"
xvm_check_listed $g "$domid" 1
cpu=$(xvm_dominfo_field 'CPU time'); cpu=${cpu%s}
case $cpu in
  ''|0.0|0) xvm_fail "dominfo CPU time '$cpu' (the guest has run)" ;;
  *) xvm_ok "dominfo CPU time ${cpu}s (xl: $(xvm_xl_field $g 6)s)" ;;
esac
xml=$(v dumpxml $g)
case $xml in *"<domain type='xen' id='$domid'>"*) xvm_ok "dumpxml id='$domid'" ;;
  *) xvm_fail "dumpxml has no id='$domid': $(echo "$xml" | head -n 1)" ;; esac
case $xml in *"<vcpu placement='static'>1</vcpu>"*) xvm_ok "dumpxml 1 vCPU" ;;
  *) xvm_fail "dumpxml vcpu: $(echo "$xml" | grep '<vcpu')" ;; esac
case $xml in *"<memory unit='KiB'>131072</memory>"*) xvm_ok "dumpxml memory" ;;
  *) xvm_fail "dumpxml memory: $(echo "$xml" | grep '<memory')" ;; esac
[ "$(xenstore-read /local/domain/$domid/name 2>/dev/null)" = $g ] &&
  xvm_ok "xenstore /local/domain/$domid/name" || xvm_fail "/local/domain/$domid/name"
[ "$(xenstore-read /vm/$uuid/name 2>/dev/null)" = $g ] && xvm_ok "/vm/$uuid" ||
  xvm_fail "/vm/$uuid/name"

# ---- 3. suspend / resume: Xen's pause --------------------------------------
if v suspend $g > /dev/null; then
  st=$(xvm_xl_field $g 5); v_st=$(v domstate $g)
  case $st in *p*) xvm_ok "suspend: xl state $st, virsh $v_st" ;;
    *) xvm_fail "suspend: xl state '$st' is not paused (virsh: $v_st)" ;; esac
else xvm_fail "virsh suspend"; fi
if v resume $g > /dev/null; then
  st=$(xvm_xl_field $g 5); v_st=$(v domstate $g)
  case $st in *p*) xvm_fail "resume: xl state '$st' still paused" ;;
    *) [ "$v_st" = running ] && xvm_ok "resume: xl state $st, virsh $v_st" ||
         xvm_fail "resume: virsh says '$v_st'" ;; esac
else xvm_fail "virsh resume"; fi

# ---- 3b. balloon, vCPU pinning, scheduler weight: what Xen shows ----------
if out=$(v setmem $g 98304 --live 2>&1); then
  xvm_now; _e=$((NOW + 12000))
  while :; do
    mib=$(xvm_xl_field $g 3)
    [ -n "$mib" ] && [ "$mib" -le 97 ] && break
    xvm_now; [ "$NOW" -ge "$_e" ] && break
    sleep 1
  done
  if [ -n "$mib" ] && [ "$mib" -le 97 ] && [ "$mib" -ge 88 ]; then
    xvm_ok "setmem 96 MiB: the balloon gave back, xl list shows $mib MiB"
  else
    xvm_fail "setmem 96 MiB: xl list shows '$mib' MiB; memory/target $(xenstore-read /local/domain/$domid/memory/target 2>&1)"
  fi
  used=$(v dominfo $g | sed -n 's/^Used memory: *//p'); used=${used% KiB}
  [ -n "$used" ] && [ $((used / 1024 - mib)) -ge -1 ] && [ $((used / 1024 - mib)) -le 1 ] &&
    xvm_ok "dominfo used memory follows: $used KiB" || xvm_fail "dominfo used memory '$used' KiB, xl $mib MiB"
else
  xvm_fail "virsh setmem: $out"
fi
if out=$(v vcpupin $g 0 1 --live 2>&1); then
  aff=$(xl vcpu-list $g | awk 'NR == 2 { print $7 }')
  [ "$aff" = 1 ] && xvm_ok "vcpupin 0 -> CPU 1: xl vcpu-list hard affinity $aff" ||
    xvm_fail "vcpupin: xl vcpu-list hard affinity '$aff': $(xl vcpu-list $g | tail -n 1)"
else
  xvm_fail "virsh vcpupin: $out"
fi
sched=$(xl info | awk '/^xen_scheduler/ { print $3 }')
if out=$(v schedinfo $g --live --set weight=512 2>&1); then
  case $sched in
    credit2) w=$(xl sched-credit2 -d $g | awk 'NR == 2 { print $3 }') ;;
    *) w=$(xl sched-credit -d $g | awk 'NR == 2 { print $3 }') ;;
  esac
  [ "$w" = 512 ] && xvm_ok "schedinfo weight=512: xl sched-$sched shows $w" ||
    xvm_fail "schedinfo weight=512: xl sched-$sched shows '$w'"
  case $(v schedinfo $g) in *"weight"*512*) xvm_ok "virsh schedinfo reads 512" ;;
    *) xvm_fail "virsh schedinfo: $(v schedinfo $g | tr '\n' ';')" ;; esac
else
  xvm_fail "virsh schedinfo --set weight=512: $out"
fi

# ---- 4. graceful shutdown: the guest powers off ---------------------------
if out=$(v shutdown $g 2>&1); then xvm_ok "virsh shutdown"; else xvm_fail "virsh shutdown: $out"; fi
if wait_state $g "shut off" 120; then
  r=$(v domstate --reason $g)
  [ "$r" = "shut off (shutdown)" ] && xvm_ok "stopped: $r" || xvm_fail "stopped with '$r'"
else
  xvm_fail "still '$ST' 120 s after virsh shutdown"
fi
# The domain dies right after: its last words may not reach the log.
xvm_wait_count "$LOG" XVM-GUEST-POWEROFF 1 2 && xvm_info "the guest's /sbin/poweroff ran"
xl domid $g > /dev/null 2>&1 && xvm_fail "xl still lists $g" || xvm_ok "gone from xl"

# ---- 5. start again, destroy, undefine -------------------------------------
if out=$(v start $g 2>&1) && xvm_wait_count "$LOG" XVM-GUEST-HELLO 2 "$BOOT_WAIT"; then
  domid2=$(xl domid $g 2>/dev/null)
  [ -n "$domid2" ] && [ "$domid2" != "$domid" ] && xvm_ok "started again as domain $domid2" ||
    xvm_fail "second start: domid '$domid2' (first $domid)"
else
  xvm_fail "second start: $out; no second marker"
fi
xvm_destroy_undefine $g "$vm_before"
xvm_finish
