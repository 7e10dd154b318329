#!/bin/sh
# Nothing of a dead guest stays in xenstored: its ring connection, its
# watches, its accounting entry and its nodes go when it is destroyed or
# powers itself off (VIRQ_DOM_EXC), as with Xen's C xenstored. Reads xvm's
# xenstored's CONTROL memreport; skipped with another xenstored.
. /xvm/lib.sh
CFG=/xvm/guest/tiny.cfg
CON=/var/log/xen/console
BOOT_WAIT=${XVM_GUEST_BOOT_WAIT:-240}

# memreport NAME: sets VAL to the value of "NAME: VAL" in CONTROL memreport.
memreport() {
  VAL=
  REPORT=$(xenstore-control memreport 2>&1)
  while IFS= read -r l; do
    case $l in "$1: "*) VAL=${l#"$1: "} ;; esac
  done <<EOF
$REPORT
EOF
}

memreport connections
if [ -z "$VAL" ]; then
  xvm_info "CONTROL memreport has no 'connections:' line (not xvm's xenstored): skipped"
  xvm_finish
fi
# dom0's own ring (/proc/xen/xsd_kva, xsd_port): libxenstore through the
# dom0 kernel's /dev/xen/xenbus instead of the socket.
if [ -c /dev/xen/xenbus ]; then
  v=$(XENSTORED_PATH=/dev/xen/xenbus timeout 30 xenstore-read /local/domain/0/name 2>&1)
  [ "$v" = Domain-0 ] && xvm_ok "dom0's ring: read name=Domain-0" || xvm_fail "dom0's ring: read gave '$v'"
  XENSTORED_PATH=/dev/xen/xenbus timeout 30 xenstore-write /local/domain/0/xvm-ring-probe via-ring
  v=$(xenstore-read /local/domain/0/xvm-ring-probe 2>&1)
  [ "$v" = via-ring ] && xvm_ok "dom0's ring: write seen on the socket" || xvm_fail "dom0's ring: write gave '$v'"
  xenstore-rm /local/domain/0/xvm-ring-probe
else
  xvm_info "no /dev/xen/xenbus in dom0: dom0's ring not checked"
fi

memreport connections; c0=$VAL
memreport watches; w0=$VAL
memreport domains; d0=$VAL
xvm_info "before guests: connections $c0, watches $w0, domains $d0"

# Guest 1 runs xsprobe (watches, transactions, nodes), then is destroyed.
g=xvm-rc1
if ! xl create "$CFG" "name=\"$g\"" 'extra="console=hvc0 loglevel=4 xvm.guest=xsprobe"'; then
  xvm_fail "$g: xl create failed"; xvm_finish
fi
domid=$(xl domid $g)
if xvm_wait_text "$CON/guest-$g.log" XVM-GUEST-XS-END "$BOOT_WAIT"; then
  xvm_ok "$g: xsprobe ran over its ring: $MATCH"
else
  xvm_fail "$g: no XVM-GUEST-XS-END"
fi
memreport connections; c1=$VAL
memreport watches; w1=$VAL
xvm_info "$g running (domid $domid): connections $c1, watches $w1"
[ "$c1" -gt "$c0" ] && xvm_ok "$g: its ring connection counted" || xvm_fail "$g: connections $c1 (before $c0)"
q=$(xenstore-control quota $domid 2>&1)
case $q in *"Domain $domid"*) xvm_ok "$g: CONTROL quota $domid answers" ;;
  *) xvm_fail "$g: CONTROL quota $domid: $q" ;; esac
if xenstore-control check 2>&1 | grep -q OK; then xvm_ok "store consistent with a guest"; else xvm_fail "CONTROL check with a guest"; fi
timeout 60 xl destroy $g || xvm_fail "$g: xl destroy rc=$?"

# Guest 2 powers itself off.
g=xvm-rc2
timeout $((BOOT_WAIT + 60)) xl create -c "$CFG" "name=\"$g\"" \
  'extra="console=hvc0 loglevel=4 xvm.guest=selfoff"' < /dev/null > /tmp/$g.out 2>&1
xvm_wait_text /tmp/$g.out XVM-GUEST-POWEROFF 1 && xvm_ok "$g: powered itself off" || xvm_fail "$g: no power-off"
xl destroy $g > /dev/null 2>&1

# Back to where we started (xl's background monitors may take a moment
# to exit and close their connections).
xvm_now; end=$((NOW + 3000))
while :; do
  memreport connections; c2=$VAL
  memreport watches; w2=$VAL
  memreport domains; d2=$VAL
  [ "$c2" = "$c0" ] && [ "$w2" = "$w0" ] && [ "$d2" = "$d0" ] && break
  xvm_now; [ "$NOW" -ge "$end" ] && break
  sleep 0.25
done
xvm_info "after guests: connections $c2, watches $w2, domains $d2"
[ "$c2" = "$c0" ] && xvm_ok "connections back to $c0" || xvm_fail "connections $c2, before $c0"
[ "$w2" = "$w0" ] && xvm_ok "watches back to $w0" || xvm_fail "watches $w2, before $w0"
[ "$d2" = "$d0" ] && xvm_ok "domain entries back to $d0" || xvm_fail "domain entries $d2, before $d0"
if xenstore-control quota $domid > /dev/null 2>&1; then
  xvm_fail "CONTROL quota $domid still answers: $(xenstore-control quota $domid 2>&1 | tr '\n' ' ')"
else
  xvm_ok "no accounting left for domain $domid"
fi
doms=$(xenstore-list /local/domain 2>&1 | tr '\n' ' ')
[ "$doms" = "0 " ] && xvm_ok "/local/domain: only 0" || xvm_fail "/local/domain holds: $doms"
if xenstore-control check 2>&1 | grep -q OK; then xvm_ok "store consistent"; else xvm_fail "CONTROL check"; fi
echo "$REPORT" | sed 's/^/XVM-INFO memreport: /'
xvm_finish
