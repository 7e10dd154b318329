#!/bin/sh
# Probe (not part of the tier; README, pitfall 16): counts dom0 processes
# killed by a fault while dom0 forks `expr` on both vCPUs and xl builds
# 12 guests one after another (each powers itself off at once).
#   tests/xen/run.sh --xvmd none --tests 05 \
#     --extra-dir tests/xen/probes/dom0-crashes [--test-timeout 200]
# with XVM_QEMU_CPU=... etc. to compare machines. Fails if any crashed.
. /xvm/lib.sh
CFG=/xvm/guest/tiny.cfg
N=${XVM_PROBE_GUESTS:-12}
crashes() { dmesg | grep -cE 'segfault at|general protection fault'; }
b=$(crashes)
xvm_now; t0=$NOW
rm -f /tmp/probe-done
( i=0
  while [ $i -lt "$N" ]; do
    xl create $CFG "name=\"probe$i\"" 'extra="console=hvc0 xvm.guest=selfoff"' > /dev/null 2>&1
    i=$((i + 1))
  done
  touch /tmp/probe-done ) &
for j in 1 2; do
  ( n=0
    while [ ! -e /tmp/probe-done ]; do expr $n + 1 > /dev/null; n=$((n + 1)); done
    echo $n > /tmp/probe-forks$j ) &
done
wait
xvm_now; a=$(crashes)
xvm_info "probe: $((a - b)) crashes during $N guest builds, $(xvm_secs $((NOW - t0)))s, forks $(cat /tmp/probe-forks1) + $(cat /tmp/probe-forks2)"
[ "$a" -eq "$b" ] && xvm_ok "no dom0 process crashed" || xvm_fail "$((a - b)) dom0 processes crashed"
xvm_finish
