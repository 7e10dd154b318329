#!/bin/sh
# 70-virsh-save for a PVH guest with 2 vCPUs: hv_xen saves the HVM
# container (xc_domain_save: memory with the ACPI tables, HVM context,
# params) and restores it into a new PVH domain (paging pool and timer
# mode as at the build); the count goes on and both vCPUs run.
. /xvm/lib.sh
caps=$(xl info | sed -n 's/^virt_caps *: *//p')
case $caps in
  *hvm*) ;;
  *) xvm_fail "Xen offers no HVM container here (virt_caps: $caps)"; xvm_finish ;;
esac
XVM_SAVE_NAME=xvm-savepvh XVM_GUEST_PVH=1 XVM_GUEST_VCPUS=2 exec sh /xvm/tests.d/70-virsh-save.sh
