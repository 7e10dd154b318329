#!/bin/sh
# A domain's vCPUs, memory and credit scheduler through python3-libvirt
# (the older procedures: 18 20 26 30 31 32 57 58, and the flags ones) and
# on the raw wire (what libvirt's clients check before sending: typed
# parameters of unknown names, wrong types or repeated; counts out of the
# protocol's bounds), the read-only socket serving the queries only.
. "$STACK_SH"
stack_start

echo kernel >"$DIR/vmlinuz"
cat >"$DIR/r1.xml" <<XML
<domain type='xen'>
  <name>r1</name>
  <memory unit='MiB'>128</memory>
  <vcpu current='2'>4</vcpu>
  <os><type>linux</type><kernel>$DIR/vmlinuz</kernel></os>
  <devices><console type='pty'/></devices>
</domain>
XML
virsh -q -c "$URI" define "$DIR/r1.xml" >/dev/null || fail "define"
virsh -q -c "$URI" start r1 >/dev/null || fail "start"

PYTHONPATH="${STACK_SH%/*}" PYTHONDONTWRITEBYTECODE=1 \
/usr/bin/python3 - "$URI" "$URI_RO" "$DIR/virtxend-sock" <<'PY' || fail "python3-libvirt"
import struct, sys, time
import libvirt
from rawwire import Wire, u32, string
uri, uri_ro, sock = sys.argv[1:4]
libvirt.registerErrorHandler(lambda *a: None, None)
c = libvirt.open(uri)
ro = libvirt.openReadOnly(uri_ro)
d = c.lookupByName("r1")
dro = ro.lookupByName("r1")
L, C = libvirt.VIR_DOMAIN_AFFECT_LIVE, libvirt.VIR_DOMAIN_AFFECT_CONFIG

def refused(code, words, f, *args):
    try:
        f(*args)
    except libvirt.libvirtError as e:
        assert e.get_error_code() == code, (f.__name__, e.get_error_code(), str(e))
        assert words in str(e), (f.__name__, str(e))
        return
    raise AssertionError("%s%r succeeded" % (f.__name__, args))

def until(what, pred):
    for _ in range(300):
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(what)

# vCPUs: 18 GET_MAX_VCPUS, 32 SET_VCPUS (live), 200, 20.
assert d.maxVcpus() == 4, d.maxVcpus()
d.setVcpus(3)
assert d.vcpusFlags(L) == 3 and d.vcpusFlags(C) == 2
assert d.info()[3] == 3, d.info()
until("vCPU 2 never came up", lambda: d.vcpus()[0][2][1] != libvirt.VIR_VCPU_OFFLINE)
info, maps = d.vcpus()
assert [i[0] for i in info] == [0, 1, 2], info
assert all(m == (True,) * 4 for m in maps), maps
# 26 PIN_VCPU (live), 230 GET_VCPU_PIN_INFO.
d.pinVcpu(1, (False, False, True, True))
pins = d.vcpuPinInfo(L)
assert pins[0] == (True,) * 4 and pins[1] == (False, False, True, True), pins
assert d.vcpuPinInfo(C)[1] == (True,) * 4
until("vCPU 1 not on CPU 2 or 3", lambda: d.vcpus()[0][1][3] in (2, 3))
# 31 SET_MEMORY (live), 30 SET_MAX_MEMORY (current: live), 17.
d.setMemory(64 * 1024)
until("never ballooned to 64 MiB", lambda: d.info()[2] == 64 * 1024)
d.setMaxMemory(256 * 1024)
assert d.maxMemory() == 256 * 1024 and d.info()[1] == 256 * 1024, d.info()
refused(libvirt.VIR_ERR_INVALID_ARG, "cannot set memory higher than max memory",
        d.setMemoryFlags, 300 * 1024, L)
# 57, 58: flags 0 (current); 223, 219.
assert d.schedulerType() == ("credit", 2)
assert d.schedulerParameters() == {"weight": 256, "cap": 0}, d.schedulerParameters()
d.setSchedulerParameters({"weight": 700})
d.setSchedulerParametersFlags({"cap": 20}, L)
assert d.schedulerParametersFlags(L) == {"weight": 700, "cap": 20}
assert d.schedulerParametersFlags(C) == {"weight": 256}
d.setSchedulerParametersFlags({"weight": 900}, C)
assert d.schedulerParametersFlags(C) == {"weight": 900}

# The read-only socket: queries, no changes.
assert dro.vcpusFlags(L) == 3 and dro.maxVcpus() == 4
assert dro.schedulerParameters()["weight"] == 700
assert dro.vcpuPinInfo(L)[1] == (False, False, True, True)
assert len(dro.vcpus()[0]) == 3
for f, args in ((dro.setVcpus, (1,)), (dro.setMemory, (65536,)),
                (dro.setMaxMemory, (262144,)), (dro.pinVcpu, (0, (True,))),
                (dro.setSchedulerParameters, ({"weight": 1},))):
    refused(libvirt.VIR_ERR_OPERATION_DENIED, "", f, *args)

# ---- the raw wire --------------------------------------------------------
w = Wire(sock)
call, error = w.call, w.error
w.open()
dom = string(b"r1") + bytes.fromhex(d.UUIDString().replace("-", "")) + u32(d.ID())
UINT, STRING = libvirt.VIR_TYPED_PARAM_UINT, libvirt.VIR_TYPED_PARAM_STRING
def tp_uint(name, v): return string(name) + u32(UINT) + u32(v)
def tp_str(name, v): return string(name) + u32(STRING) + string(v)
E_RPC, E_INVALID, E_UNSUPP = 39, libvirt.VIR_ERR_INVALID_ARG, libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED

# 20 GET_VCPUS beyond the current count: the offline vCPU 3, every map.
r = call(20, dom + u32(4) + u32(1))
assert r[0] == "ok", r
n, = struct.unpack(">I", r[1][:4])
assert n == 4, n
states = [struct.unpack(">IiQi", r[1][4 + 20 * i:24 + 20 * i])[1] for i in range(4)]
assert states[3] == libvirt.VIR_VCPU_OFFLINE and states[0] != libvirt.VIR_VCPU_OFFLINE, states
maps_len, = struct.unpack(">I", r[1][84:88])
assert maps_len == 4 and r[1][88:92] == b"\x0f\x0c\x0f\x0f", r[1][84:]
error(20, dom + u32(16385) + u32(1), E_RPC, "maxinfo > REMOTE_VCPUINFO_MAX")
error(20, dom + u32(16384) + u32(1024), E_RPC, "REMOTE_CPUMAPS_MAX")
error(20, dom + u32(0) + u32(1), E_INVALID, "maxinfo")
error(230, dom + u32(16385) + u32(1) + u32(0), E_RPC, "ncpumaps > REMOTE_VCPUINFO_MAX")
error(230, dom + u32(4) + u32(0) + u32(0), E_INVALID, "maplen")
# 219 SET_SCHEDULER_PARAMETERS_FLAGS: names, types, repeats.
error(219, dom + u32(1) + tp_uint(b"bogus", 1) + u32(0), E_UNSUPP, "parameter 'bogus' not supported")
error(219, dom + u32(1) + tp_str(b"weight", b"512") + u32(0), E_INVALID,
      "invalid type 'string' for parameter 'weight', expected 'uint'")
error(219, dom + u32(2) + tp_uint(b"cap", 1) + tp_uint(b"cap", 2) + u32(0), E_INVALID,
      "parameter 'cap' occurs multiple times")
error(219, dom + u32(1) + tp_uint(b"w" * 80, 1) + u32(0), libvirt.VIR_ERR_INTERNAL_ERROR,
      "too big for destination")
error(219, dom + u32(1) + tp_uint(b"weight", 70000) + u32(0), E_INVALID, "weight 70000")
# 223 / 57: nparams out of range.
error(223, dom + u32(17) + u32(0), E_RPC, "nparams too large")
error(57, dom + u32(0), E_INVALID, "nparams")
error(223, dom + u32(2) + u32(3), E_INVALID, "invalid flag combination")
# One parameter asked for: the weight alone.
r = call(223, dom + u32(1) + u32(0))
assert r[0] == "ok" and r[1][:4] == u32(1) and b"weight" in r[1] and b"cap" not in r[1], r
# 199 / 204 with unknown flags, 26 with an empty map.
error(199, dom + u32(1) + u32(0x100), E_INVALID, "unsupported flags")
error(204, dom + struct.pack(">Q", 65536) + u32(0x100), E_INVALID, "unsupported flags")
error(26, dom + u32(0) + string(b""), E_INVALID, "maplen")
error(26, dom + u32(0) + string(b"\0"), E_INVALID, "Empty cpu list")
assert d.isActive() and d.schedulerParametersFlags(L) == {"weight": 700, "cap": 20}

# Shut off: the live calls are refused, the config ones served.
d.destroy()
refused(libvirt.VIR_ERR_OPERATION_INVALID, "domain is not running", d.vcpus)
refused(libvirt.VIR_ERR_OPERATION_INVALID, "domain is not running", d.setVcpus, 1)
refused(libvirt.VIR_ERR_OPERATION_INVALID, "domain is not running", d.maxVcpus)
assert d.schedulerParameters() == {"weight": 900}
d.setMaxMemory(100 * 1024)
assert d.maxMemory() == 100 * 1024
print("ok")
PY
