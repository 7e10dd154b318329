#!/bin/bash
# Boots Xen 4.17 + the Debian 6.1 kernel as PV dom0 under QEMU (TCG) with the
# images of build-images.sh, follows the serial log, stops QEMU by itself and
# prints a per-test PASS/FAIL summary. Exit status 0 only if every test passed.
#
# Usage: boot.sh [--cache DIR] [--dom0-initrd FILE] [--timeout S] [--log FILE] [--shell]
#   --shell  interactive dom0 shell on this terminal (no tests; exit stops QEMU)
# Knobs (environment): XVM_QEMU_MEM (2048) XVM_QEMU_SMP (2) XVM_QEMU_CPU (max,-xsave)
#   XVM_QEMU_MACHINE (q35) XVM_QEMU_ACCEL (tcg) XVM_DOM0_MEM (1024M)
#   XVM_XEN_CPU (smap=0) XVM_XEN_EXTRA XVM_DOM0_EXTRA (no commas)
set -uo pipefail

CACHE=${XVM_XEN_CACHE:-/var/tmp/xvm-xen-qemu}
DOM0_INITRD=
TIMEOUT=${XVM_XEN_TIMEOUT:-840}
LOG=
MODE="test"
while [ $# -gt 0 ]; do
  case $1 in
    --cache) CACHE=$2; shift 2 ;;
    --cache=*) CACHE=${1#*=}; shift ;;
    --dom0-initrd) DOM0_INITRD=$2; shift 2 ;;
    --dom0-initrd=*) DOM0_INITRD=${1#*=}; shift ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --timeout=*) TIMEOUT=${1#*=}; shift ;;
    --log) LOG=$2; shift 2 ;;
    --log=*) LOG=${1#*=}; shift ;;
    --shell) MODE=shell; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "boot.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

die() { echo "boot.sh: FAIL: $*" >&2; echo "XVM-TIER RESULT FAIL ($*)"; exit 1; }

DOM0_INITRD=${DOM0_INITRD:-$CACHE/dom0-initrd.gz}
XEN=$CACHE/xen-4.17-amd64
KERNEL=$CACHE/vmlinuz
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not installed (run build-images.sh)"
for f in "$XEN" "$KERNEL" "$DOM0_INITRD"; do
  [ -s "$f" ] || die "missing image $f (run build-images.sh)"
done
case "$KERNEL$DOM0_INITRD${XVM_DOM0_EXTRA:-}" in
  *,*) die "dom0 kernel/initrd paths and XVM_DOM0_EXTRA must not contain commas (QEMU -initrd splits on them)" ;;
esac
case $TIMEOUT in ''|*[!0-9]*) die "--timeout must be a number of seconds" ;; esac

XEN_CMDLINE="console=com1 com1=115200,8n1 dom0_mem=${XVM_DOM0_MEM:-1024M},max:${XVM_DOM0_MEM:-1024M}"
XEN_CMDLINE+=" dom0_max_vcpus=${XVM_QEMU_SMP:-2} loglvl=all guest_loglvl=all noreboot console_timestamps=boot"
XEN_CMDLINE+=" ${XVM_XEN_CPU-smap=0} ${XVM_XEN_EXTRA:-}"
DOM0_CMDLINE="console=hvc0 earlyprintk=xen xvm.mode=$MODE ${XVM_DOM0_EXTRA:-}"
ACCEL=${XVM_QEMU_ACCEL:-tcg}
[ "$ACCEL" = tcg ] && ACCEL=tcg,thread=multi
# -xsave: with XSAVE, dom0's processes crash now and then while guests are
# built (QEMU 7.2's TCG; the README's pitfall 16): Xen and Linux then keep
# FPU/SSE state with FXSAVE.
# shellcheck disable=SC2054  # commas belong to QEMU option values
QEMU_ARGS=(
  -machine "${XVM_QEMU_MACHINE:-q35}" -accel "$ACCEL" -cpu "${XVM_QEMU_CPU:-max,-xsave}"
  -smp "${XVM_QEMU_SMP:-2}" -m "${XVM_QEMU_MEM:-2048}"
  -nodefaults -no-reboot -display none -vga none
  -device isa-debug-exit,iobase=0xf4,iosize=0x04
  -kernel "$XEN" -append "$XEN_CMDLINE"
  -initrd "$KERNEL $DOM0_CMDLINE,$DOM0_INITRD"
)

if [ "$MODE" = shell ]; then
  echo "boot.sh: interactive dom0 shell; 'exit' stops QEMU" >&2
  exec "$QEMU" "${QEMU_ARGS[@]}" -serial mon:stdio -monitor none
fi

mkdir -p "$CACHE/logs"
[ -n "$LOG" ] || LOG=$CACHE/logs/serial-$(date +%Y%m%d-%H%M%S)-$$.log
: > "$LOG" || die "cannot write $LOG"
ln -sfn "$LOG" "$CACHE/serial-latest.log"
# Keep the 20 newest logs.
ls -1t "$CACHE"/logs/serial-*.log 2>/dev/null | tail -n +21 | xargs -r rm -f
PIDFILE=$(mktemp /tmp/xvm-qemu-pid.XXXXXX)
rm -f "$PIDFILE"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
fmt_s() { printf '%d.%d' $(( $1 / 1000 )) $(( $1 % 1000 / 100 )); }

T0=$(now_ms)
echo "boot.sh: QEMU (${ACCEL}, timeout ${TIMEOUT}s), serial log $LOG" >&2
echo "boot.sh: xen: $XEN_CMDLINE" >&2
echo "boot.sh: dom0: $DOM0_CMDLINE" >&2
# timeout(1) stops QEMU even if this script is killed outright.
timeout -k 10 $((TIMEOUT + 60)) "$QEMU" "${QEMU_ARGS[@]}" \
  -serial "file:$LOG" -monitor none -pidfile "$PIDFILE" < /dev/null &
QPID_WRAP=$!

qemu_pid() { [ -s "$PIDFILE" ] && cat "$PIDFILE"; }
stop_qemu() {
  local p
  p=$(qemu_pid)
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null
    for _ in 1 2 3 4 5 6; do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$p" 2>/dev/null
  fi
  kill -TERM "$QPID_WRAP" 2>/dev/null
}
trap 'stop_qemu; rm -f "$PIDFILE"; exit 130' INT TERM HUP

# Milestones, in order: label and a fixed string of the serial log.
MS_LABELS=("Xen banner" "dom0 kernel starts" "dom0 /init" "modules loaded" "xenstored up"
           "xenconsoled up" "tests start" "tests end" "XVM-END")
MS_TEXT=("Xen version" "Linux version" "XVM-MARK dom0-init" "XVM-MARK modules"
         "XVM-MARK xenstored-up" "XVM-MARK xenconsoled-up" "XVM-MARK tests-start"
         "XVM-MARK tests-end" "XVM-END")
MS_AT=()
PANIC_RE='^\(XEN\) .*(Panic on CPU|Hardware Dom0 crashed|Hardware Dom0 shutdown|domain_crash_sync called|Domain 0 crashed)|^(\[ *[0-9.]+\] )?(Kernel panic|BUG: |Oops: )'
reason=
seen_tests=0
end_at=
while :; do
  if ! kill -0 "$QPID_WRAP" 2>/dev/null; then reason=exited; break; fi
  t=$(( $(now_ms) - T0 ))
  for i in "${!MS_TEXT[@]}"; do
    [ -n "${MS_AT[$i]:-}" ] && continue
    if grep -aqF -- "${MS_TEXT[$i]}" "$LOG"; then
      MS_AT[$i]=$t
      echo "boot.sh: +$(fmt_s "$t")s ${MS_LABELS[$i]}" >&2
    fi
  done
  # Live progress: test results as they appear.
  mapfile -t tl < <(grep -a '^XVM-TEST ' "$LOG" | tr -d '\r')
  while [ "$seen_tests" -lt "${#tl[@]}" ]; do
    echo "boot.sh: +$(fmt_s "$t")s ${tl[$seen_tests]}" >&2
    seen_tests=$((seen_tests + 1))
  done
  if grep -aqE "$PANIC_RE" "$LOG"; then
    sleep 2
    reason=panic; break
  fi
  if [ -n "${MS_AT[8]:-}" ]; then
    # XVM-END: dom0 is writing to isa-debug-exit; give QEMU 5 s to exit.
    [ -n "$end_at" ] || end_at=$t
    if [ $((t - end_at)) -ge 5000 ]; then reason=end-no-exit; break; fi
  fi
  if [ "$t" -ge $((TIMEOUT * 1000)) ]; then reason=timeout; break; fi
  sleep 0.5
done
[ "$reason" = exited ] || stop_qemu
wait "$QPID_WRAP" 2>/dev/null
qrc=$?
T_END=$(( $(now_ms) - T0 ))
rm -f "$PIDFILE"
trap - INT TERM HUP

# ---- Summary -------------------------------------------------------------------
clean() { tr -d '\r' < "$LOG"; }
echo
echo "================ real-Xen tier summary ================"
echo "serial log: $LOG"
for i in "${!MS_TEXT[@]}"; do
  [ -n "${MS_AT[$i]:-}" ] && printf '  QEMU start -> %-20s %6ss\n' "${MS_LABELS[$i]}" "$(fmt_s "${MS_AT[$i]}")"
done
printf '  QEMU start -> %-20s %6ss\n' "QEMU gone" "$(fmt_s "$T_END")"
ok=1
case $reason in
  exited)
    # isa-debug-exit: QEMU exits with (code << 1) | 1; dom0 writes 0 on PASS.
    case $qrc in
      1) echo "QEMU exited through isa-debug-exit: dom0 reported PASS" ;;
      3) echo "QEMU exited through isa-debug-exit: dom0 reported FAIL" ;;
      124|137) echo "QEMU killed by timeout(1) (status $qrc)"; ok= ;;
      *) echo "QEMU exited with status $qrc before the tests ended"; ok= ;;
    esac ;;
  end-no-exit) echo "WARNING: isa-debug-exit did not stop QEMU; killed it 5 s after XVM-END" ;;
  panic) echo "FAIL: Xen/dom0 panic or dom0 crash in the serial log:"; ok=
         clean | grep -aE "$PANIC_RE" | head -n 5 | sed 's/^/  /' ;;
  timeout) echo "FAIL: timeout after ${TIMEOUT}s; QEMU killed"; ok= ;;
esac
echo "---- setup and checks that failed ----"
clean | grep -aE '^(XVM-SETUP FAIL|XVM-CHECK FAIL)' | sed 's/^/  /'
echo "---- information ----"
clean | grep -a '^XVM-INFO ' | sed 's/^XVM-INFO /  /'
echo "---- tests ----"
mapfile -t tests < <(clean | grep -a '^XVM-TEST ')
npass=0 nfail=0 failed=
for l in "${tests[@]}"; do
  set -- $l
  printf '  %-4s %s %s\n' "$3" "$2" "${*:4}"
  if [ "$3" = PASS ]; then npass=$((npass + 1)); else nfail=$((nfail + 1)); failed="$failed $2"; fi
done
# A test that started and never reported (dom0 died under it).
for s in $(clean | sed -n 's/^XVM-TEST-START //p'); do
  printf '%s\n' "${tests[@]}" | grep -q "^XVM-TEST $s " || {
    echo "  FAIL $s (started, never finished)"; nfail=$((nfail + 1)); failed="$failed $s"; }
done
result=$(clean | sed -n 's/^XVM-RESULT //p' | tail -n1)
[ "$npass" -gt 1 ] || { echo "  (no test ran)"; ok=; }
[ "$nfail" -eq 0 ] || ok=
[ "$result" = PASS ] || ok=
if [ -z "$ok" ]; then
  echo "---- last 40 lines of the serial log ----"
  clean | tail -n 40 | sed 's/^/  | /'
  # Again after the log's tail, so that a view of the last lines (CI's)
  # names what failed.
  echo "---- failed:${failed:- none} ----"
  clean | grep -aE '^(XVM-SETUP FAIL|XVM-CHECK FAIL|XVM-TEST .* FAIL)' | sed 's/^/  /'
fi
echo "======================================================="
if [ -n "$ok" ]; then
  echo "XVM-TIER RESULT PASS ($npass passed, $(fmt_s "$T_END")s)"
  exit 0
fi
echo "XVM-TIER RESULT FAIL ($npass passed, $nfail failed:${failed:- none}, dom0 result '${result:-none}', $(fmt_s "$T_END")s)"
exit 1
