#!/usr/bin/env python3
"""Seed corpus for fuzz/xenstored_request.c: valid messages of every type,
from dom0 and from guests, alone and in scenarios (transactions, watches,
special watches, SET_TARGET, quotas, backpressure).

Usage: fuzz/gen-xenstored-seeds.py [OUTDIR]   (default fuzz/corpus/xenstored_request)
Input format: see the comment at the top of fuzz/xenstored_request.c.
"""
import hashlib
import os
import struct
import sys

# <xen/io/xs_wire.h>
CONTROL, DIRECTORY, READ, GET_PERMS, WATCH, UNWATCH = 0, 1, 2, 3, 4, 5
TRANSACTION_START, TRANSACTION_END, INTRODUCE, RELEASE = 6, 7, 8, 9
GET_DOMAIN_PATH, WRITE, MKDIR, RM, SET_PERMS = 10, 11, 12, 13, 14
IS_DOMAIN_INTRODUCED, RESUME, SET_TARGET = 17, 18, 19
RESET_WATCHES, DIRECTORY_PART = 21, 22


def args(*strings):
    return b"".join(s.encode() + b"\0" for s in strings)


def msg(conn, mtype, payload=b"", tx=0):
    """A framed message (actions 0-3)."""
    data = bytes([mtype, tx]) + payload
    return bytes([conn & 3, len(data) & 0xff, len(data) >> 8]) + data


def raw(conn, data, split=False):
    sel = (conn & 3) | ((5 if split else 4) << 2)
    return bytes([sel, len(data) & 0xff, len(data) >> 8]) + data


def header(mtype, req_id, tx, payload):
    return struct.pack("<IIII", mtype, req_id, tx, len(payload)) + payload


def reconnect(conn):
    return bytes([(conn & 3) | (6 << 2), 0, 0])


def toggle_stuck(conn):
    return bytes([(conn & 3) | (7 << 2), 0, 0])


def write(conn, path, value, tx=0):
    return msg(conn, WRITE, path.encode() + b"\0" + value.encode(), tx)


def seed(flags, *chunks):
    return bytes([flags]) + b"".join(chunks)


def seeds():
    out = {}
    home = "/local/domain/1"
    # Every type, from dom0 (0) and from guest 1, valid arguments.
    singles = [
        (CONTROL, args("check")), (CONTROL, args("help")),
        (CONTROL, args("memreport")), (CONTROL, args("quota")),
        (CONTROL, args("quota", "1")), (CONTROL, args("quota", "nodes", "3")),
        (CONTROL, args("quota-soft")), (CONTROL, args("print", "hello")),
        (CONTROL, args("log", "off")),
        (DIRECTORY, args("/local/domain")), (DIRECTORY, args(home)),
        (READ, args(home)), (READ, args("data")),
        (GET_PERMS, args(home)), (GET_PERMS, args("@introduceDomain")),
        (WATCH, args(home, "tok")), (WATCH, args("rel", "t")),
        (WATCH, args("@releaseDomain", "r")),
        (UNWATCH, args(home, "tok")),
        (TRANSACTION_START, args("")), (TRANSACTION_END, args("F")),
        (INTRODUCE, args("5", "1234", "7")),
        (RELEASE, args("2")), (GET_DOMAIN_PATH, args("3")),
        (WRITE, b"/local/domain/1/x\0value"), (WRITE, b"x\0v"),
        (MKDIR, args(home + "/d")), (MKDIR, args("d/e")),
        (RM, args(home + "/x")), (RM, args("x")),
        (SET_PERMS, args(home, "n1", "r2")), (SET_PERMS, args("@introduceDomain", "n0", "r1")),
        (IS_DOMAIN_INTRODUCED, args("1")), (RESUME, args("1")),
        (SET_TARGET, args("3", "1")), (RESET_WATCHES, args("")),
        (DIRECTORY_PART, args(home, "0")), (DIRECTORY_PART, args("/", "0")),
    ]
    for i, (t, p) in enumerate(singles):
        for conn in (0, 1):
            out[f"type{t:02d}-{i:02d}-c{conn}"] = seed(0, msg(conn, t, p))

    # A session: writes, reads, listing, perms, removal.
    out["session-guest"] = seed(0,
        write(1, "data/a", "1"), write(1, "data/b", "2"), msg(1, DIRECTORY, args("data")),
        msg(1, READ, args("data/a")), msg(1, SET_PERMS, args("data", "n1", "r2")),
        msg(2, READ, args(home + "/data/a")), msg(2, WRITE, b"/local/domain/1/data/c\0x"),
        msg(1, RM, args("data")), msg(1, READ, args("data/a")))
    out["session-dom0"] = seed(0,
        write(0, "/vm/1/name", "g"), msg(0, SET_PERMS, args("/vm/1", "n1", "b2")),
        msg(0, GET_PERMS, args("/vm/1")), msg(2, WRITE, b"/vm/1/x\0y"),
        msg(0, DIRECTORY_PART, args("/vm/1", "0")), msg(0, RM, args("/vm")))

    # Transactions (the first one of a connection gets id 1, then 2...).
    out["tx-commit"] = seed(0,
        msg(1, TRANSACTION_START, args("")), write(1, "t/a", "1", tx=1),
        msg(1, READ, args("t/a"), tx=1), msg(1, DIRECTORY, args("t"), tx=1),
        msg(1, RM, args("t/a"), tx=1), write(1, "t/a/b", "2", tx=1),
        msg(1, TRANSACTION_END, args("T"), tx=1), msg(1, READ, args("t/a/b")))
    out["tx-conflict"] = seed(0,
        write(0, "/c/x", "0"),
        msg(0, TRANSACTION_START, args("")), msg(0, TRANSACTION_START, args("")),
        write(0, "/c/x", "1", tx=1), write(0, "/c/x", "2", tx=2),
        msg(0, TRANSACTION_END, args("T"), tx=1), msg(0, TRANSACTION_END, args("T"), tx=2))
    out["tx-dir-conflict"] = seed(0,
        msg(1, TRANSACTION_START, args("")), msg(1, DIRECTORY, args(home), tx=1),
        write(0, home + "/new", "n"), write(1, "other", "o", tx=1),
        msg(1, TRANSACTION_END, args("T"), tx=1))
    out["tx-abort-release"] = seed(0,
        msg(2, TRANSACTION_START, args("")), write(2, "a/b/c", "x", tx=1),
        msg(2, SET_PERMS, args("a", "n2", "r1"), tx=1), reconnect(2),
        msg(2, READ, args("a")))
    out["tx-perms-rm"] = seed(0,
        write(0, "/p/q/r", "1"), msg(0, TRANSACTION_START, args("")),
        msg(0, RM, args("/p/q"), tx=1), write(0, "/p/q", "again", tx=1),
        msg(0, SET_PERMS, args("/p", "n0", "r1", "w2"), tx=1),
        msg(0, DIRECTORY_PART, args("/p", "0"), tx=1),
        msg(0, TRANSACTION_END, args("T"), tx=1))

    # Watches, special watches, release.
    out["watch-events"] = seed(0,
        msg(0, WATCH, args("/", "all")), msg(1, WATCH, args("w", "rel")),
        msg(2, WATCH, args(home + "/w", "other")), write(1, "w/x", "1"),
        msg(1, SET_PERMS, args("w/x", "n1", "r2")), write(1, "w/x", "2"),
        msg(1, RM, args("w")), msg(1, UNWATCH, args("w", "rel")),
        msg(0, RESET_WATCHES, args("")))
    out["watch-special"] = seed(0,
        msg(0, WATCH, args("@introduceDomain", "i")), msg(0, WATCH, args("@releaseDomain", "r")),
        msg(2, WATCH, args("@releaseDomain", "g")),
        msg(0, SET_PERMS, args("@releaseDomain", "n0", "r2")),
        reconnect(3), msg(0, RELEASE, args("1")), msg(0, IS_DOMAIN_INTRODUCED, args("1")))
    out["set-target"] = seed(0,
        write(1, "dev", "1"), msg(0, SET_TARGET, args("3", "1")),
        msg(3, READ, args(home + "/dev")), write(3, home + "/dm", "x"),
        msg(3, GET_PERMS, args(home + "/dm")))

    # Quotas (flags bit 0: small quotas) and backpressure.
    out["quota-nodes"] = seed(1, *[write(1, f"n{i}", "x" * 20) for i in range(12)],
                              msg(1, RM, args("n1")), write(1, "again", "y"))
    out["quota-watches-tx"] = seed(1, *[msg(1, WATCH, args(f"w{i}", "t")) for i in range(6)],
                                   *[msg(1, TRANSACTION_START, args("")) for _ in range(4)],
                                   msg(1, SET_PERMS, args("", "n1", "r2", "r3", "r0")))
    out["quota-memory"] = seed(1, *[write(1, f"m{i}", "m" * 100) for i in range(50)],
                               msg(1, RM, args("m0")), msg(0, CONTROL, args("quota", "1")))
    out["stuck"] = seed(1, toggle_stuck(1), *[msg(1, READ, args(home)) for _ in range(8)],
                        msg(0, CONTROL, args("quota", "1")), toggle_stuck(1),
                        msg(1, READ, args(home)))

    # Framing: several messages in one read, split messages, bad lengths.
    batch = b"".join(header(READ, i, 0, args(home)) for i in range(5))
    out["raw-batch"] = seed(0, raw(1, batch))
    out["raw-split"] = seed(0, raw(0, b"\x07" + header(WRITE, 9, 0, b"/s\0v"), split=True))
    out["raw-toolong"] = seed(0, raw(2, struct.pack("<IIII", READ, 1, 0, 4097)),
                              msg(2, READ, args(home)))
    out["raw-unknown"] = seed(0, raw(1, header(99, 1, 0, b"x\0")), raw(1, header(16, 2, 0, b"")))
    big = "/big/" + "x" * 3000
    out["big-write"] = seed(0, write(0, big, "v"), write(0, "/big/v", "z" * 4000))
    out["dirpart"] = seed(0, *[write(0, f"/d/child-with-long-name-{i:03d}", "") for i in range(200)],
                          msg(0, DIRECTORY, args("/d")), msg(0, DIRECTORY_PART, args("/d", "0")),
                          msg(0, DIRECTORY_PART, args("/d", "4000")))
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "xenstored_request")
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(outdir, "seed-" + name), "wb") as f:
            f.write(data)
    print(f"{len(seeds())} seeds in {outdir}")


if __name__ == "__main__":
    main()
