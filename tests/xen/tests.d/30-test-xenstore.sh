#!/bin/sh
# Xen's own xenstore test program (tools/tests/xenstore), as dom0.
. /xvm/lib.sh
T=/usr/lib/xen-4.17/bin/test-xenstore
if [ ! -x $T ]; then xvm_fail "$T missing from the image"; xvm_finish; fi
timeout 240 $T > /tmp/test-xenstore.out 2>&1
rc=$?
sed 's/^/  test-xenstore: /' /tmp/test-xenstore.out
if [ $rc -eq 0 ]; then xvm_ok "test-xenstore passed"; else xvm_fail "test-xenstore rc=$rc"; fi
xvm_finish
