#!/bin/sh
# vCPUs, memory and the credit scheduler through virsh, live and config:
# setvcpus (the guest onlines and offlines vCPUs), vcpucount, vcpuinfo,
# vcpupin, setmem (the guest balloons), setmaxmem, schedinfo, and dominfo
# agreeing afterwards; each refusal with its message.
set -eu
: "${LIBVIRT_URI:?}" "${XVM_RUN_DIR:?}" "${XENSTORED_PATH:?}"
fail() { echo "  $*" >&2; exit 1; }
v() { virsh -q -c "$LIBVIRT_URI" "$@"; }
# refused MESSAGE ARGS...: virsh ARGS fails and says MESSAGE.
refused() {
	msg=$1; shift
	if out=$(v "$@" 2>&1); then fail "virsh $* succeeded: $out"; fi
	case $out in *"$msg"*) ;; *) fail "virsh $*: \"$out\" does not say \"$msg\"" ;; esac
}
# until_ok DESCRIPTION COMMAND...: polls COMMAND for 30 s.
until_ok() {
	what=$1; shift
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 300 ] || fail "$what"; sleep 0.1
	done
}
field() { v dominfo vt60 | sed -n "s/^$1: *//p"; }
d=$(mktemp -d "$XVM_RUN_DIR/vt60.XXXXXX")
echo kernel >"$d/vmlinuz"
cat >"$d/vt60.xml" <<XML
<domain type='xen'>
  <name>vt60</name>
  <memory unit='MiB'>128</memory>
  <currentMemory unit='MiB'>96</currentMemory>
  <vcpu current='2'>4</vcpu>
  <os><type>linux</type><kernel>$d/vmlinuz</kernel><cmdline>xvmsim.busy</cmdline></os>
  <devices><console type='pty'/></devices>
</domain>
XML
v define "$d/vt60.xml" >/dev/null || fail "define"

# Shut off: live changes are refused, CURRENT is the config.
refused "domain is not running" setvcpus vt60 1 --live
refused "domain is not running" setmem vt60 64M --live
refused "domain is not running" schedinfo vt60 --live
v setvcpus vt60 3 --config || fail "setvcpus --config (shut off)"
refused "domain is not running" setvcpus vt60 2
v setvcpus vt60 2 --current || fail "setvcpus --current (shut off)"
v vcpucount vt60 | grep -Eq '^current +config +2$' || fail "vcpucount (shut off): $(v vcpucount vt60)"

v start vt60 >/dev/null || fail "start"
id=$(v domid vt60)
online() { [ "$(XENSTORED_PATH=$XENSTORED_PATH xenstore-read "/local/domain/$id/cpu/$1/availability")" = "$2" ]; }

# vCPUs: hotplug through xenstore, the guest follows; the config stays.
out=$(v vcpucount vt60)
for l in "maximum +config +4" "maximum +live +4" "current +config +2" "current +live +2"; do
	echo "$out" | grep -Eq "^$l\$" || fail "vcpucount: $out"
done
v setvcpus vt60 3 --live || fail "setvcpus --live"
online 2 online && online 3 offline || fail "cpu/N/availability after setvcpus 3"
[ "$(field 'CPU(s)')" = 3 ] || fail "dominfo CPU(s): $(field 'CPU(s)')"
v vcpucount vt60 --live --active | grep -qx 3 || fail "vcpucount --live: $(v vcpucount vt60 --live --active)"
v vcpucount vt60 --config --active | grep -qx 2 || fail "vcpucount --config"
until_ok "vCPU 2 never came up: $(v vcpuinfo vt60)" \
	sh -c "virsh -q -c '$LIBVIRT_URI' vcpuinfo vt60 | grep -c '^State: *running' | grep -qx 3"
v setvcpus vt60 1 --live || fail "setvcpus 1"
online 1 offline || fail "cpu/1/availability"
v vcpuinfo vt60 | grep -c '^VCPU:' | grep -qx 1 || fail "vcpuinfo after setvcpus 1: $(v vcpuinfo vt60)"
refused "greater than max allowable vcpus for the domain: 5 > 4" setvcpus vt60 5 --live
refused "greater than max allowable vcpus" setvcpus vt60 9 --config --maximum
refused "--maximum" setvcpus vt60 2 --live --maximum
v setvcpus vt60 3 --config --maximum || fail "setvcpus --config --maximum"
v dumpxml --inactive vt60 | grep -q "<vcpu placement='static' current='2'>3</vcpu>" ||
	fail "persistent vcpu: $(v dumpxml --inactive vt60 | grep '<vcpu')"
v dumpxml vt60 | grep -q "current='1'>4</vcpu>" || fail "live vcpu: $(v dumpxml vt60 | grep '<vcpu')"
v setvcpus vt60 2 --live || fail "setvcpus 2"

# Pinning: live (the hypervisor) and config.
v vcpupin vt60 1 2-3 --live >/dev/null || fail "vcpupin --live"
v vcpupin vt60 --live | grep -Eq '^ *1 +2-3$' || fail "vcpupin query: $(v vcpupin vt60 --live)"
v vcpuinfo vt60 | grep -q '^CPU Affinity: *--yy$' || fail "vcpuinfo affinity: $(v vcpuinfo vt60)"
v vcpupin vt60 0 1 --config >/dev/null || fail "vcpupin --config"
v dumpxml --inactive vt60 | grep -q "<vcpupin vcpu='0' cpuset='1'/>" || fail "config vcpupin"
v vcpupin vt60 --live | grep -Eq '^ *0 +0-3$' || fail "live pin of vCPU 0 changed"
refused "vcpu '3' is not active" vcpupin vt60 3 1 --live

# Memory: the guest balloons to the target; the maximum moves.
v setmem vt60 64M --live || fail "setmem --live"
until_ok "used memory never reached 65536 KiB: $(field 'Used memory')" \
	sh -c "virsh -q -c '$LIBVIRT_URI' dominfo vt60 | grep -q '^Used memory: *65536 KiB'"
refused "cannot set memory higher than max memory" setmem vt60 200M --live
v setmaxmem vt60 256M --live || fail "setmaxmem --live"
[ "$(field 'Max memory')" = "262144 KiB" ] || fail "dominfo max memory: $(field 'Max memory')"
refused "lower than the current memory" setmaxmem vt60 32M --live
v setmem vt60 160M || fail "setmem --current"
until_ok "used memory never reached 163840 KiB: $(field 'Used memory')" \
	sh -c "virsh -q -c '$LIBVIRT_URI' dominfo vt60 | grep -q '^Used memory: *163840 KiB'"
v setmaxmem vt60 100M --config || fail "setmaxmem --config"
refused "cannot set memory higher than max memory" setmem vt60 120M --config
v dumpxml --inactive vt60 | grep -q "<memory unit='KiB'>102400</memory>" || fail "config memory"

# The credit scheduler.
out=$(v schedinfo vt60)
echo "$out" | grep -Eq '^Scheduler *: credit$' && echo "$out" | grep -Eq '^weight *: 256$' &&
	echo "$out" | grep -Eq '^cap *: 0$' || fail "schedinfo: $out"
v schedinfo vt60 --set weight=512 >/dev/null || fail "schedinfo --set weight"
v schedinfo vt60 --set cap=50 >/dev/null || fail "schedinfo --set cap"
out=$(v schedinfo vt60 --live)
echo "$out" | grep -Eq '^weight *: 512$' && echo "$out" | grep -Eq '^cap *: 50$' ||
	fail "schedinfo after --set: $out"
refused "invalid scheduler option: foo" schedinfo vt60 --set foo=1
refused "cap 401 is out of range" schedinfo vt60 --set cap=401
refused "weight 0 is out of range" schedinfo vt60 --set weight=0
v schedinfo vt60 --config --set weight=300 >/dev/null || fail "schedinfo --config --set weight"
v schedinfo vt60 --config | grep -Eq '^weight *: 300$' || fail "schedinfo --config"
refused "invalid scheduler option: cap" schedinfo vt60 --config --set cap=10
v dumpxml --inactive vt60 | grep -q "<shares>300</shares>" || fail "config shares"

# dominfo agrees: vCPUs, memory, and CPU time that grows (busy guest).
[ "$(field 'CPU(s)')" = 2 ] || fail "dominfo CPU(s): $(field 'CPU(s)')"
t1=$(field 'CPU time' | sed 's/s$//')
until_ok "CPU time never grew past $t1" \
	sh -c "t=\$(virsh -q -c '$LIBVIRT_URI' dominfo vt60 | sed -n 's/^CPU time: *//p' | sed 's/s\$//'); awk -v a=\"\$t\" -v b='${t1:-0}' 'BEGIN { exit !(a > b) }'"

# The next start has the config: 2 of 3 vCPUs, 96 of 100 MiB, weight 300.
v destroy vt60 >/dev/null || fail "destroy"
v start vt60 >/dev/null || fail "start again"
v vcpucount vt60 | grep -Eq '^maximum +live +3$' || fail "vcpucount after restart: $(v vcpucount vt60)"
[ "$(field 'Max memory')" = "102400 KiB" ] || fail "max memory after restart: $(field 'Max memory')"
v schedinfo vt60 | grep -Eq '^weight *: 300$' || fail "weight after restart"
v vcpupin vt60 --live | grep -Eq '^ *0 +1$' || fail "pin after restart: $(v vcpupin vt60 --live)"
v destroy vt60 >/dev/null && v undefine vt60 >/dev/null || fail "destroy, undefine"
