#!/bin/sh
# Statistics and the console through virsh, on the stack ./run started:
# domblkstat, domifstat and dommemstat give the simulated backends'
# counters (which grow: the guest runs with xvmsim.busy), bad device names
# get libxl's errors; virsh console on a pty shows the guest's boot
# marker and echoes what is typed, ^] leaves it; a second console is
# refused unless --force, which takes it over; a destroy ends it.
set -eu
: "${LIBVIRT_URI:?}" "${XVM_RUN_DIR:?}"
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "  $*" >&2; exit 1; }
v() { virsh -q -c "$LIBVIRT_URI" "$@"; }
# The value of counter $1 in the "[DEV] NAME VALUE" lines on stdin.
field() { awk -v n="$1" '$(NF - 1) == n { print $NF }'; }
d=$(mktemp -d "$XVM_RUN_DIR/vt70.XXXXXX")
con() { python3 "$here/console-pty.py" "$LIBVIRT_URI" vt70 "$@"; }
echo kernel >"$d/vmlinuz"
truncate -s 8M "$d/disk.img"
cat >"$d/vt70.xml" <<XML
<domain type='xen'>
  <name>vt70</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type>linux</type><kernel>$d/vmlinuz</kernel><cmdline>xvmsim.busy</cmdline></os>
  <devices>
    <disk type='file' device='disk'>
      <source file='$d/disk.img'/><target dev='xvda' bus='xen'/>
    </disk>
    <interface type='bridge'>
      <source bridge='br70'/><mac address='00:16:3e:70:00:01'/>
    </interface>
    <console type='pty'/>
  </devices>
</domain>
XML
v define "$d/vt70.xml" >/dev/null || fail "define"
trap 'v destroy vt70 >/dev/null 2>&1; v undefine vt70 >/dev/null 2>&1' EXIT

# Not running: libxl's error.
v domblkstat vt70 xvda >/dev/null 2>"$d/err" && fail "domblkstat of a shut-off domain"
grep -q "domain is not running" "$d/err" || fail "domblkstat, shut off: $(cat "$d/err")"
v start vt70 >/dev/null || fail "start"
id=$(v domid vt70)

# The console first: its daemon keeps the boot output for the first reader.
con "$d/con1.log" expect:"xvm-sim: $id booted" send:'xvm70-typed\r' expect:xvm70-typed escape ||
	fail "console (rc $?): $(cat "$d/con1.log")"
grep -q "Connected to domain 'vt70'" "$d/con1.log" || fail "console: $(cat "$d/con1.log")"

# Block statistics: by target, by source path, all disks; they grow.
i=0
until [ "$(v domblkstat vt70 xvda 2>/dev/null | field rd_req)" -gt 0 ] 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no reads: $(v domblkstat vt70 xvda 2>&1)"; sleep 0.2
done
v domblkstat vt70 xvda >"$d/blk1" || fail "domblkstat"
for f in rd_req rd_bytes wr_req wr_bytes errs; do
	grep -q "^xvda $f [0-9][0-9]*$" "$d/blk1" || fail "domblkstat: no $f: $(cat "$d/blk1")"
done
rd1=$(field rd_req <"$d/blk1") rdb1=$(field rd_bytes <"$d/blk1")
# Reads are of 4 KiB pages: bytes follow requests.
[ "$rdb1" -ge $((rd1 * 512)) ] || fail "domblkstat: $rd1 reads of $rdb1 bytes"
[ "$(field errs <"$d/blk1")" = 0 ] || fail "domblkstat: errors: $(cat "$d/blk1")"
v domblkstat vt70 "$d/disk.img" | field rd_req | grep -q '^[1-9]' || fail "domblkstat by path"
v domblkstat vt70 | field rd_req | grep -q '^[1-9]' || fail "domblkstat, all disks"
i=0
until [ "$(v domblkstat vt70 xvda | field rd_req)" -gt "$rd1" ]; do
	i=$((i + 1)); [ $i -lt 150 ] || fail "reads do not grow past $rd1"; sleep 0.2
done
v domblkstat vt70 xvdz >/dev/null 2>"$d/err" && fail "domblkstat of no disk"
grep -q "invalid path: xvdz" "$d/err" || fail "domblkstat xvdz: $(cat "$d/err")"

# domiflist and domblklist (the live XML): Xen's interface name, as libxl,
# which the inactive XML and a define of the live XML leave out.
v domiflist vt70 | grep -q "^ *vif$id.0 *bridge *br70 .*00:16:3e:70:00:01" ||
	fail "domiflist: $(v domiflist vt70)"
v domblklist vt70 | grep -q "^ *xvda *$d/disk.img" || fail "domblklist: $(v domblklist vt70)"
v dumpxml --inactive vt70 | grep -q "vif$id" && fail "the inactive XML names vif$id.0"
v dumpxml vt70 >"$d/live.xml"
v define "$d/live.xml" >/dev/null || fail "define of the live XML"
v dumpxml --inactive vt70 | grep -q "vif$id" && fail "a define kept vif$id.0"

# Interface statistics: by Xen's name and by MAC, the same device; they grow.
v domifstat vt70 "vif$id.0" >"$d/if1" || fail "domifstat vif$id.0"
for f in rx_bytes rx_packets rx_errs rx_drop tx_bytes tx_packets tx_errs tx_drop; do
	grep -q "^vif$id.0 $f [0-9][0-9]*$" "$d/if1" || fail "domifstat: no $f: $(cat "$d/if1")"
done
tx1=$(field tx_packets <"$d/if1")
[ "$tx1" -gt 0 ] || fail "domifstat: the guest sent nothing: $(cat "$d/if1")"
v domifstat vt70 00:16:3e:70:00:01 | field tx_packets | grep -q '^[1-9]' || fail "domifstat by MAC"
i=0
until [ "$(v domifstat vt70 "vif$id.0" | field tx_packets)" -gt "$tx1" ]; do
	i=$((i + 1)); [ $i -lt 150 ] || fail "packets do not grow past $tx1"; sleep 0.2
done
for bad in vif$id.7 00:16:3e:70:00:99 eth0; do
	v domifstat vt70 "$bad" >/dev/null 2>"$d/err" && fail "domifstat $bad"
	grep -q "invalid argument: '$bad' is not a known interface" "$d/err" ||
		fail "domifstat $bad: $(cat "$d/err")"
done

# The older calls and a read-only connection (virsh uses the Flags one).
/usr/bin/python3 - "$LIBVIRT_URI" <<'PY' || fail "python3-libvirt statistics"
import sys, libvirt
uri = sys.argv[1]
for u in (uri, uri.replace("virtxend-sock", "virtxend-sock-ro")):
    d = libvirt.open(u).lookupByName("vt70")
    rd_req, rd_bytes, wr_req, wr_bytes, errs = d.blockStats("xvda")
    f = d.blockStatsFlags("xvda")
    assert rd_req > 0 and errs == 0, (rd_req, errs)
    assert f["rd_operations"] >= rd_req and f["errs"] == 0, f
    assert set(f) == {"rd_operations", "rd_bytes", "wr_operations", "wr_bytes", "errs"}, f
    s = d.interfaceStats("vif%d.0" % d.ID())
    assert len(s) == 8 and s[5] > 0, s
    m = d.memoryStats()
    assert m == {"actual": 65536, "available": 65536}, m
PY

# A hot-plugged interface: named by Xen too, counted by its backend.
v attach-interface vt70 bridge br70 --mac 00:16:3e:70:00:02 --live >/dev/null ||
	fail "attach-interface"
v domiflist vt70 | grep -q "^ *vif$id.1 *bridge *br70 .*00:16:3e:70:00:02" ||
	fail "domiflist after attach: $(v domiflist vt70)"
i=0
until v domifstat vt70 "vif$id.1" 2>/dev/null | field tx_packets | grep -q '^[1-9]'; do
	i=$((i + 1)); [ $i -lt 150 ] || fail "domifstat vif$id.1: $(v domifstat vt70 "vif$id.1" 2>&1)"
	sleep 0.2
done
v domifstat vt70 00:16:3e:70:00:02 >/dev/null || fail "domifstat of the new MAC"
v detach-interface vt70 bridge --mac 00:16:3e:70:00:02 --live >/dev/null || fail "detach-interface"
i=0
while v domifstat vt70 00:16:3e:70:00:02 >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 150 ] || fail "domifstat after detach"; sleep 0.2
done

# Memory, as libxl: what the domain holds, and its maximum.
v dommemstat vt70 >"$d/mem" || fail "dommemstat"
grep -qx "actual 65536" "$d/mem" || fail "dommemstat: $(cat "$d/mem")"
grep -qx "available 65536" "$d/mem" || fail "dommemstat: $(cat "$d/mem")"

# The image's size.
v domblkinfo vt70 xvda >"$d/info" || fail "domblkinfo"
grep -q "^Capacity: *8388608$" "$d/info" || fail "domblkinfo: $(cat "$d/info")"

# One console at a time: a second is refused, --force takes it over.
con "$d/hold.log" expect:"Escape character" touch:"$d/holding" expect:"operation aborted" \
	>"$d/hold.rc" 2>&1 &
holder=$!
i=0
until [ -e "$d/holding" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "the first console did not connect"; sleep 0.2
done
con "$d/second.log" expect:"error:" && fail "a second console was allowed"
grep -q "operation failed: Active console session exists for this domain" "$d/second.log" ||
	fail "second console: $(cat "$d/second.log")"
con "$d/force.log" --force expect:"Escape character" send:'xvm70-forced\r' \
	expect:xvm70-forced escape || fail "console --force: $(cat "$d/force.log")"
# virsh fails there (rc 1) with the stream's error.
wait $holder || :
grep -q "error: operation aborted: another client opened the console with --force" \
	"$d/hold.log" || fail "the console taken over: $(cat "$d/hold.log")"

# A destroy ends the console; virsh leaves without an error.
con "$d/stop.log" expect:"Escape character" touch:"$d/stopping" &
stopper=$!
i=0
until [ -e "$d/stopping" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "the console did not connect"; sleep 0.2
done
v destroy vt70 >/dev/null || fail "destroy"
wait $stopper || fail "console at destroy (rc $?): $(cat "$d/stop.log")"
grep -q "error" "$d/stop.log" && fail "console at destroy: $(cat "$d/stop.log")"
v undefine vt70 >/dev/null || fail "undefine"
trap - EXIT
