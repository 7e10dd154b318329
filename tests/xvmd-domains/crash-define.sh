#!/bin/sh
# No config file is ever left half written: xvmd is killed with SIGKILL,
# again and again, while a client defines large domains (descriptions of
# up to 2 MiB) as fast as it can. After each kill every STATE/NAME.xml
# must be a complete, parseable definition of NAME holding either the
# version last acknowledged or the one in flight; the restarted xvmd must
# load every one of them (same version through dumpxml) and remove the
# temporary files the kill left.
. "$STACK_SH"
stack_start
echo kernel >"$DIR/vmlinuz"
ROUNDS=${CRASH_ROUNDS:-12}
export CRASH_ROUNDS

# The writer: defines NAMES in turn, version after version, logging
# "try NAME K" before each call and "ok NAME K" after its reply, until
# xvmd goes away. Versions go on from the log of the previous rounds.
cat >"$DIR/writer.py" <<'PY'
import sys, libvirt
sys.path.insert(0, sys.argv[2])
from crash_xml import domain_xml
d, log = sys.argv[1], open(sys.argv[1] + "/writer.log", "a+")
libvirt.registerErrorHandler(lambda *a: None, None)
log.seek(0)
k = sum(1 for line in log if line.startswith("try "))
c = libvirt.open("xen:///system?socket=%s/virtxend-sock" % d)
open(d + "/writer.ready", "w").close()
while True:
    k += 1
    name = "big%d" % (k % 4)
    log.write("try %s %d\n" % (name, k)); log.flush()
    try:
        c.defineXML(domain_xml(d, name, k))
    except libvirt.libvirtError as e:
        # xvmd was killed: the end of the round; any other error fails.
        if e.get_error_domain() != libvirt.VIR_FROM_RPC:
            sys.exit("writer: version %d: %s" % (k, e))
        break
    log.write("ok %s %d\n" % (name, k)); log.flush()
PY
cat >"$DIR/crash_xml.py" <<'PY'
# The definition of version k of a domain: its description says k and has
# a length that depends on k (256 KiB to 2 MiB).
def description(k):
    return "v%d:" % k + str(k % 10) * (256 * 1024 + (k * 7919 * 37) % (1792 * 1024))

def domain_xml(d, name, k):
    uuid = "%08d-2222-3333-4444-555555555555" % int(name[3:])
    return ("<domain type='xen'><name>%s</name><uuid>%s</uuid>"
            "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
            "<description>%s</description><os><type>linux</type><kernel>%s/vmlinuz</kernel>"
            "</os></domain>" % (name, uuid, description(k), d))
PY
cat >"$DIR/killer.py" <<'PY'
import os, random, signal, sys, time
state, pid, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if mode == "random":
    time.sleep(0.1 + random.random())
else:
    end = time.monotonic() + 60
    while not any(".tmp-" in f for f in os.listdir(state)):
        if time.monotonic() > end:
            sys.exit("no temporary file appeared in 60 s")
os.kill(pid, signal.SIGKILL)
print(mode)
PY
# The files on disk against the writer's log; with "loaded", against
# what the restarted xvmd says too.
cat >"$DIR/check.py" <<'PY'
import json, os, re, sys, xml.etree.ElementTree as ET
sys.path.insert(0, sys.argv[1])
from crash_xml import description
d, loaded = sys.argv[1], len(sys.argv) > 2
state = d + "/state"
acked, tried = {}, {}         # name: the last version acknowledged; every one tried
for line in open(d + "/writer.log"):
    what, name, k = line.split()
    if what == "ok":
        acked[name] = int(k)
    else:
        tried.setdefault(name, []).append(int(k))
seen = json.load(open(d + "/seen.json")) if os.path.exists(d + "/seen.json") else {}
files = sorted(f for f in os.listdir(state) if f.endswith(".xml"))
temps = [f for f in os.listdir(state) if ".tmp-" in f]
assert not (loaded and temps), "temporary files left after a restart: %r" % temps
versions = {}
for f in files:
    name = f[:-4]
    root = ET.parse(os.path.join(state, f)).getroot()      # complete, parseable
    assert root.tag == "domain" and root.findtext("name") == name, f
    desc = root.findtext("description")
    k = int(re.match(r"v(\d+):", desc).group(1))
    assert desc == description(k), "%s: version %d is cut or mixed (%d bytes)" % (f, k, len(desc))
    # The old or the new content: the version acknowledged last, or one
    # in flight when xvmd died, in this round or an earlier one (whose
    # write may have been complete but not acknowledged).
    # Never older than what an earlier round found on disk.
    floor = max(acked.get(name, 0), seen.get(name, 0))
    ok = set(v for v in tried[name] if v >= floor)
    assert k in ok, "%s holds version %d, expected one of %r" % (f, k, sorted(ok))
    versions[name] = k
for name in acked:
    assert name in versions, "%s was acknowledged but has no config file" % name
if loaded:
    import libvirt
    libvirt.registerErrorHandler(lambda *a: None, None)
    c = libvirt.open("xen:///system?socket=%s/virtxend-sock" % d)
    names = sorted(x.name() for x in c.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_PERSISTENT))
    assert names == sorted(versions), "xvmd loaded %r, the files are %r" % (names, sorted(versions))
    for name, k in versions.items():
        desc = ET.fromstring(c.lookupByName(name).XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)).findtext("description")
        assert desc == description(k), "xvmd loaded another version of %s" % name
json.dump(versions, open(d + "/seen.json", "w"))
print("%d files, versions %s, %d temporary" % (len(files), sorted(versions.values()), len(temps)))
PY

round=0
temps_seen=0
while [ $round -lt "$ROUNDS" ]; do
	round=$((round + 1))
	rm -f "$DIR/writer.ready"
	/usr/bin/python3 "$DIR/writer.py" "$DIR" "$DIR" &
	writer=$!
	wait_file "$DIR/writer.ready"
	# Odd rounds: somewhere in a define, 0.1 to 1.1 s after the writer
	# started (a define of these sizes takes tens to hundreds of ms).
	# Even rounds: the moment a temporary config file appears, between
	# its creation and its rename.
	mode=random; [ $((round % 2)) = 0 ] && mode=tmp
	/usr/bin/python3 "$DIR/killer.py" "$DIR/state" "$xvmd_pid" "$mode" >>"$DIR/kills.log" ||
		fail "round $round: no kill"
	wait "$xvmd_pid"
	stack_forget "$xvmd_pid"
	wait "$writer" || fail "round $round: the writer failed"
	out=$(/usr/bin/python3 "$DIR/check.py" "$DIR") || fail "round $round, after the kill: $out"
	case $out in *" 0 temporary") ;; *) temps_seen=$((temps_seen + 1)) ;; esac
	echo "round $round killed: $out"
	rm -f "$DIR/xvmd.pid"
	xvmd_start
	out=$(/usr/bin/python3 "$DIR/check.py" "$DIR" loaded) || fail "round $round, restarted: $out"
	echo "round $round loaded: $out"
done
n=$(grep -c "^ok " "$DIR/writer.log")
echo "$n defines acknowledged, $ROUNDS kills, $temps_seen of them with a temporary file left"
[ "$n" -gt 0 ] || fail "no define ever completed"
# The kills did land between a temporary file's creation and its rename.
[ "$temps_seen" -gt 0 ] || fail "no kill left a temporary file"
