#!/usr/bin/env python3
"""Seed corpus for fuzz/rpc.c: what libvirt's clients send (virsh's and
python's connection set-up, every connection procedure, keepalive, event
callbacks), and the bad frames the tests know (lengths out of bounds,
wrong program or version, undecodable arguments, truncated frames).

Usage: fuzz/gen-rpc-seeds.py [OUTDIR]   (default fuzz/corpus/rpc)
Input format: see the comment at the top of fuzz/rpc.c.
"""
import hashlib
import os
import struct
import sys

REMOTE, KEEPALIVE = 0x20008086, 0x6B656570
CALL, REPLY, MESSAGE, STREAM, CALL_WITH_FDS = 0, 1, 2, 3, 4
OK, ERROR, CONTINUE = 0, 1, 2
(OPEN, CLOSE, GET_TYPE, GET_VERSION, GET_HOSTNAME, SUPPORTS_FEATURE, AUTH_LIST,
 GET_URI, IS_SECURE, GET_LIB_VERSION, EV_REGISTER, EV_DEREGISTER,
 CLOSE_CB_REGISTER, CLOSE_CB_UNREGISTER) = (1, 2, 3, 4, 59, 60, 66, 110, 149,
                                            157, 316, 317, 360, 361)


def u32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def string(s):
    b = s.encode()
    return u32(len(b)) + b + b"\0" * (-len(b) % 4)


def opt_string(s):
    return u32(0) if s is None else u32(1) + string(s)


def frame(proc, serial, payload=b"", prog=REMOTE, vers=1, mtype=CALL, status=OK):
    body = u32(prog) + u32(vers) + u32(proc) + u32(mtype) + u32(serial) + u32(status)
    body += payload
    return u32(len(body) + 4) + body


def call(proc, serial, payload=b""):
    return frame(proc, serial, payload)


def ping():
    return frame(1, 0, prog=KEEPALIVE, mtype=MESSAGE)


def feature(n, serial):
    return call(SUPPORTS_FEATURE, serial, u32(n))


def setup(uri="xen:///system", flags=0):
    return (call(AUTH_LIST, 1) + feature(10, 2) +
            call(OPEN, 3, opt_string(uri) + u32(flags)) +
            feature(14, 4) + feature(15, 5) + call(CLOSE_CB_REGISTER, 6))


def teardown():
    return call(CLOSE_CB_UNREGISTER, 90) + call(CLOSE, 91)


seeds = {
    "virsh-hostname": setup() + call(GET_HOSTNAME, 7) + teardown(),
    "virsh-version": setup() + call(GET_TYPE, 7) + call(GET_VERSION, 8) + teardown(),
    "virsh-readonly": setup(flags=1) + call(GET_URI, 7) + teardown(),
    "python": (call(AUTH_LIST, 1) + call(OPEN, 2, opt_string(None) + u32(0)) +
               call(GET_TYPE, 3) + call(GET_LIB_VERSION, 4) + call(IS_SECURE, 5)),
    "events": setup() + b"".join(
        call(EV_REGISTER, 10 + i, u32(i) + u32(0)) for i in range(27)) +
        call(EV_REGISTER, 40, u32(0) + u32(1) + string("guest") + bytes(range(16)) +
             u32(0xFFFFFFFF)) +
        call(EV_DEREGISTER, 41, u32(0)) + call(EV_DEREGISTER, 42, u32(999)) + teardown(),
    "keepalive": setup() + ping() + ping() + frame(2, 0, prog=KEEPALIVE, mtype=MESSAGE),
    "features": setup() + b"".join(feature(n, 10 + n) for n in range(-1, 20)),
    "uris": b"".join(call(OPEN, i, opt_string(u) + u32(0)) for i, u in enumerate(
        ["qemu:///system", "xen:///session", "xen://host/", "", "xen://", ":::"])),
    "before-open": call(GET_TYPE, 1) + call(EV_REGISTER, 2, u32(0) + u32(0)),
    "unknown-proc": setup() + call(9999, 7) + call(273, 8) + call(0x7FFFFFFF, 9),
    "wrong-program": setup() + frame(3, 7, prog=0x12345678) + frame(3, 8, vers=2),
    "odd-types": setup() + frame(3, 7, mtype=REPLY) + frame(3, 8, mtype=77) +
        frame(201, 9, b"data", mtype=STREAM, status=CONTINUE) +
        frame(3, 10, mtype=CALL_WITH_FDS) + frame(3, 11, status=ERROR),
    "bad-args": call(OPEN, 1, u32(1) + u32(0xFFFFFFF0) + b"x") +
        call(OPEN, 2, u32(7) + u32(0)) + call(SUPPORTS_FEATURE, 3, b"\0\0") +
        call(SUPPORTS_FEATURE, 4, u32(10) + u32(10)) + call(AUTH_LIST, 5, u32(1)),
    "length-too-big": u32(0x7FFFFFFF) + b"\0" * 24,
    "length-too-small": u32(27) + b"\0" * 23,
    "truncated": call(AUTH_LIST, 1)[:-3],
    "close-reopen": setup() + teardown() + call(OPEN, 92, opt_string("xen:///") + u32(0)) +
        call(GET_TYPE, 93),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "corpus", "rpc")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    for ro in (0, 1):
        blob = bytes([ro]) + data
        with open(os.path.join(out, hashlib.sha1(blob).hexdigest()), "wb") as f:
            f.write(blob)
