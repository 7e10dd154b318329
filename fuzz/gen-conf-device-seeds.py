#!/usr/bin/env python3
"""Seeds for fuzz/conf_device: every device element (<disk>, <interface>,
and the other <devices> children) of the domain XML documents given, one
file each, plus a few hand-written ones (no device, unknown element,
DOCTYPE, namespaced root).

Usage: fuzz/gen-conf-device-seeds.py OUTDIR FILE_OR_DIR...
"""
import hashlib
import os
import sys
import xml.etree.ElementTree as ET

EXTRA = [
    b"<disk type='block' device='disk'><source dev='/dev/sdb'/><target dev='xvdb'/></disk>",
    b"<disk type='file' device='cdrom'><target dev='xvdc'/><readonly/></disk>",
    b"<interface type='ethernet'><script path='/etc/xen/scripts/vif-route'/>"
    b"<ip address='10.0.0.2' prefix='24'/></interface>",
    b"<interface type='bridge'><source bridge='xenbr0'/></interface>",
    b"<interface type='bridge'><mac address='00:16:3e:00:00:01'/></interface>",
    b"<hostdev mode='subsystem' type='pci'/>",
    b"<serial type='pty'/>",
    b"<gadget/>",
    b"<x:disk xmlns:x='urn:x'/>",
    b"<!DOCTYPE disk [<!ENTITY e 'x'>]><disk>&e;</disk>",
    b"",
]


def write(outdir, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    files = []
    for arg in sys.argv[2:]:
        if os.path.isdir(arg):
            files += [os.path.join(arg, n) for n in sorted(os.listdir(arg))]
        else:
            files.append(arg)
    for path in files:
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError, UnicodeDecodeError):
            continue
        devices = root.find("devices") if root.tag == "domain" else None
        if devices is None:
            continue
        for dev in devices:
            write(outdir, ET.tostring(dev).strip())
    for data in EXTRA:
        write(outdir, data)


if __name__ == "__main__":
    main()
