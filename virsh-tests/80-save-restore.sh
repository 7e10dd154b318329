#!/bin/sh
# Save, restore and managed save through virsh, with `virsh event --all
# --loop` recording the lifecycle: a domain started, saved, restored,
# managed-saved, started from its image and shut down shows the right
# states and events; the save image (mode 0600, its XML); a file that is
# not an image; undefine with a managed save image. Then guests acting on
# their own: power off with <on_poweroff>restart</on_poweroff>, reboot
# with <on_reboot>destroy</on_reboot>, crash with <on_crash>preserve and
# destroy.
set -eu
: "${LIBVIRT_URI:?}" "${XVM_RUN_DIR:?}"
fail() { echo "  $*" >&2; exit 1; }
v() { virsh -q -c "$LIBVIRT_URI" "$@"; }
d=$(mktemp -d "$XVM_RUN_DIR/vt80.XXXXXX")
echo kernel >"$d/vmlinuz"
truncate -s 4M "$d/disk.img"

# domain_xml NAME CMDLINE EXTRA: a PV guest with a disk, an interface and
# a console; EXTRA goes after <os>. A fixed UUID per domain, so that a
# repeated define updates it.
domain_xml() {
	cat <<XML
<domain type='xen'>
  <name>$1</name>
  <uuid>$(printf '%s' "$1" | md5sum | sed 's/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)\(.\{12\}\).*/\1-\2-\3-\4-\5/')</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type>linux</type><kernel>$d/vmlinuz</kernel><cmdline>$2</cmdline></os>
  $3
  <devices>
    <disk type='file' device='disk'>
      <source file='$d/disk.img'/><target dev='xvda' bus='xen'/>
    </disk>
    <interface type='bridge'><source bridge='xenbr0'/></interface>
    <console type='pty'/>
  </devices>
</domain>
XML
}

virsh -c "$LIBVIRT_URI" event --all --loop >"$d/events" 2>&1 &
ev=$!
trap 'kill $ev 2>/dev/null' EXIT

# wait_for WHAT CMD...: polls CMD (generous: the machine may be loaded).
wait_for() {
	what=$1; shift
	i=0
	until "$@"; do
		i=$((i + 1)); [ $i -lt 300 ] || fail "timed out waiting for $what"
		sleep 0.1
	done
}
state_is() { [ "$(v domstate --reason "$1")" = "$2" ]; }
has_event() { grep -q "for domain '$1': $2" "$d/events"; }
# The lifecycle events of domain $1, one per line ("Started Booted").
events_of() { sed -n "s/^event 'lifecycle' for domain '$1': //p" "$d/events"; }

domain_xml vt80 "xvmsim.counter" "" >"$d/vt80.xml"
# Defined until virsh event, which registers in the background, saw it.
i=0
until has_event vt80 "Defined"; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "virsh event saw no define"
	v define "$d/vt80.xml" >/dev/null || fail "define"
	sleep 0.1
done

v start vt80 >/dev/null || fail "start"
state_is vt80 "running (booted)" || fail "after start: $(v domstate --reason vt80)"

# save / restore
v save vt80 "$d/vt80.save" >/dev/null || fail "save"
state_is vt80 "shut off (saved)" || fail "after save: $(v domstate --reason vt80)"
[ "$(stat -c %a "$d/vt80.save")" = 600 ] || fail "image mode $(stat -c %a "$d/vt80.save")"
ls "$d" | grep -q 'vt80.save.tmp' && fail "a temporary file is left"
v save-image-dumpxml "$d/vt80.save" | grep -q "<name>vt80</name>" || fail "save-image-dumpxml"
v restore "$d/vt80.save" >/dev/null || fail "restore"
state_is vt80 "running (restored)" || fail "after restore: $(v domstate --reason vt80)"
v restore "$d/vt80.save" >/dev/null 2>&1 && fail "a second restore of a running domain worked"

# save --paused, restore: paused; resume
v save vt80 "$d/vt80.save" --paused >/dev/null || fail "save --paused"
v restore "$d/vt80.save" >/dev/null || fail "restore of a paused image"
state_is vt80 "paused (user)" || fail "after paused restore: $(v domstate --reason vt80)"
v resume vt80 >/dev/null || fail "resume"

# managedsave; start uses the image and removes it
v managedsave vt80 >/dev/null || fail "managedsave"
state_is vt80 "shut off (saved)" || fail "after managedsave: $(v domstate --reason vt80)"
v dominfo vt80 | grep -q "^Managed save: *yes$" || fail "dominfo: no managed save"
v list --all --managed-save | grep -q "vt80 *saved" || fail "list --managed-save: $(v list --all --managed-save)"
v start vt80 >/dev/null || fail "start from the managed save image"
state_is vt80 "running (restored)" || fail "after managed start: $(v domstate --reason vt80)"
v dominfo vt80 | grep -q "^Managed save: *no$" || fail "dominfo: managed save left"

# shutdown: the restored guest still obeys
v shutdown vt80 >/dev/null || fail "shutdown"
wait_for "vt80 to shut down" state_is vt80 "shut off (shutdown)"
wait_for "the last event" has_event vt80 "Stopped Shutdown"
# Each restore resumed the guest where it was: its kernel says so.
if [ -n "${XVM_CONSOLE_LOG_DIR:-}" ]; then
	n=$(grep -c "resumed after" "$XVM_CONSOLE_LOG_DIR/guest-vt80.log") || true
	[ "$n" = 3 ] || fail "the guest resumed $n times, not 3"
fi

expected="Started Booted
Stopped Saved
Started Restored
Stopped Saved
Started Restored
Suspended Paused
Resumed Unpaused
Stopped Saved
Started Restored
Shutdown Finished
Stopped Shutdown"
# Defines repeated while virsh event registered: Added, maybe Updated.
got=$(events_of vt80 | grep -v "^Defined")
[ "$got" = "$expected" ] || fail "events of vt80:
$got
expected:
$expected"

# save --running, restore --paused; save-image-define changes the image
v start vt80 >/dev/null || fail "start again"
v save vt80 "$d/vt80.save" --running >/dev/null || fail "save --running"
v restore "$d/vt80.save" --paused >/dev/null || fail "restore --paused"
state_is vt80 "paused (user)" || fail "after restore --paused: $(v domstate --reason vt80)"
v destroy vt80 >/dev/null || fail "destroy"
v save-image-dumpxml "$d/vt80.save" |
	sed "s|<on_poweroff>destroy</on_poweroff>|<on_poweroff>preserve</on_poweroff>|" >"$d/image.xml"
grep -q "<on_poweroff>preserve</on_poweroff>" "$d/image.xml" || fail "no on_poweroff in the image"
v save-image-define "$d/vt80.save" "$d/image.xml" --paused >/dev/null || fail "save-image-define"
v save-image-dumpxml "$d/vt80.save" | grep -q "<on_poweroff>preserve</on_poweroff>" ||
	fail "save-image-define did not change the image"
sed "s|<memory unit='KiB'>[0-9]*</memory>|<memory unit='KiB'>131072</memory>|" "$d/image.xml" >"$d/bigger.xml"
v save-image-define "$d/vt80.save" "$d/bigger.xml" >/dev/null 2>&1 &&
	fail "save-image-define with another memory size worked"
v restore "$d/vt80.save" >/dev/null || fail "restore of the redefined image"
state_is vt80 "paused (user)" || fail "after restore of a --paused image: $(v domstate --reason vt80)"
v dumpxml vt80 | grep -q "<on_poweroff>preserve</on_poweroff>" || fail "the redefined XML is not live"
v destroy vt80 >/dev/null || fail "destroy"

# managedsave-remove; undefine refuses a domain with an image
v start vt80 >/dev/null && v managedsave vt80 >/dev/null || fail "managedsave again"
v managedsave-remove vt80 >/dev/null || fail "managedsave-remove"
v dominfo vt80 | grep -q "^Managed save: *no$" || fail "managedsave-remove left the image"
v start vt80 --force-boot >/dev/null || fail "start --force-boot"
state_is vt80 "running (booted)" || fail "after start --force-boot"
v managedsave vt80 >/dev/null || fail "managedsave a third time"
v undefine vt80 >/dev/null 2>&1 && fail "undefine with a managed save image worked"
v undefine vt80 --managed-save >/dev/null || fail "undefine --managed-save"

# Not an image: libvirt's error, nothing created.
head -c 4096 /dev/urandom >"$d/bad.save"
out=$(v restore "$d/bad.save" 2>&1) && fail "restore of garbage worked"
echo "$out" | grep -q "image magic is incorrect" || fail "restore of garbage: $out"
[ -z "$(v list --all --name | grep -v '^Domain-0$')" ] || fail "domains left: $(v list --all --name)"

# Guests on their own.
domain_xml vt80p "" "<on_poweroff>restart</on_poweroff>" >"$d/p.xml"
domain_xml vt80r "" "<on_reboot>destroy</on_reboot>" >"$d/r.xml"
domain_xml vt80c "xvmsim.crash=2" "<on_crash>preserve</on_crash>" >"$d/c.xml"
domain_xml vt80d "xvmsim.crash=2" "<on_crash>destroy</on_crash>" >"$d/dd.xml"
for f in p r c dd; do v define "$d/$f.xml" >/dev/null || fail "define $f"; done
for n in vt80p vt80r vt80c vt80d; do v start $n >/dev/null || fail "start $n"; done

id=$(v domid vt80p)
i=0
until v shutdown vt80p >/dev/null 2>&1; do    # once its kernel answers
	i=$((i + 1)); [ $i -lt 100 ] || fail "shutdown vt80p"; sleep 0.1
done
wait_for "vt80p to run again" sh -c "[ \"\$(virsh -q -c '$LIBVIRT_URI' domid vt80p)\" != '$id' ]"
state_is vt80p "running (booted)" || fail "vt80p: $(v domstate --reason vt80p)"
[ "$(events_of vt80p | grep -v Defined)" = "Started Booted
Shutdown Finished
Stopped Shutdown
Started Booted" ] || fail "events of vt80p: $(events_of vt80p)"

v reboot vt80r >/dev/null || fail "reboot vt80r"
wait_for "vt80r to stop" state_is vt80r "shut off (shutdown)"
wait_for "vt80r's events" has_event vt80r "Stopped Shutdown"

wait_for "vt80c to crash" state_is vt80c "crashed (panicked)"
wait_for "vt80d to crash" state_is vt80d "shut off (crashed)"
wait_for "vt80c's event" has_event vt80c "Crashed Panicked"
wait_for "vt80d's event" has_event vt80d "Stopped Crashed"
v destroy vt80c >/dev/null || fail "destroy vt80c"
v destroy vt80p >/dev/null || fail "destroy vt80p"
for n in vt80p vt80r vt80c vt80d; do v undefine $n >/dev/null || fail "undefine $n"; done
