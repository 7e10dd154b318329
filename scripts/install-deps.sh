#!/bin/sh
# Installs, with apt-get, every Debian package xvm needs to build, run and
# test. Only what is missing is installed; nothing else is fetched.
# Usage: scripts/install-deps.sh [build|test|all]   (default: all)
set -eu
what=${1:-all}

build_pkgs="meson ninja-build pkg-config gcc gettext libevent-dev libtalloc-dev
 libtdb-dev libglib2.0-dev libxen-dev libxml2-dev libvirt-dev libtirpc-dev rpcsvc-proto
 xenstore-utils libvirt-daemon libvirt-clients"
test_pkgs="xen-utils-4.17 valgrind clang libclang-rt-14-dev
 libxml2-utils libvirt-clients python3 python3-libvirt procps util-linux
 qemu-system-x86 busybox-static cpio virtinst"

case $what in
  build) pkgs=$build_pkgs ;;
  test|all) pkgs="$build_pkgs $test_pkgs" ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install:$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
