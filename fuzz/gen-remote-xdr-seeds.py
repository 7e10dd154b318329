#!/usr/bin/env python3
"""Seeds for fuzz/remote_xdr.c: one valid encoding of each type, in the
order of its table (the first byte picks the type).

Usage: gen-remote-xdr-seeds.py OUTDIR"""
import hashlib, os, struct, sys

def u32(v): return struct.pack(">I", v & 0xffffffff)
def i32(v): return struct.pack(">i", v)
def u64(v): return struct.pack(">Q", v)
def string(s):
    b = s.encode()
    return u32(len(b)) + b + b"\0" * (-len(b) % 4)
def opt(b): return u32(0) if b is None else u32(1) + b
def opaque(b): return u32(len(b)) + b + b"\0" * (-len(b) % 4)
def tp_uint(name, v): return string(name) + i32(2) + u32(v)
UUID = bytes(range(16))
def dom(name="g1", id_=-1): return string(name) + UUID + i32(id_)
XML = "<domain type='xen'><name>g1</name></domain>"

seeds = [
    opt(string("xen:///system")) + u32(0),                 # connect_open
    u32(0),                                                # get_sysinfo
    opt(string("xen")),                                    # get_max_vcpus
    opt(None) + opt(string("x86_64")) + opt(string("xenpv")) + opt(string("xen")) + u32(0),
    i32(0) + i32(-1) + u32(0),                             # node_get_memory_stats
    i32(0) + i32(8),                                       # cells_free_memory
    string("xen-xl") + string('name = "g1"\n') + u32(0),   # xml_from_native
    string("xen-xl") + string(XML) + u32(0),               # xml_to_native
    i32(16),                                               # list_domains
    i32(16),                                               # list_defined_domains
    i32(1) + u32(0),                                       # list_all_domains
    i32(1),                                                # lookup_by_id
    UUID,                                                  # lookup_by_uuid
    string("g1"),                                          # lookup_by_name
    string(XML),                                           # define_xml
    string(XML) + u32(1),                                  # define_xml_flags
    dom(),                                                 # undefine
    dom() + u32(1),                                        # undefine_flags
    dom() + u32(2),                                        # get_xml_desc
    dom(),                                                 # get_autostart
    dom() + i32(1),                                        # set_autostart
    dom(),                                                 # get_info
    dom() + u32(0),                                        # get_state
    dom(), dom(), dom(), dom(), dom(),                     # os_type .. is_updated
    dom() + u32(0),                                        # has_managed_save_image
    dom(),                                                 # get_scheduler_type
    dom(),                                                 # create
    dom() + u32(1),                                        # create_with_flags
    string(XML) + u32(0),                                  # create_xml
    dom("g1", 3), dom("g1", 3) + u32(1), dom("g1", 3), dom("g1", 3) + u32(1),      # destroy .. shutdown_flags
    dom("g1", 3) + u32(0), dom("g1", 3), dom("g1", 3),                       # reboot, suspend, resume
    i32(0) + opt(dom()),                                   # event register
    i32(7),                                                # event deregister
    b"".join(i32(ord(c)) for c in "x86_64".ljust(32, "\0")) + u64(4194304)
        + i32(4) + i32(2000) + i32(1) + i32(1) + i32(4) + i32(1),   # node_get_info_ret
    u32(1) + u64(131072) + u64(131072) + u32(2) + u64(10**9),       # domain_get_info_ret
    u32(2) + dom("Domain-0", 0) + dom() + u32(2),                   # list_all_domains_ret
    u32(2) + string("total") + u64(4 << 20) + string("free") + u64(3 << 20) + i32(2),
    u32(1) + u64(3 << 30),                                          # cells_free_memory_ret
    i32(5) + dom("g1", 3) + i32(2) + i32(0),                        # lifecycle msg
    # vCPUs, memory, the credit scheduler
    i32(1) + i32(1) + u32(0),                              # node_get_cpu_map
    dom("g1", 3) + u32(2),                                 # set_vcpus
    dom("g1", 3) + u32(2) + u32(1),                        # set_vcpus_flags
    dom("g1", 3) + u32(4),                                 # get_vcpus_flags
    dom("g1", 3),                                          # get_max_vcpus
    dom("g1", 3) + i32(4) + i32(1),                        # get_vcpus
    dom("g1", 3) + u32(1) + opaque(b"\x0c"),               # pin_vcpu
    dom("g1", 3) + u32(1) + opaque(b"\x0c\x00") + u32(2),  # pin_vcpu_flags
    dom("g1", 3) + i32(4) + i32(1) + u32(1),               # get_vcpu_pin_info
    dom("g1", 3) + u64(262144),                            # set_max_memory
    dom("g1", 3) + u64(65536),                             # set_memory
    dom("g1", 3) + u64(65536) + u32(4),                    # set_memory_flags
    dom("g1", 3) + i32(2),                                 # get_scheduler_parameters
    dom("g1", 3) + i32(2) + u32(4),                        # ..._flags
    dom("g1", 3) + u32(1) + tp_uint("weight", 512),        # set_scheduler_parameters
    dom("g1", 3) + u32(2) + tp_uint("weight", 512) + tp_uint("cap", 50) + u32(1),
    opaque(b"\x0f") + u32(4) + i32(4),                     # node_get_cpu_map_ret
    u32(2) + u32(0) + i32(2) + u64(10**9) + i32(0) + u32(1) + i32(1) + u64(5) + i32(3)
        + opaque(b"\x0f\x0c"),                             # get_vcpus_ret
    opaque(b"\x0f\x0c") + i32(2),                          # get_vcpu_pin_info_ret
    u32(7) + tp_uint("weight", 256) + string("i") + i32(1) + i32(-1)
        + string("l") + i32(3) + u64(1) + string("ul") + i32(4) + u64(2)
        + string("d") + i32(5) + struct.pack(">d", 0.5) + string("b") + i32(6) + i32(1)
        + string("s") + i32(7) + string("text"),          # scheduler params ret
    # statistics and the console
    dom("g1", 3) + string("xvda"),                         # block_stats
    dom("g1", 3) + string("xvda") + i32(6) + u32(1),       # block_stats_flags
    dom("g1", 3) + string("00:16:3e:00:00:01"),            # interface_stats
    dom("g1", 3) + u32(13) + u32(0),                       # memory_stats
    dom("g1", 3) + string("/var/lib/xen/g1.img") + u32(0), # get_block_info
    dom("g1", 3) + opt(None) + u32(1),                     # open_console
    u64(8) + u64(32768) + u64(2) + u64(8192) + u64(0),     # block_stats_ret
    u32(2) + string("rd_operations") + i32(3) + u64(8)
        + string("errs") + i32(3) + u64(0) + i32(2),       # block_stats_flags_ret
    b"".join(u64(v) for v in (1400, 4, 0, 0, 1500, 5, 0, 1)),   # interface_stats_ret
    u32(2) + i32(6) + u64(65536) + i32(5) + u64(65536),    # memory_stats_ret
    u64(4096) + u64(8 << 20) + u64(8 << 20),               # get_block_info_ret
]
os.makedirs(sys.argv[1], exist_ok=True)
for i, s in enumerate(seeds):
    data = bytes([i]) + s
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(sys.argv[1], name), "wb") as f:
        f.write(data)
print(len(seeds), "seeds")
