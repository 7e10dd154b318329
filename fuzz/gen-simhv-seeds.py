#!/usr/bin/env python3
"""Writes seed inputs of the simhv_request fuzz target (fuzz/simhv_request.c)
into fuzz/corpus/simhv_request: client sessions of xvm-simhv's protocol
(src/hv/simhv_proto.h), each request framed as [who u8][len u16 LE][message]."""
import hashlib
import os
import struct
import sys

(PHYSINFO, VERSION, CREATE, SET_MAX_MEM, BUILD, PAUSE, UNPAUSE, SHUTDOWN, RESUME,
 DESTROY, GETINFO, LIST, VCPU_INFO, SET_AFFINITY, GET_AFFINITY, SCHED_GET,
 SCHED_SET, ALLOC_UNBOUND, SAVE, RESTORE, BIND, BIND_DOM_EXC, UNBIND, MAP,
 UNMAP) = range(1, 26)


def msg(op, body=b""):
    return struct.pack("<II", op, len(body)) + body


def req(m, client=0, nfds=0):
    return struct.pack("<BH", client | (nfds << 1), len(m)) + m


def create(vcpus=2, dtype=0):
    return msg(CREATE, b"\x01" * 16 + struct.pack("<IIII", dtype, vcpus, 0, 0))


def build(domid, kib=4096, flags=1, cmdline=b"console=hvc0"):
    return msg(BUILD, struct.pack("<IIIIQ", domid, 0, 0, flags, kib) +
               cmdline.ljust(1024, b"\0"))


def d(op, domid):
    return msg(op, struct.pack("<I", domid))


def mapping(op, domid, which, gfn):
    return msg(op, struct.pack("<IIQ", domid, which, gfn))


sessions = {
    "host": [req(msg(PHYSINFO)), req(msg(VERSION)),
             req(msg(LIST, struct.pack("<II", 0, 256)))],
    "lifecycle": [req(create()), req(msg(SET_MAX_MEM, struct.pack("<IIQ", 1, 0, 8192))),
                  req(build(1), nfds=1), req(d(UNPAUSE, 1)), req(d(GETINFO, 1)),
                  req(d(PAUSE, 1)), req(d(UNPAUSE, 1)),
                  req(msg(SHUTDOWN, struct.pack("<II", 1, 1))), req(d(DESTROY, 1)),
                  req(d(GETINFO, 1))],
    "hvm": [req(create(1, 2)), req(build(1, flags=0), nfds=0), req(d(UNPAUSE, 1))],
    "sched": [req(create()), req(build(1), nfds=1), req(d(UNPAUSE, 1)),
              req(msg(SCHED_SET, struct.pack("<IHH", 1, 512, 50))),
              req(d(SCHED_GET, 1)),
              req(msg(SET_AFFINITY, struct.pack("<II", 1, 0) + b"\x02" + b"\0" * 63)),
              req(msg(GET_AFFINITY, struct.pack("<II", 1, 0))),
              req(msg(VCPU_INFO, struct.pack("<II", 1, 1)))],
    "evtchn": [req(create()), req(build(1), nfds=1), req(d(UNPAUSE, 1)),
               req(msg(BIND_DOM_EXC)),
               req(msg(BIND, struct.pack("<II", 1, 1))),
               req(msg(BIND, struct.pack("<II", 1, 2)), client=1),
               req(msg(ALLOC_UNBOUND, struct.pack("<II", 1, 0))),
               req(msg(UNBIND, struct.pack("<I", 2))),
               req(d(DESTROY, 1))],
    "pages": [req(create()), req(build(1), nfds=1),
              req(mapping(MAP, 1, 0, 1024)), req(mapping(MAP, 1, 1, 1025), client=1),
              req(mapping(MAP, 1, 0, 7)), req(d(DESTROY, 1)),
              req(mapping(UNMAP, 1, 0, 0)), req(d(GETINFO, 1))],
    "save": [req(create()), req(build(1), nfds=1), req(d(UNPAUSE, 1)),
             req(msg(SHUTDOWN, struct.pack("<II", 1, 2))), req(d(SAVE, 1)),
             req(d(RESUME, 1)), req(msg(SHUTDOWN, struct.pack("<II", 1, 2))),
             req(d(DESTROY, 1)), req(create()),
             req(msg(RESTORE, struct.pack("<IIII", 2, 0, 0, 0)), nfds=1)],
    "enomem": [req(create()), req(build(1, kib=1 << 20), nfds=1),
               req(build(1, flags=3), nfds=2)],
    "garbage": [req(b"ab"), req(msg(0)), req(msg(99)),
                req(struct.pack("<II", GETINFO, 1000)),
                req(d(GETINFO, 0), nfds=2)],
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "corpus", "simhv_request")
os.makedirs(out, exist_ok=True)
for name, reqs in sessions.items():
    data = b"".join(reqs)
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)
