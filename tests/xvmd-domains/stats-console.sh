#!/bin/sh
# Statistics and the console through xvmd (under memcheck in the valgrind
# suite): domblkstat, domifstat, dommemstat, domblkinfo and their errors;
# virsh console on a pty (console-pty.py): the boot marker, the echo, a
# second console refused, --force taking over, a client that goes away
# without finishing, the stream's end when the domain is destroyed.
. "$STACK_SH"
stack_start --stats "sim:$DIR/sim"
con() { python3 "$CONSOLE_PTY" "$URI" s1 "$@"; }

echo kernel >"$DIR/vmlinuz"
truncate -s 4M "$DIR/s1.img"
cat >"$DIR/s1.xml" <<XML
<domain type='xen'>
  <name>s1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type>linux</type><kernel>$DIR/vmlinuz</kernel><cmdline>xvmsim.busy</cmdline></os>
  <devices>
    <disk type='file' device='disk'><source file='$DIR/s1.img'/><target dev='xvda'/></disk>
    <interface type='bridge'><source bridge='br0'/><mac address='00:16:3e:5a:00:01'/></interface>
    <console type='pty'/>
  </devices>
</domain>
XML
virsh -c "$URI" define "$DIR/s1.xml" >/dev/null || fail "define"
virsh -c "$URI" start s1 >/dev/null || fail "start"
id=$(virsh -c "$URI" domid s1 | head -1)

con "$DIR/c1.log" expect:"xvm-sim: $id booted" send:'abc\r' expect:abc escape ||
	fail "console: $(cat "$DIR/c1.log")"

i=0
until virsh -q -c "$URI" domblkstat s1 xvda 2>/dev/null | grep -q "rd_req [1-9]"; do
	i=$((i + 1)); [ $i -lt 150 ] || fail "domblkstat: $(virsh -c "$URI" domblkstat s1 xvda 2>&1)"
	sleep 0.2
done
virsh -q -c "$URI" domblkstat s1 >/dev/null || fail "domblkstat, all"
virsh -q -c "$URI_RO" domifstat s1 "vif$id.0" | grep -q "tx_packets [1-9]" || fail "domifstat"
virsh -q -c "$URI" domifstat s1 00:16:3e:5a:00:01 >/dev/null || fail "domifstat by MAC"
virsh -q -c "$URI" dommemstat s1 | grep -qx "actual 65536" || fail "dommemstat"
virsh -q -c "$URI" domblkinfo s1 xvda | grep -q "^Capacity: *4194304$" || fail "domblkinfo"
out=$(virsh -q -c "$URI" domblkstat s1 xvdb 2>&1) && fail "domblkstat xvdb"
echo "$out" | grep -q "invalid path: xvdb" || fail "domblkstat xvdb: $out"
out=$(virsh -q -c "$URI" domifstat s1 vif0.0 2>&1) && fail "domifstat vif0.0"
echo "$out" | grep -q "'vif0.0' is not a known interface" || fail "domifstat vif0.0: $out"
out=$(virsh -q -c "$URI_RO" console s1 2>&1) && fail "console on the read-only socket"

# A client that goes away with its console open (killed): the console is
# free again.
con "$DIR/k.log" expect:"Escape character" pid:"$DIR/k.pid" wait:"$DIR/never" \
	>/dev/null 2>&1 &
k=$!
i=0
until [ -e "$DIR/k.pid" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "console to kill"; sleep 0.2
done
kill -KILL "$(cat "$DIR/k.pid")"
wait "$k" 2>/dev/null
i=0
until con "$DIR/after.log" expect:"Escape character" escape >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "console after a killed client: $(cat "$DIR/after.log")"
	sleep 0.2
done

# Exclusive, --force takes over.
con "$DIR/hold.log" expect:"Escape character" touch:"$DIR/held" expect:"operation aborted" >/dev/null 2>&1 &
h=$!
i=0
until [ -e "$DIR/held" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "first console"; sleep 0.2
done
con "$DIR/second.log" expect:"error:" >/dev/null 2>&1
grep -q "Active console session exists for this domain" "$DIR/second.log" ||
	fail "second console: $(cat "$DIR/second.log")"
con "$DIR/force.log" --force expect:"Escape character" escape || fail "--force: $(cat "$DIR/force.log")"
wait "$h" || :
grep -q "operation aborted" "$DIR/hold.log" || fail "taken over: $(cat "$DIR/hold.log")"

# The domain goes: the console ends, virsh leaves cleanly.
con "$DIR/stop.log" expect:"Escape character" touch:"$DIR/up" >/dev/null 2>&1 &
s=$!
i=0
until [ -e "$DIR/up" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "console before destroy"; sleep 0.2
done
virsh -c "$URI" destroy s1 >/dev/null || fail "destroy"
wait "$s" || fail "console at destroy: $(cat "$DIR/stop.log")"
virsh -c "$URI" undefine s1 >/dev/null || fail "undefine"
