#!/usr/bin/env python3
"""Seed corpus for fuzz/xs_client.c: a daemon's well-formed answers
(replies, errors, watch events, cut anywhere) and its usual ways of
breaking (oversized, out of order, bad indexes).

Usage: fuzz/gen-xs-client-seeds.py [OUTDIR]   (default fuzz/corpus/xs_client)
Input format: see the comment at the top of fuzz/xs_client.c.
"""
import hashlib
import os
import struct
import sys

READ, WATCH, WRITE, WATCH_EVENT, ERROR = 2, 4, 11, 15, 16


def frame(mtype, req_id, payload=b"", length=None):
    n = len(payload) if length is None else length
    return struct.pack("<IIII", mtype, req_id, 0, n) + payload


def chunks(op, data):
    """op chunks of at most 255 bytes each."""
    out = b""
    for i in range(0, max(len(data), 1), 255):
        piece = data[i:i + 255]
        out += bytes([op, len(piece)]) + piece
    return out


def rsp(data):
    return chunks(0, data)


def consume():
    return bytes([2, 0])


def pump():
    return bytes([4, 0])


def request(kind, data=b""):
    return bytes([1, len(data) + 1, kind]) + data


def index(which, value):
    return bytes([3, 5, which]) + struct.pack("<I", value & 0xffffffff)


# The set-up's requests: watch "a" (0), watch "b" (1), reads 2..5.
setup_replies = (frame(WATCH, 0, b"OK\0") + frame(WATCH, 1, b"OK\0") +
                 b"".join(frame(READ, i, b"v%d" % i) for i in range(2, 6)))
seeds = {
    "replies": consume() + rsp(setup_replies) + pump(),
    "events": rsp(frame(WATCH, 0, b"OK\0") + frame(WATCH_EVENT, 0, b"/w\0a\0") +
                  frame(WATCH_EVENT, 0, b"rel/x\0b\0") +
                  frame(WATCH_EVENT, 0, b"/z\0nobody\0")),
    "errors": rsp(frame(ERROR, 0, b"EACCES\0") + frame(ERROR, 1, b"ENOENT\0") +
                  frame(ERROR, 2, b"EUNKNOWN\0")) + pump(),
    "split": b"".join(rsp(bytes([c])) for c in setup_replies[:40]),
    "large": rsp(setup_replies[:32] + frame(READ, 2, b"x" * 4000)),
    "oversized": rsp(frame(READ, 0, b"", 4097)),
    "wrong-id": rsp(frame(WATCH, 7, b"OK\0")),
    "wrong-type": rsp(frame(WRITE, 0, b"OK\0")),
    "event-short": rsp(frame(WATCH_EVENT, 0, b"/w")),
    "bad-rsp-index": index(3, 5000),
    "bad-req-index": index(0, 0x80000000) + request(0),
    "requests": request(1, b"value") + request(2, b"tok") + consume() +
                rsp(setup_replies + frame(WRITE, 6, b"OK\0") + frame(WATCH, 7, b"OK\0") +
                    frame(WATCH_EVENT, 0, b"/x\0tok\0")),
    "free-in-callback": request(3) + consume() + rsp(setup_replies + frame(READ, 6, b"v")),
    "after-close": rsp(frame(READ, 9, b"")) + request(0) + pump(),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "corpus", "xs_client")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)
