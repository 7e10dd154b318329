#!/bin/sh
# PV guest lifecycle with xl: create -> console marker -> shutdown -w ->
# gone; create -> destroy -> gone; a guest that powers itself off
# disappears; afterwards nothing is left behind in xl or xenstore.
. /xvm/lib.sh
CFG=/xvm/guest/tiny.cfg
CON=/var/log/xen/console
BOOT_WAIT=${XVM_GUEST_BOOT_WAIT:-240}

vm_before=$(xenstore-list /vm 2>/dev/null | sort | tr '\n' ' ')
xvm_info "/vm before guests: ${vm_before:-<empty>}"

# NAME [SECONDS]: the domain disappears within SECONDS (default 30). After
# `xl shutdown -w` returns, xl's background monitor destroys the shut-down
# domain a moment later, so one look right away can race with it.
domain_gone() {
  n=0
  while xl domid "$1" > /dev/null 2>&1; do
    [ $n -ge $(( ${2:-30} * 4 )) ] && return 1
    sleep 0.25
    n=$((n + 1))
  done
}

# create NAME [xl overrides...]: xl create, then wait for the marker.
create_and_wait() {
  g=$1; shift
  xvm_now; c0=$NOW
  if ! xl create "$CFG" "name=\"$g\"" "$@"; then
    xvm_fail "$g: xl create failed"
    return 1
  fi
  xvm_now; c1=$NOW
  xvm_info "$g: xl create returned after $(( (c1 - c0) / 100 )).$(( (c1 - c0) % 100 / 10 ))s, domid $(xl domid "$g" 2>/dev/null)"
  if xvm_wait_text "$CON/guest-$g.log" XVM-GUEST-HELLO "$BOOT_WAIT"; then
    xvm_now
    xvm_ok "$g: marker on its console after $(( (NOW - c0) / 100 ))s: $MATCH"
    # create -> marker of the first guest, for 60-virsh-pv's side by side.
    [ -f /run/xvm-xl-create-marker ] || echo $((NOW - c0)) > /run/xvm-xl-create-marker
  else
    xvm_fail "$g: no XVM-GUEST-HELLO in $CON/guest-$g.log within ${BOOT_WAIT}s"
    [ -r "$CON/guest-$g.log" ] && tail -n 20 "$CON/guest-$g.log" | sed "s/^/  $g console: /"
    xl list
    return 1
  fi
}

# Guest 1: graceful shutdown.
g=xvm-g1
if create_and_wait $g; then
  domid1=$(xl domid $g)
  xl list $g > /dev/null 2>&1 && xvm_ok "$g: in xl list" || xvm_fail "$g: not in xl list"
  if timeout 120 xl shutdown -w $g; then xvm_ok "$g: xl shutdown -w"; else xvm_fail "$g: xl shutdown -w rc=$?"; fi
  if domain_gone $g; then xvm_ok "$g: gone after shutdown"; else xvm_fail "$g: still there after shutdown"; fi
  xvm_wait_text "$CON/guest-$g.log" XVM-GUEST-POWEROFF 2 && xvm_info "$g: its /sbin/poweroff ran"
fi
xl destroy $g > /dev/null 2>&1

# Guest 2: destroy.
g=xvm-g2
if create_and_wait $g; then
  domid2=$(xl domid $g)
  if timeout 60 xl destroy $g; then xvm_ok "$g: xl destroy"; else xvm_fail "$g: xl destroy rc=$?"; fi
  if domain_gone $g; then xvm_ok "$g: gone after destroy"; else xvm_fail "$g: still there after destroy"; fi
fi
xl destroy $g > /dev/null 2>&1

# Guest 3: powers itself off; xl create -c returns once it is gone.
g=xvm-g3
xvm_now; c0=$NOW
timeout $((BOOT_WAIT + 60)) xl create -c "$CFG" "name=\"$g\"" \
  'extra="console=hvc0 loglevel=4 xvm.guest=selfoff"' < /dev/null > /tmp/$g.out 2>&1
rc=$?
xvm_now
xvm_info "$g: xl create -c returned rc=$rc after $(( (NOW - c0) / 100 ))s"
if xvm_wait_text /tmp/$g.out XVM-GUEST-HELLO 1; then xvm_ok "$g: marker on the attached console"; else
  xvm_fail "$g: no marker on the attached console"; tail -n 20 /tmp/$g.out | sed "s/^/  $g: /"; fi
if xvm_wait_text /tmp/$g.out XVM-GUEST-POWEROFF 1; then xvm_ok "$g: powered itself off"; else
  xvm_fail "$g: no power-off message"; fi
if domain_gone $g; then xvm_ok "$g: gone after powering off"; else
  xvm_fail "$g: still there"; xl destroy $g > /dev/null 2>&1; fi

# Nothing left behind.
list=$(xl list 2>/dev/null)
n=$(echo "$list" | grep -vc '^Name ')
if [ "$n" = 1 ] && echo "$list" | grep -q '^Domain-0 '; then xvm_ok "xl list: only Domain-0"; else
  xvm_fail "leftover domains:"; echo "$list"; fi
doms=$(xenstore-list /local/domain 2>&1 | tr '\n' ' ')
if [ "$doms" = "0 " ]; then xvm_ok "/local/domain: only 0"; else
  xvm_fail "/local/domain holds: $doms"; xenstore-ls -f /local/domain | grep -v '^/local/domain/0/' | head -n 40; fi
vm_after=$(xenstore-list /vm 2>/dev/null | sort | tr '\n' ' ')
if [ "$vm_after" = "$vm_before" ]; then xvm_ok "/vm: no entries of dead guests"; else
  xvm_fail "/vm before '$vm_before' after '$vm_after'"; fi
for d in $domid1 $domid2; do
  if xenstore-exists /local/domain/$d 2>/dev/null; then xvm_fail "/local/domain/$d still exists"; fi
done

xvm_finish
