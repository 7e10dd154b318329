#!/bin/sh
# The host's procedures through virsh and python3-libvirt: nodeinfo,
# capabilities and domcapabilities (valid against libvirt's schemas, and
# saying what the simulated machine has), version, free memory, sysinfo,
# maxvcpus, memory stats, native config conversion, and their bad inputs.
. "$STACK_SH"
stack_start

out=$(virsh -c "$URI" nodeinfo) || fail "nodeinfo: $out"
echo "$out" | grep -q "^CPU(s): *4$" || fail "nodeinfo cpus: $out"
echo "$out" | grep -q "^Memory size: *4194304 KiB$" || fail "nodeinfo memory: $out"
echo "$out" | grep -q "^CPU frequency: *2000 MHz$" || fail "nodeinfo mhz: $out"
echo "$out" | grep -q "^CPU model: *x86_64$" || fail "nodeinfo model: $out"
virsh -r -c "$URI_RO" nodeinfo >/dev/null || fail "nodeinfo read-only"

virsh -c "$URI" capabilities >"$DIR/caps.xml" || fail "capabilities"
virt-xml-validate "$DIR/caps.xml" capability >/dev/null 2>&1 || fail "capabilities do not validate"
grep -q "<os_type>xen</os_type>" "$DIR/caps.xml" || fail "no PV guests in capabilities"
grep -q "<os_type>hvm</os_type>" "$DIR/caps.xml" || fail "no HVM guests in capabilities"
grep -q "<cpus num='4'>" "$DIR/caps.xml" || fail "capabilities: cpus"
for machine in xenpv xenpvh xenfv; do
	virsh -c "$URI" domcapabilities --machine $machine >"$DIR/dc.xml" ||
		fail "domcapabilities $machine"
	virt-xml-validate "$DIR/dc.xml" domaincaps >/dev/null 2>&1 ||
		fail "domcapabilities $machine does not validate"
	grep -q "<machine>$machine</machine>" "$DIR/dc.xml" || fail "domcapabilities $machine"
done
out=$(virsh -c "$URI" domcapabilities --machine pc 2>&1) && fail "domcapabilities machine pc"
# The simulated Xen has no 32-bit PV (no xen-3.0-x86_32p): i686 is HVM only.
out=$(virsh -c "$URI" domcapabilities --arch i686 --machine xenpv 2>&1) &&
	fail "domcapabilities of 32-bit PV"
echo "$out" | grep -q "could not find capabilities for arch=i686 domaintype=xen machine=xenpv" ||
	fail "domcapabilities i686 xenpv: $out"
virsh -c "$URI" domcapabilities --arch i686 --machine xenfv >/dev/null ||
	fail "domcapabilities i686 xenfv"
out=$(virsh -c "$URI" maxvcpus) || fail "maxvcpus: $out"

out=$(virsh -c "$URI" version) || fail "version: $out"
echo "$out" | grep -q "Running hypervisor: Xen 4.17.0" || fail "version: $out"
# dom0 holds 1 GiB of the 4: 3 GiB free, in the host and in its one cell.
out=$(virsh -c "$URI" freecell) || fail "freecell: $out"
echo "$out" | grep -q "3145728 KiB" || fail "freecell: $out"
out=$(virsh -c "$URI" freecell --all) || fail "freecell --all: $out"
echo "$out" | grep -q "0: *3145728 KiB" || fail "freecell --all: $out"
out=$(virsh -c "$URI" freecell --cellno 1 2>&1) && fail "freecell of cell 1: $out"
echo "$out" | grep -q "start cell 1 out of range (0-0)" || fail "freecell cell 1: $out"
out=$(virsh -c "$URI" nodememstats) || fail "nodememstats: $out"
echo "$out" | grep -q "^total *: *4194304 KiB$" || fail "nodememstats: $out"
echo "$out" | grep -q "^free *: *3145728 KiB$" || fail "nodememstats: $out"
out=$(virsh -c "$URI" sysinfo) || fail "sysinfo: $out"
echo "$out" | grep -q "<sysinfo type='smbios'" || fail "sysinfo: $out"

# Native configs: xl -> XML (valid) -> xl, and what is not one.
echo kernel >"$DIR/vmlinuz"
cat >"$DIR/g.cfg" <<CFG
name = "native1"
uuid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
memory = 256
vcpus = 2
kernel = "$DIR/vmlinuz"
disk = [ "$DIR/disk.img,raw,xvda,rw" ]
CFG
virsh -c "$URI" domxml-from-native xen-xl "$DIR/g.cfg" >"$DIR/native.xml" ||
	fail "domxml-from-native xen-xl"
virt-xml-validate "$DIR/native.xml" domain >/dev/null 2>&1 || fail "converted XML does not validate"
grep -q "<name>native1</name>" "$DIR/native.xml" || fail "from-native name"
out=$(virsh -c "$URI" domxml-to-native xen-xl "$DIR/native.xml") || fail "domxml-to-native: $out"
echo "$out" | grep -q 'uuid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"' || fail "to-native: $out"
echo "$out" | grep -q 'memory = 256' || fail "to-native: $out"
virsh -c "$URI" domxml-to-native xen-xm "$DIR/native.xml" >/dev/null || fail "domxml-to-native xen-xm"
out=$(virsh -c "$URI" domxml-from-native qemu-argv "$DIR/g.cfg" 2>&1) && fail "qemu-argv accepted"
echo "$out" | grep -q "unsupported config type qemu-argv" || fail "qemu-argv: $out"
echo 'memory = = 3' >"$DIR/bad.cfg"
out=$(virsh -c "$URI" domxml-from-native xen-xl "$DIR/bad.cfg" 2>&1) && fail "bad xl accepted"

/usr/bin/python3 - "$URI" "$URI_RO" <<'PY' || fail "python3-libvirt"
import sys, libvirt
uri, uri_ro = sys.argv[1:3]
c = libvirt.open(uri)
def err(code, f, *a):
    try:
        f(*a)
    except libvirt.libvirtError as e:
        assert e.get_error_code() == code, (f, e.get_error_code(), e)
        return str(e)
    raise AssertionError("%s%r succeeded" % (f.__name__, a))
info = c.getInfo()
assert info[0] == "x86_64" and info[1] == 4096 and info[2] == 4, info
assert c.getFreeMemory() == 3 << 30, c.getFreeMemory()
assert c.getCellsFreeMemory(0, 1) == [3 << 30]
assert c.getCellsFreeMemory(0, 8) == [3 << 30]
err(libvirt.VIR_ERR_INVALID_ARG, c.getCellsFreeMemory, 1, 1)
err(libvirt.VIR_ERR_INVALID_ARG, c.getCellsFreeMemory, -1, 1)
assert c.getMaxVcpus("xen") == 4 and c.getMaxVcpus(None) == 4
err(libvirt.VIR_ERR_INVALID_ARG, c.getMaxVcpus, "kvm")
m = c.getMemoryStats(libvirt.VIR_NODE_MEMORY_STATS_ALL_CELLS)
assert m == {"total": 4 << 20, "free": 3 << 20}, m
assert c.getMemoryStats(0) == m
err(libvirt.VIR_ERR_INVALID_ARG, c.getMemoryStats, 1)
msg = err(libvirt.VIR_ERR_INVALID_ARG, c.getMemoryStats, 0, 4)
assert "unsupported flags (0x4) in function" in msg, msg
assert "<domainCapabilities>" in c.getDomainCapabilities(None, "x86_64", None, "xen")
err(libvirt.VIR_ERR_INVALID_ARG, c.getDomainCapabilities, None, "x86_64", None, "xen", 1)
err(libvirt.VIR_ERR_INVALID_ARG, c.getDomainCapabilities, None, "ppc64", None, "xen")
err(libvirt.VIR_ERR_INVALID_ARG, c.getSysinfo, 1)
err(libvirt.VIR_ERR_INVALID_ARG, c.domainXMLFromNative, "xen-sxpr", "name='x'", 0)
err(libvirt.VIR_ERR_INVALID_ARG, c.domainXMLToNative, "xen-xl", "<domain/>", 2)
err(libvirt.VIR_ERR_XML_DETAIL, c.domainXMLToNative, "xen-xl", "<domain", 0)
err(libvirt.VIR_ERR_XML_ERROR, c.domainXMLToNative, "xen-xl", "<domain type='xen'/>", 0)
r = libvirt.openReadOnly(uri_ro)
assert r.getInfo() == info and "<capabilities>" in r.getCapabilities()
PY
