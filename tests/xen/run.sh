#!/bin/bash
# The real-Xen test tier: builds the images (downloads cached), boots Xen 4.17
# + a Debian dom0 under QEMU (TCG), runs tests/xen/tests.d in dom0 and
# returns the result. Never skips: when QEMU or the images cannot be had,
# it FAILS loudly.
#
# Usage: run.sh [--cache DIR] [--xenstored PATH|debian] [--xenstored-args ARGS]
#               [--timeout S] [--tests "10 40"] [--log FILE] [--extra-dir DIR]...
#   --xenstored PATH  our xenstored, copied into dom0 with its libraries and
#                     started as dom0's xenstored (default: the repo's
#                     build/src/xenstored/xenstored when it exists)
#   --xenstored debian  Debian's C xenstored (the default without a build)
#   --xenstored-args  its arguments (default -N)
#   --timeout S       QEMU run limit (default 840 s)
#   --tests "P..."    run only tests whose names start with these prefixes
#   --extra-dir DIR   copied over dom0's root (e.g. DIR/xvm/tests.d/05-mine.sh)
#   --xvmd PATH|none  xvmd, copied into dom0 with virsh and their libraries
#                     and started there with --hv xen (default: the repo's
#                     build/src/xvmd/xvmd when it exists); the tests that
#                     drive it with virsh fail without it
#   --xvmd-args ARGS  more arguments for it (e.g. --verbose)
#   --test-timeout S  seconds per test in dom0 (default 300)
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${XVM_XEN_CACHE:-/var/tmp/xvm-xen-qemu}
XENSTORED=
XENSTORED_ARGS=
TIMEOUT=${XVM_XEN_TIMEOUT:-840}
TESTS=
LOG=
XVMD=
XVMD_ARGS=
TEST_TIMEOUT=
EXTRA_DIRS=()
while [ $# -gt 0 ]; do
  case $1 in
    --cache) CACHE=$2; shift 2 ;;
    --cache=*) CACHE=${1#*=}; shift ;;
    --xenstored) XENSTORED=$2; shift 2 ;;
    --xenstored=*) XENSTORED=${1#*=}; shift ;;
    --xenstored-args) XENSTORED_ARGS=$2; shift 2 ;;
    --xenstored-args=*) XENSTORED_ARGS=${1#*=}; shift ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --timeout=*) TIMEOUT=${1#*=}; shift ;;
    --tests) TESTS=$2; shift 2 ;;
    --tests=*) TESTS=${1#*=}; shift ;;
    --log) LOG=$2; shift 2 ;;
    --log=*) LOG=${1#*=}; shift ;;
    --xvmd) XVMD=$2; shift 2 ;;
    --xvmd=*) XVMD=${1#*=}; shift ;;
    --test-timeout) TEST_TIMEOUT=$2; shift 2 ;;
    --test-timeout=*) TEST_TIMEOUT=${1#*=}; shift ;;
    --xvmd-args) XVMD_ARGS=$2; shift 2 ;;
    --xvmd-args=*) XVMD_ARGS=${1#*=}; shift ;;
    --extra-dir) EXTRA_DIRS+=("$2"); shift 2 ;;
    --extra-dir=*) EXTRA_DIRS+=("${1#*=}"); shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

banner() {
  echo "##############################################################" >&2
  for l in "$@"; do echo "## $l" >&2; done
  echo "##############################################################" >&2
}
fail() { banner "real-Xen tier: FAIL: $*"; echo "XVM-TIER RESULT FAIL ($*)"; exit 1; }

t0=$(date +%s)
if [ -z "$XENSTORED" ]; then
  if [ -x "$REPO/build/src/xenstored/xenstored" ]; then
    XENSTORED=$REPO/build/src/xenstored/xenstored
    banner "xenstored: OURS ($XENSTORED) -- the repo's build exists" \
           "(use --xenstored debian for Debian's C xenstored)"
  else
    XENSTORED=debian
    banner "xenstored: DEBIAN's C xenstored -- $REPO/build/src/xenstored/xenstored" \
           "does not exist (build it, or pass --xenstored PATH, to test ours)"
  fi
elif [ "$XENSTORED" = debian ]; then
  banner "xenstored: DEBIAN's C xenstored (--xenstored debian)"
else
  [ -x "$XENSTORED" ] || fail "--xenstored $XENSTORED: not an executable file"
  XENSTORED=$(cd "$(dirname "$XENSTORED")" && pwd)/$(basename "$XENSTORED")
  banner "xenstored: OURS ($XENSTORED)"
fi

if [ -z "$XVMD" ]; then
  if [ -x "$REPO/build/src/xvmd/xvmd" ]; then
    XVMD=$REPO/build/src/xvmd/xvmd
  else
    XVMD=none
    banner "xvmd: NONE -- $REPO/build/src/xvmd/xvmd does not exist: the virsh tests will fail"
  fi
fi
if [ "$XVMD" != none ]; then
  [ -x "$XVMD" ] || fail "--xvmd $XVMD: not an executable file"
  XVMD=$(cd "$(dirname "$XVMD")" && pwd)/$(basename "$XVMD")
  [ -x /usr/bin/virsh ] || fail "virsh (libvirt-clients) is not installed: the virsh tests need it"
  banner "xvmd: $XVMD (--hv xen in dom0), with /usr/bin/virsh"
fi

# dom0's /xvm/xen.env, with shell quoting.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
EXTRA=$(mktemp -d /tmp/xvm-xen-extra.XXXXXX)
trap 'rm -rf "$EXTRA"' EXIT
mkdir -p "$EXTRA/xvm"
{
  echo "# written by tests/xen/run.sh"
  [ "$XENSTORED" = debian ] || echo "XENSTORED=$(q "$XENSTORED")"
  [ -n "$XENSTORED_ARGS" ] && echo "XENSTORED_ARGS=$(q "$XENSTORED_ARGS")"
  [ -n "$TESTS" ] && echo "XVM_TESTS=$(q "$TESTS")"
  [ "$XVMD" = none ] || echo "XVMD=$(q "$XVMD")"
  [ -n "$XVMD_ARGS" ] && echo "XVMD_ARGS=$(q "$XVMD_ARGS")"
  [ -n "$TEST_TIMEOUT" ] && echo "XVM_TEST_TIMEOUT=$(q "$TEST_TIMEOUT")"
  true
} > "$EXTRA/xvm/xen.env"
build_args=(--cache "$CACHE")
for d in "${EXTRA_DIRS[@]}"; do build_args+=(--extra-dir "$d"); done
build_args+=(--extra-dir "$EXTRA")
[ "$XENSTORED" = debian ] || build_args+=(--extra-bin "$XENSTORED")
[ "$XVMD" = none ] || build_args+=(--extra-bin "$XVMD" --extra-bin /usr/bin/virsh)

tb=$(date +%s)
if ! "$HERE/build-images.sh" "${build_args[@]}" > /dev/null; then
  fail "build-images.sh failed: no images, nothing was tested"
fi
te=$(date +%s)
echo "run.sh: images ready in $((te - tb))s" >&2

boot_args=(--cache "$CACHE" --timeout "$TIMEOUT")
[ -n "$LOG" ] && boot_args+=(--log "$LOG")
"$HERE/boot.sh" "${boot_args[@]}"
rc=$?
t1=$(date +%s)
if [ $rc -eq 0 ]; then
  banner "real-Xen tier: PASS (xenstored: $XENSTORED; whole tier $((t1 - t0))s)"
else
  banner "real-Xen tier: FAIL (xenstored: $XENSTORED; whole tier $((t1 - t0))s)" \
         "serial log: $CACHE/serial-latest.log"
fi
exit $rc
