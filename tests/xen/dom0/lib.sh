# Helpers for dom0's /init and the tests in /xvm/tests.d (busybox sh).
# Under TCG every fork+exec is expensive: polling uses shell builtins
# (read < /proc/uptime, case) and 0.25 s sleeps.

XVM_FAILS=0

# Sets NOW to the uptime in centiseconds.
xvm_now() {
  read -r _xvm_up _ < /proc/uptime
  NOW=${_xvm_up%.*}${_xvm_up#*.}
  while :; do case $NOW in 0?*) NOW=${NOW#0} ;; *) break ;; esac; done
}

# Prints the uptime in seconds (e.g. 12.34).
xvm_uptime() {
  read -r _xvm_up _ < /proc/uptime
  echo "$_xvm_up"
}

# A timing marker that boot.sh picks up: XVM-MARK name t=uptime.
xvm_mark() {
  read -r _xvm_up _ < /proc/uptime
  echo "XVM-MARK $1 t=$_xvm_up"
}

xvm_ok()   { echo "XVM-CHECK ok $*"; }
xvm_fail() { echo "XVM-CHECK FAIL $*"; XVM_FAILS=$((XVM_FAILS + 1)); }
xvm_info() { echo "XVM-INFO $*"; }

# xvm_check NAME CMD...: runs CMD, records ok/FAIL.
xvm_check() {
  _xvm_name=$1; shift
  if "$@"; then xvm_ok "$_xvm_name"; return 0; fi
  xvm_fail "$_xvm_name (command: $*)"
  return 1
}

# xvm_wait_text FILE TEXT SECONDS: waits until a line of FILE contains
# TEXT; sets MATCH to that line. Builtins only.
xvm_wait_text() {
  _f=$1 _t=$2
  xvm_now; _end=$((NOW + $3 * 100))
  while :; do
    if [ -r "$_f" ]; then
      while IFS= read -r _l || [ -n "$_l" ]; do
        # shellcheck disable=SC2034  # MATCH is for the caller
        case $_l in *"$_t"*) MATCH=$_l; return 0 ;; esac
      done < "$_f"
    fi
    xvm_now
    [ "$NOW" -ge "$_end" ] && return 1
    sleep 0.25
  done
}

# xvm_wait_path TEST PATH SECONDS: waits until [ TEST PATH ] holds.
xvm_wait_path() {
  xvm_now; _end=$((NOW + $3 * 100))
  while ! test "$1" "$2"; do
    xvm_now
    [ "$NOW" -ge "$_end" ] && return 1
    sleep 0.25
  done
  return 0
}

# Prints the lines of FILE holding TEXT, prefixed (builtins only).
xvm_show_lines() {
  [ -r "$1" ] || return 0
  while IFS= read -r _l || [ -n "$_l" ]; do
    case $_l in *"$2"*) echo "$3$_l" ;; esac
  done < "$1"
}

# xvm_count_lines FILE TEXT: N, the number of lines of FILE holding TEXT;
# MATCH, the last of them (builtins only).
xvm_count_lines() {
  N=0
  [ -r "$1" ] || return 0
  while IFS= read -r _l || [ -n "$_l" ]; do
    # shellcheck disable=SC2034  # MATCH is for the caller
    case $_l in *"$2"*) N=$((N + 1)); MATCH=$_l ;; esac
  done < "$1"
}

# xvm_wait_count FILE TEXT MIN SECONDS: until FILE has MIN lines holding
# TEXT (N and MATCH as xvm_count_lines).
xvm_wait_count() {
  xvm_now; _e=$((NOW + $4 * 100))
  while :; do
    xvm_count_lines "$1" "$2"
    [ "$N" -ge "$3" ] && return 0
    xvm_now; [ "$NOW" -ge "$_e" ] && return 1
    sleep 0.25
  done
}

# ---- tests driving xvmd through virsh ----

XVM_URI='xen:///system?socket=/run/xvm/virtxend-sock'

# Ends the test as failed unless xvmd listens (see XVMD in /xvm/xen.env).
xvm_require_xvmd() {
  [ -S /run/xvm/virtxend-sock ] && return 0
  xvm_fail "xvmd is not running (no /run/xvm/virtxend-sock): see XVMD in /xvm/xen.env"
  xvm_finish
}

# xvm_guest_xml NAME CMDLINE [DEVICES]: prints the libvirt twin of
# guest/tiny.cfg (PV, 128 MiB, 1 vCPU, a console); CMDLINE ends its
# kernel command line (xvm.guest=MODE ...), DEVICES (XML) come before
# the console in <devices>. XVM_GUEST_VCPUS sets the vCPUs;
# XVM_GUEST_PVH=1 makes it PVH, with the TSC native (Xen under QEMU TCG
# kills a PVH guest at RDTSCP otherwise: README, guest types).
xvm_guest_xml() {
  _type="<type arch='x86_64' machine='xenpv'>xen</type>"
  _clock=
  if [ "${XVM_GUEST_PVH:-0}" = 1 ]; then
    _type="<type arch='x86_64' machine='xenpvh'>xenpvh</type>"
    _clock="
  <clock offset='utc'>
    <timer name='tsc' mode='native'/>
  </clock>"
  fi
  cat <<XML
<domain type='xen'>
  <name>$1</name>
  <memory unit='KiB'>131072</memory>
  <currentMemory unit='KiB'>131072</currentMemory>
  <vcpu>${XVM_GUEST_VCPUS:-1}</vcpu>
  <os>
    $_type
    <kernel>/xvm/guest/vmlinux.gz</kernel>
    <initrd>/xvm/guest/initrd.gz</initrd>
    <cmdline>console=hvc0 loglevel=4${2:+ $2}</cmdline>
  </os>$_clock
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
${3:+$3
}    <console type='pty'><target type='xen' port='0'/></console>
  </devices>
</domain>
XML
}

# xvm_xl_field NAME COLUMN: a column of NAME's row in xl list (2 id,
# 3 MiB, 4 vCPUs, 5 state, 6 seconds).
xvm_xl_field() {
  xl list "$1" 2>/dev/null | awk -v c="$2" 'NR == 2 { print $c }'
}

# xvm_secs CENTISECONDS: prints them as seconds (12.3).
xvm_secs() { echo "$(( $1 / 100 )).$(( $1 % 100 / 10 ))"; }

# xvm_dominfo_field NAME: a field of the last xvm_check_listed's dominfo.
xvm_dominfo_field() { echo "$XVM_DOMINFO" | sed -n "s/^$1: *//p"; }

# xvm_destroy_undefine NAME VM_BEFORE: virsh destroy (reason destroyed,
# gone from xl) and undefine (no longer listed) of NAME, then nothing of it
# is left: xl lists only Domain-0, /local/domain holds only 0, and /vm is
# as VM_BEFORE (xenstore-list /vm, sorted, on one line) was.
xvm_destroy_undefine() {
  if _o=$(xvm_virsh "$XVM_URI" 120 destroy "$1"); then xvm_ok "virsh destroy"; else
    xvm_fail "virsh destroy: $_o"; fi
  _r=$(xvm_virsh "$XVM_URI" 120 domstate --reason "$1")
  [ "$_r" = "shut off (destroyed)" ] && xvm_ok "after destroy: $_r" || xvm_fail "after destroy: '$_r'"
  xl domid "$1" > /dev/null 2>&1 && xvm_fail "xl still lists $1 after destroy" || xvm_ok "gone from xl"
  if _o=$(xvm_virsh "$XVM_URI" 120 undefine "$1"); then xvm_ok "virsh undefine"; else
    xvm_fail "virsh undefine: $_o"; fi
  xvm_virsh "$XVM_URI" 120 list --all --name | grep -qx "$1" &&
    xvm_fail "$1 still listed after undefine" || xvm_ok "not listed after undefine"
  _n=$(xl list | grep -vc '^Name ')
  [ "$_n" = 1 ] && xvm_ok "xl list: only Domain-0" || { xvm_fail "leftover domains:"; xl list; }
  _d=$(xenstore-list /local/domain 2>&1 | tr '\n' ' ')
  [ "$_d" = "0 " ] && xvm_ok "/local/domain: only 0" || xvm_fail "/local/domain holds: $_d"
  _v=$(xenstore-list /vm 2>/dev/null | sort | tr '\n' ' ')
  [ "$_v" = "$2" ] && xvm_ok "/vm: nothing of $1" || xvm_fail "/vm before '$2' after '$_v'"
}

# xvm_start_disk_guest NAME IMG MIB: defines and starts NAME, the disk
# guest (xvm.guest=disk) with a new sparse file IMG of MIB MiB as its
# xvda; on failure fails the test and ends it.
xvm_start_disk_guest() {
  mkdir -p "${2%/*}"
  rm -f "$2"
  dd if=/dev/zero of="$2" bs=1M count=0 seek="$3" 2> /dev/null
  xvm_guest_xml "$1" xvm.guest=disk "    <disk type='file' device='disk'>
      <source file='$2'/>
      <target dev='xvda' bus='xen'/>
    </disk>" > "/tmp/$1.xml"
  xvm_virsh "$XVM_URI" 180 define "/tmp/$1.xml" > /dev/null || { xvm_fail "virsh define"; xvm_finish; }
  if ! _out=$(xvm_virsh "$XVM_URI" 180 start "$1"); then
    xvm_fail "virsh start: $_out"; tail -n 15 /var/log/xen/xvmd.out
    xvm_virsh "$XVM_URI" 180 undefine "$1" > /dev/null; xvm_finish
  fi
}

# xvm_check_listed NAME DOMID VCPUS: virsh list and dominfo of a running
# guest agree with Xen: the id, running, VCPUS vCPUs, 128 MiB max, and
# used memory within 1 MiB of xl list's (tot_pages).
xvm_check_listed() {
  _row=$(xvm_virsh "$XVM_URI" 120 list | awk -v n="$1" '$2 == n')
  case $_row in
    *"$2"*"$1"*running*) xvm_ok "virsh list: $_row" ;;
    *) xvm_fail "virsh list: '$_row' (want id $2, running)" ;;
  esac
  XVM_DOMINFO=$(xvm_virsh "$XVM_URI" 120 dominfo "$1")
  [ "$(xvm_dominfo_field Id)" = "$2" ] && xvm_ok "dominfo Id $2" ||
    xvm_fail "dominfo Id '$(xvm_dominfo_field Id)' != $2"
  [ "$(xvm_dominfo_field 'CPU(s)')" = "$3" ] && xvm_ok "dominfo $3 vCPU(s)" ||
    xvm_fail "dominfo CPU(s) '$(xvm_dominfo_field 'CPU(s)')' != $3"
  [ "$(xvm_dominfo_field 'Max memory')" = "131072 KiB" ] && xvm_ok "dominfo max memory 131072 KiB" ||
    xvm_fail "dominfo Max memory '$(xvm_dominfo_field 'Max memory')'"
  _used=$(xvm_dominfo_field 'Used memory'); _used=${_used% KiB}
  _xl_mib=$(xvm_xl_field "$1" 3)
  # Xen's tot_pages in MiB (xl) and KiB (virsh): within 1 MiB.
  if [ -n "$_used" ] && [ -n "$_xl_mib" ] && [ $((_used / 1024 - _xl_mib)) -ge -1 ] && \
     [ $((_used / 1024 - _xl_mib)) -le 1 ]; then
    xvm_ok "dominfo used memory $_used KiB, xl list $_xl_mib MiB"
  else
    xvm_fail "dominfo Used memory '$_used' KiB, xl list '$_xl_mib' MiB"
  fi
}

# Ends a test: exit status 0 only when no check failed.
xvm_finish() {
  if [ "$XVM_FAILS" -eq 0 ]; then exit 0; fi
  echo "XVM-INFO $XVM_FAILS check(s) failed"
  exit 1
}

# xvm_virsh URI SECONDS ARGS...: virsh -q -c URI ARGS under timeout, its
# stdout and stderr together, and its exit status.
xvm_virsh() {
  _vu=$1 _vt=$2; shift 2
  _vo=$(timeout "$_vt" virsh -q -c "$_vu" "$@" 2>&1); _vr=$?
  [ -n "$_vo" ] && printf '%s\n' "$_vo"
  return "$_vr"
}
