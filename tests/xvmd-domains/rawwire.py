"""libvirt's RPC framing by hand, for the raw-wire checks of suite xvmd
(wire.sh, resources.sh): what libvirt's clients never send but a socket
may carry. Imported by the scripts' python3 with PYTHONPATH set to this
folder."""
import socket
import struct

PROG = 0x20008086
REPLY, ERROR = 1, 1


def u32(v):
    return struct.pack(">I", v & 0xffffffff)


def string(b):
    """An XDR string (or opaque): length, bytes, padding to 4."""
    return u32(len(b)) + b + b"\0" * (-len(b) % 4)


class Wire:
    """One connection to xvmd's socket `path`, its calls answered in turn."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.serial = 0

    def recv_exact(self, n):
        b = b""
        while len(b) < n:
            chunk = self.s.recv(n - len(b))
            assert chunk, "connection closed"
            b += chunk
        return b

    def call(self, proc, payload=b""):
        """("ok", reply payload), or ("error", code, the error's message);
        frames other than the reply to this call are skipped."""
        self.serial += 1
        hdr = struct.pack(">IIiiIi", PROG, 1, proc, 0, self.serial, 0)
        self.s.sendall(struct.pack(">I", 4 + len(hdr) + len(payload)) + hdr + payload)
        while True:
            n, = struct.unpack(">I", self.recv_exact(4))
            body = self.recv_exact(n - 4)
            prog, vers, p, typ, ser, status = struct.unpack(">IIiiIi", body[:24])
            if typ == REPLY and ser == self.serial:
                break
        if status == ERROR:
            # remote_error: code, domain, message (a string or none), ...
            code, _, present = struct.unpack(">iiI", body[24:36])
            msg = b""
            if present:
                n, = struct.unpack(">I", body[36:40])
                msg = body[40:40 + n]
            return ("error", code, msg)
        return ("ok", body[24:])

    def error(self, proc, payload, code, words=""):
        """The call fails with `code`, its message holding `words`."""
        r = self.call(proc, payload)
        assert r[0] == "error" and r[1] == code, (proc, payload[:32], r[:2], r[-1][:200])
        assert words.encode() in r[2], (proc, words, r[2][:200])
        return r

    def open(self):
        r = self.call(1, u32(1) + string(b"xen:///system") + u32(0))
        assert r[0] == "ok", r
