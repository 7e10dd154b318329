#!/usr/bin/env python3
"""Seeds for fuzz/save_image.c: save images (libxl's header, flags, the
domain XML, a few stream bytes) around tests/confdata/xml documents, and
broken variants (magic, version, XML length, missing NUL, truncation).

Usage: gen-save-image-seeds.py CONFDATA_XML_DIR OUTDIR"""
import hashlib, os, struct, sys

MAGIC = b"libvirt-xml\n \0 \r"

def image(xml, flags=0, version=2, xml_len=None, stream=b"XVMSIMSV" + bytes(32)):
    body = xml + b"\0"
    n = len(body) if xml_len is None else xml_len
    return MAGIC + struct.pack("=III", version, n, flags) + bytes(36) + body + stream

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
seeds = []
for name in sorted(os.listdir(src))[:12]:
    if name.endswith(".xml") and not name.endswith(".out.xml"):
        with open(os.path.join(src, name), "rb") as f:
            seeds.append(image(f.read(), flags=len(seeds) & 1))
x = b"<domain type='xen'><name>g</name><memory>65536</memory><os><type>linux</type></os></domain>"
seeds += [
    image(x), image(x, stream=b""), image(x, version=1), image(x, version=3),
    image(x, xml_len=0), image(x, xml_len=1), image(x, xml_len=len(x)),
    image(x, xml_len=0xffffffff), image(x)[:40], image(x)[:64], image(x)[:80],
    b"libvirt-xml\n \0 \rgarbage", image(x.replace(b"\0", b"")[:20]),
    image(b"<domain type='xen'>\0hidden</domain>"),
]
for s in seeds:
    with open(os.path.join(out, hashlib.sha1(s).hexdigest()), "wb") as f:
        f.write(s)
