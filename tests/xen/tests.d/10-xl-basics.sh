#!/bin/sh
# xl info / xl list through real hypercalls, xenstore write/read/rm.
. /xvm/lib.sh

info=$(xl info 2>&1)
rc=$?
echo "$info" | grep -E '^(xen_version|xen_caps|nr_cpus|total_memory|free_memory|xen_commandline)'
if [ $rc -eq 0 ] && echo "$info" | grep -Eq '^xen_version +: 4\.17'; then
  xvm_ok "xl info: xen_version 4.17"
else
  xvm_fail "xl info: no xen_version 4.17 (rc=$rc)"
fi
# Which guest types this Xen offers (under QEMU TCG: no VMX/SVM, PV only
# expected): xen_caps lists hvm-* and virt_caps hvm/pvh only with them.
xvm_info "guest types: $(echo "$info" | grep -E '^(xen_caps|virt_caps)' | tr -s ' ' | tr '\n' ';')" \
  "xl dmesg: $(xl dmesg 2>/dev/null | grep -iE 'hvm|vmx|svm' | head -n 4 | tr -s ' ' | tr '\n' ';')"

list=$(xl list 2>&1)
echo "$list"
if echo "$list" | grep -Eq '^Domain-0 +0 '; then
  xvm_ok "xl list: Domain-0"
else
  xvm_fail "xl list: no Domain-0"
fi

xvm_check "xenstore-write" xenstore-write /xvm-basics/key "hello world"
v=$(xenstore-read /xvm-basics/key 2>&1)
if [ "$v" = "hello world" ]; then xvm_ok "xenstore-read"; else xvm_fail "xenstore-read gave '$v'"; fi
xvm_check "xenstore-rm" xenstore-rm /xvm-basics
if xenstore-exists /xvm-basics 2>/dev/null; then
  xvm_fail "xenstore-exists after rm"
else
  xvm_ok "node gone after rm"
fi
v=$(xenstore-read /local/domain/0/name 2>&1)
if [ "$v" = Domain-0 ]; then xvm_ok "/local/domain/0/name=Domain-0"; else xvm_fail "/local/domain/0/name='$v'"; fi

# No network device at all: only lo.
nets=$(ls /sys/class/net)
if [ "$nets" = lo ]; then xvm_ok "network interfaces: lo only"; else xvm_fail "network interfaces: $nets"; fi

xvm_finish
