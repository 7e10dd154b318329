#!/bin/sh
# What libvirt's clients never send but a socket may carry, on the raw
# wire: list sizes out of range (negative, over the protocol's limits),
# count-only listing, a cell range past the host's, stats counts out of
# range, truncated and oversized arguments, names with a NUL, a domain
# reference nobody defined. Each gets an error reply (or the answer) and the connection
# goes on serving.
. "$STACK_SH"
stack_start

PYTHONPATH="${STACK_SH%/*}" PYTHONDONTWRITEBYTECODE=1 \
/usr/bin/python3 - "$DIR/virtxend-sock" <<'PY' || fail "raw wire"
import sys
from rawwire import Wire, u32, string
w = Wire(sys.argv[1])
call, error = w.call, w.error
w.open()
VIR_ERR_INVALID_ARG, VIR_ERR_RPC, VIR_ERR_NO_DOMAIN = 8, 39, 42
# LIST_DOMAINS (37), LIST_DEFINED_DOMAINS (21): negative and too big.
error(37, u32(-1), VIR_ERR_INVALID_ARG)
error(37, u32(16385), VIR_ERR_RPC)
error(21, u32(-5), VIR_ERR_INVALID_ARG)
error(21, u32(1 << 30), VIR_ERR_RPC)
r = call(37, u32(0))
assert r == ("ok", u32(0)), r
r = call(37, u32(16384))
assert r == ("ok", u32(1) + u32(0)), r          # Domain-0's id
# LIST_ALL_DOMAINS (273) with need_results 0: the count only.
r = call(273, u32(0) + u32(0))
assert r == ("ok", u32(0) + u32(1)), r
# NODE_GET_CELLS_FREE_MEMORY (101): cells past the host's, counts out of range.
error(101, u32(1) + u32(1), VIR_ERR_INVALID_ARG)
error(101, u32(-1) + u32(1), VIR_ERR_INVALID_ARG)
error(101, u32(0) + u32(-1), VIR_ERR_RPC)
error(101, u32(0) + u32(1025), VIR_ERR_RPC)
r = call(101, u32(0) + u32(0))
assert r == ("ok", u32(0)), r
# NODE_GET_MEMORY_STATS (228): nparams out of range.
error(228, u32(-1) + u32(-1) + u32(0), VIR_ERR_RPC)
error(228, u32(17) + u32(-1) + u32(0), VIR_ERR_RPC)
error(228, u32(2) + u32(5) + u32(0), VIR_ERR_INVALID_ARG)
# Truncated, trailing and oversized arguments: decode errors.
error(24, b"\1" * 15, VIR_ERR_RPC)               # LOOKUP_BY_UUID
error(23, u32(100) + b"g1", VIR_ERR_RPC)          # LOOKUP_BY_NAME
error(22, u32(1) + u32(2), VIR_ERR_RPC)           # LOOKUP_BY_ID + junk
error(11, u32(4194305), VIR_ERR_RPC)              # DEFINE_XML over the limit
# A name with a NUL is the C string before it, as in libvirt's daemon.
r = call(23, string(b"Domain-0\0x"))
assert r[0] == "ok" and r[1].startswith(string(b"Domain-0")), r
error(23, string(b"\0Domain-0"), VIR_ERR_NO_DOMAIN)
# References to nobody.
dom = string(b"ghost") + bytes(range(16)) + u32(-1)
for proc in (16, 212, 14, 9, 12, 35, 29):       # info state xml create destroy undefine autostart
    extra = {212: u32(0), 14: u32(0), 29: u32(1)}.get(proc, b"")
    r = error(proc, dom + extra, VIR_ERR_NO_DOMAIN)
    assert b"no domain with matching uuid" in r[2] and b"(ghost)" in r[2], r
# Still serving.
r = call(22, u32(0))
assert r[0] == "ok" and b"Domain-0" in r[1], r
PY
