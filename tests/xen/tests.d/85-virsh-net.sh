#!/bin/sh
# A guest's network interface on real Xen: xvmd writes the vif backend,
# dom0's netback creates vifDOMID.DEVID, and xvmd runs Xen's vif-bridge
# script as libxl does (it puts the vif into the bridge and writes
# hotplug-status "connected"). The guest's netfront gets eth0, which
# pings dom0's address on the bridge. A missing bridge makes start and
# attach fail with the script's reason and leave nothing behind; live
# detach/attach; destroy takes the vif out and removes the backend.
. /xvm/lib.sh
CON=/var/log/xen/console
BOOT_WAIT=${XVM_GUEST_BOOT_WAIT:-240}
g=xvm-net
bad=xvm-net-nobridge
LOG=$CON/guest-$g.log
BR=xenbr0
DOM0_IP=10.99.0.1
MAC=00:16:3e:00:85:01

v() { xvm_virsh "$XVM_URI" 180 "$@"; }

xvm_require_xvmd


# ports: PORTS = the bridge's ports, VIFS = every vif* interface (sysfs,
# builtins only: no fork per poll, README pitfall 8).
ports() {
  PORTS= VIFS=
  for _p in /sys/class/net/$BR/brif/*; do [ -e "$_p" ] && PORTS="$PORTS ${_p##*/}"; done
  for _p in /sys/class/net/vif*; do [ -e "$_p" ] && VIFS="$VIFS ${_p##*/}"; done
}

# wait_ports WANT SECONDS: until PORTS is WANT (" vif3.0" or "").
wait_ports() {
  _n=0
  ports
  while [ "$PORTS" != "$1" ] && [ $_n -lt $(($2 * 4)) ]; do sleep 0.25; _n=$((_n + 1)); ports; done
  [ "$PORTS" = "$1" ]
}

# domxml NAME BRIDGE: the tiny PV guest with one interface on BRIDGE.
domxml() {
  xvm_guest_xml "$1" "xvm.guest=net xvm.ip=10.99.0.2/24 xvm.peer=$DOM0_IP" \
"    <interface type='bridge'>
      <source bridge='$2'/>
      <mac address='$MAC'/>
    </interface>"
}

# dom0's side of the guests' network: a bridge with an address.
ip link del $BR 2> /dev/null
if ! ip link add $BR type bridge || ! ip addr add $DOM0_IP/24 dev $BR || ! ip link set $BR up; then
  xvm_fail "cannot set up bridge $BR in dom0"
  xvm_finish
fi

# 1. No such bridge: start fails with the script's reason, nothing left.
domxml $bad nosuchbr0 > /tmp/$bad.xml
v define /tmp/$bad.xml > /dev/null || { xvm_fail "virsh define $bad"; xvm_finish; }
if out=$(v start $bad 2>&1); then
  xvm_fail "start with a missing bridge succeeded"
  v destroy $bad > /dev/null 2>&1
else
  case $out in
    *"Could not find bridge device nosuchbr0"*) xvm_ok "start without the bridge fails: $out" ;;
    *) xvm_fail "start without the bridge: unexpected error: $out" ;;
  esac
fi
xl list | grep -q "^$bad " && xvm_fail "$bad left in xl list" || xvm_ok "no domain left"
left=$(xenstore-list /local/domain/0/backend/vif 2> /dev/null)
[ -z "$left" ] && xvm_ok "no vif backend left" || xvm_fail "vif backends left: $left"
ports
[ -z "$VIFS" ] && xvm_ok "no vif interface left" || xvm_fail "interfaces left:$VIFS"
v undefine $bad > /dev/null 2>&1 || xvm_fail "undefine $bad"

# 2. The guest on xenbr0.
domxml $g $BR > /tmp/$g.xml
v define /tmp/$g.xml > /dev/null || { xvm_fail "virsh define"; xvm_finish; }
xvm_now; t0=$NOW
if ! out=$(v start $g 2>&1); then
  xvm_fail "virsh start: $out"; tail -n 15 /var/log/xen/xvmd.out
  tail -n 15 /var/log/xen/xen-hotplug.log 2> /dev/null
  v undefine $g; ip link del $BR; xvm_finish
fi
xvm_now; xvm_info "virsh start (with vif-bridge online) took $(((NOW - t0) / 100))s"
domid=$(xl domid $g)
be=/local/domain/0/backend/vif/$domid/0
vif=vif$domid.0
hs=$(xenstore-read $be/hotplug-status 2>&1)
[ "$hs" = connected ] && xvm_ok "$be/hotplug-status connected" || xvm_fail "hotplug-status: $hs"
ports
[ "$PORTS" = " $vif" ] && xvm_ok "$vif is the port of $BR" || xvm_fail "ports of $BR:$PORTS (want $vif)"
if xvm_wait_count "$LOG" "XVM-GUEST-NET ping $DOM0_IP" 1 "$BOOT_WAIT"; then
  case $MATCH in
    *"ping $DOM0_IP ok"*) xvm_ok "the guest pings dom0 over $vif" ;;
    *) xvm_fail "the guest says: $MATCH" ;;
  esac
else
  xvm_fail "no XVM-GUEST-NET ping line within ${BOOT_WAIT}s"
  [ -r "$LOG" ] && tail -n 15 "$LOG" | sed 's/^/  console: /'
  xenstore-ls -f /local/domain/0/backend/vif | head -n 30
fi
grep -q "XVM-GUEST-NET eth0 up mac=$MAC" "$LOG" && xvm_ok "the guest's eth0 has $MAC" ||
  xvm_fail "eth0: $(grep 'XVM-GUEST-NET eth' "$LOG" | tr '\n' ';')"
out=$(v domiflist $g)
case $out in
  *"$vif"*bridge*"$BR"*"$MAC"*) xvm_ok "domiflist: $vif bridge $BR $MAC" ;;
  *) xvm_fail "domiflist: $(echo "$out" | tr '\n' ';')" ;;
esac

# 3. Live detach and attach again, when xvmd serves them.
if out=$(v detach-interface $g bridge --mac $MAC --live 2>&1); then
  xvm_wait_count "$LOG" "XVM-GUEST-NET eth0 gone" 1 120 && xvm_ok "detached: the guest lost eth0" ||
    xvm_fail "detach-interface: the guest still has eth0"
  wait_ports "" 20 && xvm_ok "detached: $BR has no port" || xvm_fail "detached: ports of $BR:$PORTS"
  xenstore-exists $be 2> /dev/null && xvm_fail "detached: $be left" || xvm_ok "detached: backend removed"
  # An attach to a missing bridge fails with the script's reason.
  if out=$(v attach-interface $g bridge nosuchbr0 --mac $MAC --live 2>&1); then
    xvm_fail "attach-interface to a missing bridge succeeded"
  else
    case $out in
      *"Could not find bridge device nosuchbr0"*) xvm_ok "attach without the bridge fails: $out" ;;
      *) xvm_fail "attach without the bridge: unexpected error: $out" ;;
    esac
    left=$(xenstore-list /local/domain/0/backend/vif/$domid 2> /dev/null)
    [ -z "$left" ] && xvm_ok "failed attach: no backend left" || xvm_fail "failed attach left: $left"
  fi
  if out=$(v attach-interface $g bridge $BR --mac $MAC --live 2>&1) &&
     xvm_wait_count "$LOG" "XVM-GUEST-NET ping $DOM0_IP ok" 2 180; then
    xvm_ok "attached again: the guest pings dom0"
  else
    xvm_fail "attach-interface: $out; $(tail -n 2 "$LOG" | tr '\n' ';')"
  fi
  ports
  case $PORTS in " vif$domid."*) xvm_ok "attached again: $BR has$PORTS" ;;
    *) xvm_fail "attached again: ports of $BR:$PORTS" ;; esac
else
  case $out in
    *"not supported"*|*"no support"*) xvm_info "SKIP live detach/attach: xvmd does not serve it yet ($out)" ;;
    *) xvm_fail "virsh detach-interface: $out" ;;
  esac
fi

# 4. destroy: out of the bridge, no backend, no interface.
v destroy $g > /dev/null 2>&1 && xvm_ok "destroyed" || xvm_fail "virsh destroy"
wait_ports "" 20 && xvm_ok "$BR has no port" || xvm_fail "ports of $BR after destroy:$PORTS"
n=0
while [ -n "$VIFS" ] && [ $n -lt 40 ]; do sleep 0.25; n=$((n + 1)); ports; done
[ -z "$VIFS" ] && xvm_ok "no vif interface left" || xvm_fail "interfaces left:$VIFS"
xenstore-exists /local/domain/0/backend/vif/$domid 2> /dev/null &&
  xvm_fail "backend/vif/$domid left" || xvm_ok "no vif backend left"
grep -q "offline" /var/log/xen/xen-hotplug.log 2> /dev/null &&
  xvm_info "xen-hotplug.log: $(grep -c . /var/log/xen/xen-hotplug.log) lines"
v undefine $g > /dev/null 2>&1 || xvm_fail "undefine"
ip link del $BR
xvm_finish
