#!/bin/bash
# Builds what the real-Xen tier boots under QEMU, from Debian packages only:
#   CACHE/xen-4.17-amd64   Xen 4.17 hypervisor (gunzipped ELF: QEMU -kernel)
#   CACHE/vmlinuz          Debian 6.1 kernel (dom0)
#   CACHE/vmlinux.gz       the same kernel as a gzipped ELF (PV guests)
#   CACHE/guest-initrd.gz  guest initramfs: busybox, /init, xsprobe
#   CACHE/dom0-initrd.gz   dom0 initramfs: busybox, the host's Xen tools and
#                          libraries, modules, /init, tests, the guest
# Downloads are cached (CACHE/debs, CACHE/extract); both initramfs are
# rebuilt on every run (seconds).
#
# Usage: build-images.sh [--cache DIR] [--extra-bin PATH]... [--extra-dir DIR]...
#                        [--env NAME=VALUE]... [--dom0-out FILE] [--no-default-tests]
#   --extra-bin PATH   copy a host binary into dom0 at the same path, with
#                      the libraries ldd lists
#   --extra-dir DIR    copy DIR over dom0's root (e.g. DIR/xvm/tests.d/NN-x.sh,
#                      DIR/xvm/xen.env)
#   --env NAME=VALUE   append the line verbatim to dom0's /xvm/xen.env, a shell
#                      file (quote values with spaces: --env "XVM_TESTS='10 40'")
#   --dom0-out FILE    write the dom0 initramfs there instead
#   --no-default-tests leave out tests/xen/tests.d
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XVM_XEN_CACHE:-/var/tmp/xvm-xen-qemu}
EXTRA_BINS=()
EXTRA_DIRS=()
ENV_LINES=()
DOM0_OUT=
DEFAULT_TESTS=1
XEN_LIBEXEC=/usr/lib/xen-4.17/bin
# dom0: the first 7 and loop (file-backed disks); the guest: xen-blkfront.
MODULES="xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc xen-blkback xen-netback loop xen-blkfront
 llc stp bridge xen-netfront"

die() { echo "build-images: FATAL: $*" >&2; exit 1; }
say() { echo "build-images: $*" >&2; }

while [ $# -gt 0 ]; do
  case $1 in
    --cache) CACHE=$2; shift 2 ;;
    --cache=*) CACHE=${1#*=}; shift ;;
    --extra-bin) EXTRA_BINS+=("$2"); shift 2 ;;
    --extra-bin=*) EXTRA_BINS+=("${1#*=}"); shift ;;
    --extra-dir) EXTRA_DIRS+=("$2"); shift 2 ;;
    --extra-dir=*) EXTRA_DIRS+=("${1#*=}"); shift ;;
    --env) ENV_LINES+=("$2"); shift 2 ;;
    --env=*) ENV_LINES+=("${1#*=}"); shift ;;
    --dom0-out) DOM0_OUT=$2; shift 2 ;;
    --dom0-out=*) DOM0_OUT=${1#*=}; shift ;;
    --no-default-tests) DEFAULT_TESTS=; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get install/download)"
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
DOM0_OUT=${DOM0_OUT:-$CACHE/dom0-initrd.gz}
case "$CACHE$DOM0_OUT" in *,*) die "paths must not contain commas (QEMU splits -initrd on them)" ;; esac
t_start=$(date +%s%N)

# ---- 1. Host packages -------------------------------------------------------
APT_UPDATED=
apt_update() {
  [ -n "$APT_UPDATED" ] && return 0
  say "apt-get update"
  apt-get update -q >&2 || die "apt-get update failed"
  APT_UPDATED=1
}
need_pkgs="qemu-system-x86 busybox-static cpio xen-utils-4.17 xenstore-utils libxen-dev
 gcc libc6-dev xz-utils gzip libvirt-clients"
missing=
for p in $need_pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  say "installing:$missing"
  apt_update
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2 ||
    die "apt-get install$missing failed"
fi

# ---- 2. Hypervisor + kernel (cached) -----------------------------------------
EXTRACT=$CACHE/extract
DEBS=$CACHE/debs
mkdir -p "$DEBS" "$EXTRACT"
rm -rf "$CACHE"/x.* "$DEBS"/dl.*          # left by an interrupted run
xen_ver=$(dpkg-query -W -f='${Version}' xen-utils-4.17)
stamp_want="xen=$xen_ver"
stamp_have=
[ -r "$EXTRACT/stamp" ] && stamp_have=$(head -n1 "$EXTRACT/stamp")
have_all=1
for f in xen-4.17-amd64 vmlinuz vmlinux.gz; do [ -s "$EXTRACT/$f" ] || have_all=; done
for m in $MODULES; do [ -s "$EXTRACT/modules/$m.ko" ] || have_all=; done

if [ -n "$have_all" ] && [ "$stamp_have" = "$stamp_want" ]; then
  say "cached: $(sed -n 2p "$EXTRACT/stamp") (xen $xen_ver)"
else
  # The hypervisor must match the installed tools (libxenctrl's ABI).
  kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  if [ -z "$kpkg" ] || ! apt-cache show "xen-hypervisor-4.17-amd64=$xen_ver" > /dev/null 2>&1; then
    apt_update
    kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  fi
  [ -n "$kpkg" ] || die "cannot tell which kernel package linux-image-amd64 depends on"
  dl=$(mktemp -d "$DEBS/dl.XXXXXX")
  chmod 755 "$dl"; chown _apt "$dl" 2>/dev/null || true
  say "apt-get download xen-hypervisor-4.17-amd64=$xen_ver $kpkg"
  (cd "$dl" && apt-get download -q "xen-hypervisor-4.17-amd64=$xen_ver" "$kpkg" >&2) || {
    apt_update
    (cd "$dl" && apt-get download -q "xen-hypervisor-4.17-amd64=$xen_ver" "$kpkg" >&2)
  } || die "apt-get download of the hypervisor/kernel failed"
  rm -f "$DEBS"/*.deb
  mv "$dl"/*.deb "$DEBS"/
  rmdir "$dl"
  tmp=$(mktemp -d "$CACHE/x.XXXXXX")
  for d in "$DEBS"/*.deb; do dpkg -x "$d" "$tmp"; done
  rm -rf "$EXTRACT"; mkdir -p "$EXTRACT/modules"
  gunzip -c "$tmp"/boot/xen-4.17-amd64.gz > "$EXTRACT/xen-4.17-amd64"
  vmlinuz=$(ls "$tmp"/boot/vmlinuz-*)
  cp "$vmlinuz" "$EXTRACT/vmlinuz"
  for m in $MODULES; do
    f=$(find "$tmp"/lib/modules -name "$m.ko" -o -name "$m.ko.xz" | head -n1)
    [ -n "$f" ] || die "module $m not found in $kpkg"
    case $f in *.xz) xz -dc "$f" > "$EXTRACT/modules/$m.ko" ;; *) cp "$f" "$EXTRACT/modules/" ;; esac
  done
  # The guest kernel: the ELF vmlinux inside the bzImage (an XZ payload),
  # gzipped: libxenguest inflates gzip far faster than XZ under TCG.
  ss=$(od -A n -t u1 -j $((0x1f1)) -N 1 "$vmlinuz" | tr -d ' ')
  po=$(od -A n -t u4 -j $((0x248)) -N 4 "$vmlinuz" | tr -d ' ')
  off=$(( (ss + 1) * 512 + po ))
  tail -c +$((off + 1)) "$vmlinuz" > "$tmp/payload.xz"
  xz -dc --single-stream "$tmp/payload.xz" > "$tmp/vmlinux" ||
    die "cannot extract vmlinux from $vmlinuz (payload at $off)"
  head -c 4 "$tmp/vmlinux" | grep -q ELF || die "extracted vmlinux is not an ELF"
  gzip -6 -c "$tmp/vmlinux" > "$EXTRACT/vmlinux.gz"
  rm -rf "$tmp"
  printf '%s\n%s %s\n' "$stamp_want" "$kpkg" "$(cd "$DEBS" && ls -- *.deb | tr '\n' ' ')" > "$EXTRACT/stamp"
  say "extracted: $kpkg, xen $xen_ver"
fi
cp -f "$EXTRACT/xen-4.17-amd64" "$EXTRACT/vmlinuz" "$EXTRACT/vmlinux.gz" "$CACHE/"

# ---- helpers for the initramfs trees ------------------------------------------
# Merged /usr: /bin /sbin /lib /lib64 are links into /usr, as on the host.
new_root() {
  local r=$1
  rm -rf "$r"; mkdir -p "$r"/usr/{bin,sbin,lib,lib64} "$r"/{proc,sys,dev,run,tmp,etc,var}
  ln -s usr/bin "$r/bin"; ln -s usr/sbin "$r/sbin"; ln -s usr/lib "$r/lib"; ln -s usr/lib64 "$r/lib64"
  ln -s ../run "$r/var/run"
  chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/usr/bin/busybox"
  local a
  for a in $(/bin/busybox --list); do
    [ -e "$r/usr/bin/$a" ] || ln -s busybox "$r/usr/bin/$a"
  done
}

# copy_file ROOT PATH: copies PATH (following links) to ROOT/PATH, keeping
# every symlink on the way so the same names resolve in the image.
copy_file() {
  local r=$1 p=$2 real
  [ -e "$r$p" ] && return 0
  mkdir -p "$r$(dirname "$p")"
  if [ -L "$p" ]; then
    cp -P "$p" "$r$p"
    real=$(readlink -f "$p")
    copy_file "$r" "$real"
  else
    cp -p "$p" "$r$p"
  fi
}

# copy_elf ROOT PATH: the binary and every library ldd lists.
copy_elf() {
  local r=$1 p=$2 lib
  copy_file "$r" "$p"
  if ldd "$p" > /dev/null 2>&1; then
    for lib in $(ldd "$p" | awk '/=> \// {print $3} /^\t\// {print $1}'); do
      copy_file "$r" "$lib"
    done
  fi
}

pack() { # pack DIR OUT
  (cd "$1" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) |
    gzip -3 > "$2.tmp"
  mv "$2.tmp" "$2"
}

WORK=$CACHE/work
mkdir -p "$WORK"

# ---- 3. Guest initramfs -----------------------------------------------------------
gcc -static -O2 -Wall -Wextra -o "$WORK/xsprobe" "$HERE/guest/xsprobe.c" ||
  die "cannot build guest/xsprobe.c (gcc -static)"
G=$WORK/guest-root
new_root "$G"
install -m 755 "$HERE/guest/init" "$G/init"
rm -f "$G/usr/sbin/poweroff" "$G/usr/bin/poweroff"
install -m 755 "$HERE/guest/poweroff" "$G/usr/sbin/poweroff"
install -m 755 "$WORK/xsprobe" "$G/usr/bin/xsprobe"
mkdir -p "$G/usr/lib/modules"
cp "$EXTRACT/modules/xenfs.ko" "$EXTRACT/modules/xen-privcmd.ko" \
   "$EXTRACT/modules/xen-blkfront.ko" "$EXTRACT/modules/xen-netfront.ko" "$G/usr/lib/modules/"
pack "$G" "$CACHE/guest-initrd.gz"

# ---- 4. dom0 initramfs -------------------------------------------------------------
D=$WORK/dom0-root
new_root "$D"
for f in "$XEN_LIBEXEC"/*; do
  [ -f "$f" ] || continue
  head -c 4 "$f" | grep -q ELF || continue          # python/bash scripts: not needed
  copy_elf "$D" "$f"
done
copy_elf "$D" /usr/bin/xenstore
for c in chmod exists list ls read rm watch write; do
  ln -sf xenstore "$D/usr/bin/xenstore-$c"
done
# Every Xen library (some are dlopen()ed), and libgcc_s.so.1: glibc
# dlopen()s it for pthread_cancel, ldd does not list it, and xl create
# aborts without it.
for f in /usr/lib/x86_64-linux-gnu/libxen*.so* /usr/lib/x86_64-linux-gnu/libxlutil*.so*; do
  [ -e "$f" ] && copy_file "$D" "$f"
done
for f in /usr/lib/x86_64-linux-gnu/libxen*.so.*; do copy_elf "$D" "$f"; done
gcc_s=$(ls /usr/lib/x86_64-linux-gnu/libgcc_s.so.1 /lib/x86_64-linux-gnu/libgcc_s.so.1 2>/dev/null | head -n1)
[ -n "$gcc_s" ] || die "libgcc_s.so.1 not found"
copy_file "$D" "$gcc_s"
# Xen's hotplug scripts (xvmd runs vif-bridge as libxl does) and what
# they need beyond busybox: bash, and iproute2's ip (busybox's lacks
# `ip link set DEV master BR`); the scripts put /usr/bin first in PATH.
mkdir -p "$D/etc/xen"
cp -a /etc/xen/scripts "$D/etc/xen/" || die "cannot copy /etc/xen/scripts (xen-utils-common)"
copy_elf "$D" /usr/bin/bash
ip_bin=$(readlink -f /usr/sbin/ip)
rm -f "$D/usr/bin/ip" "$D/usr/sbin/ip"          # busybox's applet link
copy_elf "$D" "$ip_bin"
[ -e "$D/usr/bin/ip" ] || ln -s "$ip_bin" "$D/usr/bin/ip"
[ -e "$D/usr/sbin/ip" ] || ln -s "$ip_bin" "$D/usr/sbin/ip"
for b in "${EXTRA_BINS[@]}"; do
  [ -f "$b" ] || die "--extra-bin $b: no such file"
  b=$(cd "$(dirname "$b")" && pwd)/$(basename "$b")
  case $b in *,*) die "--extra-bin $b: path contains a comma" ;; esac
  copy_elf "$D" "$b"
  say "dom0: + $b"
done
mkdir -p "$D/xvm/modules" "$D/xvm/guest" "$D/xvm/tests.d" "$D/etc/xen" "$D/var/lib/xen" \
         "$D/var/log/xen" "$D/var/lock" "$D/root"
cp "$EXTRACT"/modules/*.ko "$D/xvm/modules/"
install -m 755 "$HERE/dom0/init" "$D/init"
install -m 644 "$HERE/dom0/lib.sh" "$D/xvm/lib.sh"
if [ -n "$DEFAULT_TESTS" ]; then install -m 755 "$HERE"/tests.d/*.sh "$D/xvm/tests.d/"; fi
cp "$EXTRACT/vmlinux.gz" "$D/xvm/guest/vmlinux.gz"
cp "$CACHE/guest-initrd.gz" "$D/xvm/guest/initrd.gz"
install -m 644 "$HERE/guest/tiny.cfg" "$D/xvm/guest/tiny.cfg"
# xl complains on every call without a config file.
printf '# xvm test dom0: fixed dom0_mem, never balloon dom0 down\nautoballoon="off"\n' > "$D/etc/xen/xl.conf"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$D/etc/passwd"
printf 'root:x:0:\n' > "$D/etc/group"
: > "$D/xvm/xen.env"
for d in "${EXTRA_DIRS[@]}"; do
  [ -d "$d" ] || die "--extra-dir $d: no such directory"
  cp -a "$d"/. "$D"/
  say "dom0: + $d/ over /"
done
for l in "${ENV_LINES[@]}"; do
  case $l in *=*) printf '%s\n' "$l" >> "$D/xvm/xen.env" ;; *) die "--env $l: not NAME=VALUE" ;; esac
done
pack "$D" "$DOM0_OUT"

ms=$(( ($(date +%s%N) - t_start) / 1000000 ))
say "guest initramfs $(du -h "$CACHE/guest-initrd.gz" | cut -f1), dom0 initramfs $(du -h "$DOM0_OUT" | cut -f1) ($(du -sh "$D" | cut -f1) unpacked), built in $((ms / 1000)).$((ms % 1000 / 100))s"
echo "XVM_XEN_CACHE=$CACHE"
echo "XVM_DOM0_INITRD=$DOM0_OUT"
