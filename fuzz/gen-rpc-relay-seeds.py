#!/usr/bin/env python3
"""Seed corpus for fuzz/rpc_relay.c: what libvirtd answers on a relayed
connection (the handshake with and without polkit, replies, errors,
events, keepalive, a volume download's stream) and what it must not say
(SASL only, a refused open, replies to nothing, a broken length).

Usage: fuzz/gen-rpc-relay-seeds.py [OUTDIR]   (default fuzz/corpus/rpc_relay)
Input format: see the comment at the top of fuzz/rpc_relay.c.
"""
import hashlib
import os
import struct
import sys

REMOTE, KEEPALIVE = 0x20008086, 0x6B656570
REPLY, MESSAGE, STREAM, STREAM_HOLE = 1, 2, 3, 6
OK, ERROR, CONTINUE = 0, 1, 2
OPEN, AUTH_LIST, AUTH_POLKIT = 1, 66, 70
LIST_POOLS, DOWNLOAD, POOL_EVENT = 281, 209, 370


def u32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def string(s):
    b = s.encode()
    return u32(len(b)) + b + b"\0" * (-len(b) % 4)


def frame(proc, serial, payload=b"", prog=REMOTE, mtype=REPLY, status=OK):
    body = u32(prog) + u32(1) + u32(proc) + u32(mtype) + u32(serial) + u32(status)
    return u32(len(body) + len(payload) + 4) + body + payload


def error(code, msg):
    # code, domain, message, level, dom, str1..3, int1, int2, net
    return (u32(code) + u32(18) + u32(1) + string(msg) + u32(2) + u32(0) +
            u32(0) * 3 + u32(0) * 2 + u32(0))


def auth(*types):
    return frame(AUTH_LIST, 0, u32(len(types)) + b"".join(u32(t) for t in types))


HANDSHAKE = auth(0) + frame(OPEN, 0)
POLKIT = auth(2) + frame(AUTH_POLKIT, 0, u32(1)) + frame(OPEN, 0)
POOLS = frame(LIST_POOLS, 2, u32(1) + string("p") + b"\0" * 16 + u32(1))
DL_OK = frame(DOWNLOAD, 3)
DATA = frame(DOWNLOAD, 3, b"volume data\n", mtype=STREAM, status=CONTINUE)
EOF_ = frame(DOWNLOAD, 3, mtype=STREAM)
HOLE = frame(DOWNLOAD, 3, struct.pack(">q", 4096) + u32(0), mtype=STREAM_HOLE)
PING = frame(1, 0, prog=KEEPALIVE, mtype=MESSAGE)
EVENT = frame(POOL_EVENT, 1, u32(7) + string("p") + b"\0" * 16 + u32(0) + u32(0),
              mtype=MESSAGE)

seeds = {
    "ok": HANDSHAKE + POOLS + DL_OK + DATA + EOF_ + PING + EVENT + frame(DOWNLOAD, 3, mtype=STREAM),
    "polkit": POLKIT + POOLS + DL_OK + HOLE + DATA + EOF_,
    "sasl": auth(1),
    "empty-auth": frame(AUTH_LIST, 0, u32(0)) + frame(OPEN, 0) + POOLS,
    "refused": auth(0) + frame(OPEN, 0, error(1, "unexpected storage URI path"), status=ERROR),
    "errors": HANDSHAKE + frame(LIST_POOLS, 2, error(49, "no pool"), status=ERROR) +
              frame(DOWNLOAD, 3, error(50, "no vol"), status=ERROR),
    "stream-error": HANDSHAKE + POOLS + DL_OK + DATA +
                    frame(DOWNLOAD, 3, error(1, "read failed"), mtype=STREAM, status=ERROR),
    "unknown-serial": HANDSHAKE + frame(LIST_POOLS, 99) + frame(DOWNLOAD, 98, mtype=STREAM) + POOLS,
    "early-reply": auth(0) + POOLS + frame(OPEN, 0),
    "bad-auth-payload": frame(AUTH_LIST, 0, u32(5)),
    "bad-length": HANDSHAKE + u32(3) + b"\1\2\3\4",
    "huge-length": HANDSHAKE + u32(0x7FFFFFFF),
    "truncated": HANDSHAKE + POOLS[:20],
    "other-program": HANDSHAKE + frame(LIST_POOLS, 2, prog=0x12345) + POOLS,
    "keepalive-only": PING + PING + HANDSHAKE + PING,
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "rpc_relay")
os.makedirs(out, exist_ok=True)
for name, body in seeds.items():
    for flags in (0, 1, 2, 4, 6):
        data = bytes([flags]) + body
        with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
