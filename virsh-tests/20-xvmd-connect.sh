#!/bin/sh
# The stack's xvmd answers libvirt's own clients on the endpoint ./run
# printed: virsh read-write and read-only (-r, virtxend-sock-ro), and
# python3-libvirt with an event loop.
set -eu
: "${LIBVIRT_URI:?}"
fail() { echo "  $*" >&2; exit 1; }
ro_uri=$(echo "$LIBVIRT_URI" | sed 's|virtxend-sock$|virtxend-sock-ro|')
host=$(hostname)

[ "$(virsh -c "$LIBVIRT_URI" uri)" = "$LIBVIRT_URI" ] || fail "uri"
case $(virsh -c "$LIBVIRT_URI" hostname) in "$host"*) ;; *) fail "hostname" ;; esac
case $(virsh -r -c "$ro_uri" hostname) in "$host"*) ;; *) fail "hostname -r" ;; esac
virsh -c "$LIBVIRT_URI" version 2>&1 | grep -q "Using API: Xen" || fail "version"

/usr/bin/python3 - "$LIBVIRT_URI" <<'PY' || fail "python3-libvirt"
import sys, threading, libvirt
libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                 daemon=True).start()
c = libvirt.open(sys.argv[1])
assert c.getType() == "Xen"
assert c.getHostname()
assert c.getURI() == sys.argv[1]
c.close()
PY
