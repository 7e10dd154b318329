#!/bin/sh
# A guest talks to xenstored over its ring (its kernel's /dev/xen/xenbus):
# /bin/xsprobe in the guest initramfs reads its domid and name, is refused
# dom0's tree, writes until the node quota stops it, and checks that its
# connection still works; it prints XVM-GUEST-XS lines on its console.
. /xvm/lib.sh
CFG=/xvm/guest/tiny.cfg
CON=/var/log/xen/console
g=xvm-xs
LOG=$CON/guest-$g.log
BOOT_WAIT=${XVM_GUEST_BOOT_WAIT:-240}

perms=$(timeout 30 xenstore-ls -p /local/domain/0 2>&1 | grep -E '^(name|domid) ' | sed -E 's/ +(\. *)+/ /')
xvm_info "dom0 tree permissions: $(echo "$perms" | tr '\n' ';')"

xvm_now; c0=$NOW
if ! xl create "$CFG" "name=\"$g\"" 'extra="console=hvc0 loglevel=4 xvm.guest=xsprobe"'; then
  xvm_fail "xl create failed"; xvm_finish
fi
domid=$(xl domid $g)
xvm_info "$g: domid $domid"
if ! xvm_wait_text "$LOG" XVM-GUEST-HELLO "$BOOT_WAIT"; then
  xvm_fail "no XVM-GUEST-HELLO from $g within ${BOOT_WAIT}s"
  [ -r "$LOG" ] && tail -n 30 "$LOG" | sed "s/^/  $g console: /"
  xl destroy $g; xvm_finish
fi
if xvm_wait_text "$LOG" XVM-GUEST-XS-END 180; then
  xvm_now
  xvm_ok "xsprobe finished after $(( (NOW - c0) / 100 ))s: $MATCH"
else
  xvm_fail "xsprobe did not finish within 180s"
fi
xvm_show_lines "$LOG" XVM-GUEST-XS "  guest: "
fails=0
while IFS= read -r l || [ -n "$l" ]; do
  case $l in *"XVM-GUEST-XS FAIL"*) fails=$((fails + 1)) ;; esac
done < "$LOG"
[ $fails -eq 0 ] && xvm_ok "no xsprobe check failed" || xvm_fail "$fails xsprobe check(s) failed"
for c in "PASS domid domid=$domid" "PASS name name=$g" "PASS dom0-name-eacces" \
         "PASS dom0-write-eacces" "PASS quota" "PASS alive-after-quota" "PASS write-after-rm"; do
  if xvm_wait_text "$LOG" "XVM-GUEST-XS $c" 0; then xvm_ok "guest: $c"; else xvm_fail "guest: missing '$c'"; fi
done
xvm_wait_text "$LOG" "XVM-GUEST-XS PASS quota" 0 && xvm_info "quota answer: ${MATCH#*quota }"

# The daemon's quota settings and the guest's usage, for the record.
timeout 30 xenstore-control quota 2>&1 | sed 's/^/XVM-INFO quota: /' | head -n 20
timeout 30 xenstore-control quota $domid 2>&1 | sed "s/^/XVM-INFO quota of domain $domid: /" | tr -s ' \t' ' ' | head -n 8

# dom0's view of what the guest wrote.
v=$(xenstore-read /local/domain/$domid/data/xsprobe/after 2>&1)
[ "$v" = ok ] && xvm_ok "dom0 reads the guest's data/xsprobe/after=ok" || xvm_fail "dom0 reads data/xsprobe/after='$v'"
if xenstore-exists /local/domain/$domid/data/xsprobe/q 2>/dev/null; then xvm_fail "quota nodes still there"; else xvm_ok "quota nodes removed"; fi
if xenstore-exists /local/domain/0/xsprobe-intruder 2>/dev/null; then xvm_fail "guest wrote into dom0's tree"; fi

if timeout 60 xl destroy $g; then xvm_ok "xl destroy"; else xvm_fail "xl destroy rc=$?"; fi
if xenstore-exists /local/domain/$domid 2>/dev/null; then xvm_fail "/local/domain/$domid left behind"; else xvm_ok "/local/domain/$domid removed"; fi
xvm_finish
