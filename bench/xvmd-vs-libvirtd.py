#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# xvmd-vs-libvirtd.py - xvmd next to libvirtd's test driver, one run.
#
# One python3-libvirt client, sequential calls, against two daemons the
# script starts itself in a scratch directory, each on its own sockets
# (nothing under /run, /etc or /var):
#   xvmd      the whole stack, `./run --run-dir DIR/xvm --detach --no-build`
#             (xvm-simhv, xenstored, xvm-consoled, xvmd), URI
#             xen:///system?socket=DIR/xvm/virtxend-sock
#   libvirtd  Debian's /usr/sbin/libvirtd as a per-user ("session") daemon
#             in a user namespace (as ./run starts its relay libvirtd), its
#             config, state and socket in DIR/libvirtd, URI
#             test+unix:///default?socket=DIR/libvirtd/libvirt-sock
#
# Each run starts both daemons fresh, then for each workload measures
# xvmd and libvirtd in turn, seconds apart (the order alternates from run
# to run), so a change in the machine's background load hits both alike.
# Every call's answer is checked (the right domain, state, memory, XML,
# count); a wrong answer fails the run (exit 1), whatever the timing.
#
# Workloads (domains defined: "small" 10, "big" --domains, default 1000,
# all inactive; each daemon also lists its own running domain: Domain-0,
# the test driver's "test"):
#   null          conn.getLibVersion(): one RPC that does nothing
#   lookup        conn.lookupByName(random defined name)
#   info          dom.info() of a random defined domain
#   xmldesc       dom.XMLDesc(0) of a random defined domain
#   list          conn.listAllDomains(0)
#   define        conn.defineXML(new domain) + dom.undefine(), pairs/s
#   virsh-list    `virsh -c URI list --all` wall time (big only)
#   rss           the daemon's VmRSS with the big set defined, client
#                 connected
#   null, phase "idle": getLibVersion with --idle more clients connected
#                 (each an open libvirt connection that makes no call, as
#                 idle management tools keep): what an idle client costs
#                 each call of the others
# Besides ops/s and p50/p99 latency, each workload records the CPU time
# per call of the daemon (all its threads, /proc/PID/task/*/schedstat)
# and of this client; for virsh, virsh's CPU and the daemon's per run:
# on a loaded machine these say where the time goes better than ops/s.
#
# usage: bench/xvmd-vs-libvirtd.py [options]
#   --runs N        fresh daemons and all workloads N times, median   [3]
#   --seconds S     measured seconds per workload and daemon          [2]
#   --warmup S      unmeasured seconds before each                    [0.3]
#   --domains N     the big set                                       [1000]
#   --virsh N       `virsh list --all` runs per daemon and run        [5]
#   --idle N        idle clients for the "idle" phase                 [1000]
#   --build DIR     xvm's build directory ($XVM_BUILD_DIR, else build)
#   --json FILE     every measurement, one JSON object a line
#   --smoke         a few calls of each workload, 30 big domains: checks
#                   that every workload works and answers right (the
#                   meson test `bench-xvmd-libvirtd-smoke`); no libvirtd
#                   (or no python3-libvirt) is a skip (77)
# Exit status: 0 every answer right, 1 a wrong answer or a daemon that
# failed, 2 set-up failure, 77 skipped (smoke only).
import argparse
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib

try:
    import libvirt
except ImportError:
    libvirt = None

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBVIRTD = "/usr/sbin/libvirtd"
SMALL = 10
MEMORY_KIB = 262144

# About 900 bytes: a PV guest with one disk, one bridged NIC and a
# console; the type is the daemon's ('xen' or 'test').
DOMAIN_XML = """<domain type='{type}'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <memory unit='KiB'>{mem}</memory>
  <currentMemory unit='KiB'>{mem}</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='xenpv'>xen</type>
    <kernel>/var/lib/xvm-bench/vmlinuz-6.1.0</kernel>
    <initrd>/var/lib/xvm-bench/initrd.img-6.1.0</initrd>
    <cmdline>root=/dev/xvda1 ro console=hvc0</cmdline>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='file'/>
      <source file='/var/lib/xvm-bench/images/{name}.img'/>
      <target dev='xvda' bus='xen'/>
    </disk>
    <interface type='bridge'>
      <mac address='{mac}'/>
      <source bridge='xenbr0'/>
      <script path='vif-bridge'/>
    </interface>
    <console type='pty'>
      <target type='xen' port='0'/>
    </console>
  </devices>
</domain>
"""


class BenchError(Exception):
    """A wrong answer or a daemon that misbehaved: the run fails."""


class SetupError(Exception):
    """The benchmark could not start what it measures."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def domain_xml(kind, name, uuid, index):
    mac = "00:16:3e:%02x:%02x:%02x" % ((index >> 16) & 0xFF, (index >> 8) & 0xFF,
                                        index & 0xFF)
    return DOMAIN_XML.format(type=kind, name=name, uuid=uuid, mem=MEMORY_KIB, mac=mac)


def wait_until(what, cond, timeout=60.0):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise SetupError("%s: timed out after %.0f s" % (what, timeout))
        time.sleep(0.05)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise BenchError("no VmRSS for pid %d" % pid)


def cpu_ns(pid):
    """CPU time of every thread of pid so far, ns (schedstat: exact)."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass    # a thread that ended meanwhile
    return total


def try_open(uri):
    try:
        c = libvirt.open(uri)
    except libvirt.libvirtError:
        return None
    return c


# ---- the daemons -----------------------------------------------------------

class Xvmd:
    name = "xvmd"
    dom_type = "xen"
    own_domain = "Domain-0"

    def __init__(self, scratch, build):
        self.dir = os.path.join(scratch, "xvm")
        self.build = build
        self.uri = None
        self.pid = None

    def start(self):
        env = dict(os.environ, XVM_BUILD_DIR=self.build)
        p = subprocess.run([os.path.join(TOP, "run"), "--run-dir", self.dir,
                            "--detach", "--no-build"],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=180)
        if p.returncode != 0:
            raise SetupError("./run --detach failed (%d): %s" % (p.returncode, p.stderr))
        for line in p.stdout.splitlines():
            if line.startswith("LIBVIRT_URI="):
                self.uri = line.split("=", 1)[1]
        if not self.uri:
            raise SetupError("./run printed no LIBVIRT_URI: %s" % p.stdout)
        with open(os.path.join(self.dir, "xvmd.pid")) as f:
            self.pid = int(f.read().strip())

    def stop(self):
        if not os.path.isdir(self.dir):
            return
        subprocess.run([os.path.join(TOP, "run"), "--run-dir", self.dir, "--stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        shutil.rmtree(self.dir, ignore_errors=True)

    def alive(self):
        return self.pid is not None and pid_alive(self.pid)


class Libvirtd:
    name = "libvirtd"
    dom_type = "test"
    own_domain = "test"

    def __init__(self, scratch):
        self.dir = os.path.join(scratch, "libvirtd")
        self.pidfile = os.path.join(scratch, "libvirtd.pid")
        self.sock = os.path.join(self.dir, "libvirt-sock")
        self.uri = "test+unix:///default?socket=" + self.sock
        self.proc = None
        self.pid = None

    def start(self):
        for d in ("run", "config", "cache", "home"):
            os.makedirs(os.path.join(self.dir, d), exist_ok=True)
        conf = os.path.join(self.dir, "libvirtd.conf")
        with open(conf, "w") as f:
            f.write('unix_sock_dir = "%s"\n' % self.dir)
        # A root libvirtd always uses the system paths: as uid 1000 of a
        # user namespace it is a session daemon, every path under dir.
        cmd = ["unshare", "--user", "--map-user=1000", "--map-group=1000",
               "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
               "HOME=" + os.path.join(self.dir, "home"),
               "XDG_RUNTIME_DIR=" + os.path.join(self.dir, "run"),
               "XDG_CONFIG_HOME=" + os.path.join(self.dir, "config"),
               "XDG_CACHE_HOME=" + os.path.join(self.dir, "cache"),
               LIBVIRTD, "--config", conf, "--pid-file", self.pidfile]
        logf = open(os.path.join(self.dir, "..", "libvirtd.log"), "w")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logf,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        logf.close()

        def up():
            if self.proc.poll() is not None:
                raise SetupError("libvirtd exited with %d" % self.proc.returncode)
            c = try_open(self.uri)
            if c:
                c.close()
            return c is not None and os.path.exists(self.pidfile)
        wait_until("libvirtd on " + self.sock, up)
        with open(self.pidfile) as f:
            self.pid = int(f.read().strip())

    def stop(self):
        if self.pid and pid_alive(self.pid):
            os.kill(self.pid, signal.SIGTERM)
            try:
                wait_until("libvirtd stopping", lambda: not pid_alive(self.pid), 15)
            except SetupError:
                os.kill(self.pid, signal.SIGKILL)
        if self.proc:
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.pid = None
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def alive(self):
        return self.pid is not None and pid_alive(self.pid)


# ---- one daemon's client side ----------------------------------------------

class Target:
    """A daemon, its connection and the domains the benchmark defined."""

    def __init__(self, daemon):
        self.d = daemon
        self.conn = libvirt.open(daemon.uri)
        if self.conn is None:
            raise SetupError("cannot connect to " + daemon.uri)
        base = self.conn.listAllDomains(0)
        names = sorted(x.name() for x in base)
        if names != [daemon.own_domain]:
            raise BenchError("%s: a fresh daemon lists %s, expected [%s]"
                             % (daemon.name, names, daemon.own_domain))
        self.base = 1
        self.names = []          # defined by us, in order
        self.uuids = {}          # name -> uuid string
        self.doms = {}           # name -> virDomain
        self.tmp_xml = []        # (name, uuid, xml) for define+undefine

    def define_many(self, count):
        """Defines domains until count are; returns defines/s."""
        t0 = time.perf_counter()
        n0 = len(self.names)
        for i in range(n0, count):
            name = "bench-%05d" % i
            u = str(uuidlib.UUID(int=0x6b3c2a1d10064e5f9a0b000000000000 + i))
            dom = self.conn.defineXML(domain_xml(self.d.dom_type, name, u, i))
            if dom.name() != name or dom.UUIDString() != u:
                raise BenchError("%s: defineXML of %s gave %s %s"
                                 % (self.d.name, name, dom.name(), dom.UUIDString()))
            self.names.append(name)
            self.uuids[name] = u
            self.doms[name] = dom
        dt = time.perf_counter() - t0
        if not self.tmp_xml:
            for i in range(64):
                name = "bench-tmp-%02d" % i
                u = str(uuidlib.UUID(int=0x7c4d3b2e20075f6a8b1c000000000000 + i))
                self.tmp_xml.append((name, u, domain_xml(self.d.dom_type, name, u,
                                                         0x800000 + i)))
        return (count - n0) / dt if dt > 0 else 0.0

    def close(self):
        try:
            self.conn.close()
        except libvirt.libvirtError:
            pass


# Each workload: a function (target, rng) -> call(i), where call runs one
# operation and checks its answer.

def wl_null(t, rng):
    conn = t.conn
    want = conn.getLibVersion()
    if want <= 0:
        raise BenchError("%s: getLibVersion %d" % (t.d.name, want))

    def call(i):
        if conn.getLibVersion() != want:
            raise BenchError("%s: getLibVersion changed" % t.d.name)
    return call


def pick(t, rng, count):
    return [t.names[rng.randrange(len(t.names))] for _ in range(count)]


def wl_lookup(t, rng):
    conn, seq, uuids = t.conn, pick(t, rng, 4096), t.uuids

    def call(i):
        name = seq[i & 4095]
        dom = conn.lookupByName(name)
        if dom.name() != name or dom.UUIDString() != uuids[name]:
            raise BenchError("%s: lookupByName(%s) gave %s" % (t.d.name, name, dom.name()))
    return call


def wl_info(t, rng):
    doms = [t.doms[n] for n in pick(t, rng, 4096)]

    def call(i):
        info = doms[i & 4095].info()
        # [state, maxMem, memory, nrVirtCpu, cpuTime]
        if (info[0] != libvirt.VIR_DOMAIN_SHUTOFF or info[1] != MEMORY_KIB or
                info[2] != MEMORY_KIB or info[3] != 2):
            raise BenchError("%s: info() of %s: %s" % (t.d.name, doms[i & 4095].name(), info))
    return call


def wl_xmldesc(t, rng):
    names = pick(t, rng, 4096)
    doms = [t.doms[n] for n in names]
    marks = ["<name>%s</name>" % n for n in names]
    umarks = ["<uuid>%s</uuid>" % t.uuids[n] for n in names]

    def call(i):
        xml = doms[i & 4095].XMLDesc(0)
        if marks[i & 4095] not in xml or umarks[i & 4095] not in xml or \
                "xenbr0" not in xml:
            raise BenchError("%s: XMLDesc of %s: %s" % (t.d.name, names[i & 4095], xml))
    return call


def wl_list(t, rng):
    conn, want = t.conn, t.base + len(t.names)
    first = sorted(d.name() for d in conn.listAllDomains(0))
    if first != sorted(t.names + [t.d.own_domain]):
        raise BenchError("%s: listAllDomains names differ" % t.d.name)

    def call(i):
        n = len(conn.listAllDomains(0))
        if n != want:
            raise BenchError("%s: listAllDomains gave %d domains, expected %d"
                             % (t.d.name, n, want))
    return call


def wl_define(t, rng):
    conn, pool = t.conn, t.tmp_xml

    def call(i):
        name, u, xml = pool[i & 63]
        dom = conn.defineXML(xml)
        if dom.name() != name or dom.UUIDString() != u:
            raise BenchError("%s: defineXML gave %s" % (t.d.name, dom.name()))
        dom.undefine()
    return call


def wl_define_check(t):
    n = len(t.conn.listAllDomains(0))
    if n != t.base + len(t.names):
        raise BenchError("%s: %d domains after define+undefine, expected %d"
                         % (t.d.name, n, t.base + len(t.names)))


def measure(make, t, seconds, warmup, min_calls, seed):
    """ops/s, p50 and p99 latency in µs, calls, and the CPU per call of
    the daemon (all its threads) and of this client, in µs."""
    rng = random.Random(seed)
    call = make(t, rng)
    clock = time.perf_counter_ns
    i = 0
    if warmup > 0:
        end = clock() + int(warmup * 1e9)
        while clock() < end:
            call(i)
            i += 1
    lat = []
    add = lat.append
    d0, c0 = cpu_ns(t.d.pid), time.process_time_ns()
    t0 = clock()
    end = t0 + int(seconds * 1e9)
    n = 0
    while True:
        a = clock()
        call(i + n)
        b = clock()
        add(b - a)
        n += 1
        if b >= end and n >= min_calls:
            break
    d1, c1 = cpu_ns(t.d.pid), time.process_time_ns()
    lat.sort()
    return {
        "ops": n / ((b - t0) / 1e9),
        "daemon_us": (d1 - d0) / n / 1000.0,
        "client_us": (c1 - c0) / n / 1000.0,
        "p50_us": lat[len(lat) // 2] / 1000.0,
        "p99_us": lat[min(len(lat) - 1, (len(lat) * 99) // 100)] / 1000.0,
        "calls": n,
    }


def virsh_list(t, runs):
    """Wall seconds of each `virsh list --all` (its output checked), and
    the CPU seconds of virsh and of the daemon per run (medians)."""
    want = set(t.names) | {t.d.own_domain}
    times, virsh_cpu, daemon_cpu = [], [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        d0 = cpu_ns(t.d.pid)
        t0 = time.perf_counter()
        p = subprocess.run(["virsh", "-c", t.d.uri, "list", "--all"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=120)
        times.append(time.perf_counter() - t0)
        d1 = cpu_ns(t.d.pid)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        virsh_cpu.append((r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime))
        daemon_cpu.append((d1 - d0) / 1e9)
        if p.returncode != 0:
            raise BenchError("%s: virsh list --all failed: %s" % (t.d.name, p.stderr))
        # " Id   Name   State" / "----" / rows / blank
        rows = [ln.split() for ln in p.stdout.splitlines()[2:] if ln.strip()]
        got = {r[1] for r in rows if len(r) >= 3}
        if got != want or len(rows) != len(want):
            raise BenchError("%s: virsh list --all shows %d domains, expected %d"
                             % (t.d.name, len(rows), len(want)))
    return times, statistics.median(virsh_cpu), statistics.median(daemon_cpu)


# ---- a run -----------------------------------------------------------------

WORKLOADS = [
    ("null", wl_null),
    ("lookup", wl_lookup),
    ("info", wl_info),
    ("xmldesc", wl_xmldesc),
    ("list", wl_list),
]


def one_run(run, args, scratch, with_libvirtd, emit):
    daemons = [Xvmd(scratch, args.build)]
    if with_libvirtd:
        daemons.append(Libvirtd(scratch))
    targets = []
    try:
        for d in daemons:
            d.start()
        targets = [Target(d) for d in daemons]
        # Alternate who goes first, run to run.
        if run % 2:
            targets.reverse()

        def each(phase, wname, make, min_calls):
            for t in targets:
                r = measure(make, t, args.seconds, args.warmup, min_calls,
                            seed=run * 1000 + len(wname))
                r.update(run=run, phase=phase, workload=wname, daemon=t.d.name)
                emit(r)
                if wname == "define":
                    wl_define_check(t)

        for t in targets:
            rate = t.define_many(SMALL)
            emit(dict(run=run, phase="small", workload="bulk-define", daemon=t.d.name,
                      ops=rate))
        for wname, make in WORKLOADS + [("define", wl_define)]:
            each("small", wname, make, args.min_calls)

        for t in targets:
            rate = t.define_many(args.domains)
            emit(dict(run=run, phase="big", workload="bulk-define", daemon=t.d.name,
                      ops=rate))
        for wname, make in WORKLOADS:
            each("big", wname, make, args.min_calls if wname != "list" else
                 max(3, args.min_calls // 10))

        for t in targets:
            times, vcpu, dcpu = virsh_list(t, args.virsh)
            emit(dict(run=run, phase="big", workload="virsh-list", daemon=t.d.name,
                      wall_s=statistics.median(times), all_s=times, virsh_cpu_s=vcpu,
                      daemon_cpu_s=dcpu))
        for t in targets:
            emit(dict(run=run, phase="big", workload="rss", daemon=t.d.name,
                      rss_kib=rss_kib(t.d.pid)))
        for t in targets:
            idle = [libvirt.open(t.d.uri) for _ in range(args.idle)]
            try:
                if any(c is None for c in idle):
                    raise SetupError("cannot connect %d clients to %s"
                                     % (args.idle, t.d.name))
                r = measure(wl_null, t, args.seconds, args.warmup, args.min_calls,
                            seed=run * 1000)
                r.update(run=run, phase="idle", workload="null", daemon=t.d.name)
                emit(r)
            finally:
                for c in idle:
                    c.close()
        for t in targets:
            if not t.d.alive():
                raise BenchError("%s died during the run" % t.d.name)
    finally:
        for t in targets:
            t.close()
        for d in daemons:
            d.stop()


# ---- the table -------------------------------------------------------------

ROWS = [
    # (phase, workload, label, kind, target ratio, higher is better)
    ("small", "null", "getLibVersion (null RPC), calls/s", "ops", 2.0, True),
    ("small", "lookup", "lookupByName, 11 domains, calls/s", "ops", 2.0, True),
    ("small", "info", "dom.info(), 11 domains, calls/s", "ops", 2.0, True),
    ("small", "xmldesc", "dom.XMLDesc(0), 11 domains, calls/s", "ops", 2.0, True),
    ("small", "list", "listAllDomains(0), 11 domains, calls/s", "ops", 2.0, True),
    ("small", "define", "defineXML + undefine, pairs/s", "ops", None, True),
    ("big", "null", "getLibVersion, %(big)d domains, calls/s", "ops", 2.0, True),
    ("big", "lookup", "lookupByName, %(big)d domains, calls/s", "ops", 2.0, True),
    ("big", "info", "dom.info(), %(big)d domains, calls/s", "ops", 2.0, True),
    ("big", "xmldesc", "dom.XMLDesc(0), %(big)d domains, calls/s", "ops", 2.0, True),
    ("big", "list", "listAllDomains(0), %(big)d domains, calls/s", "ops", 3.0, True),
    ("big", "bulk-define", "bulk defineXML to %(big)d domains, defines/s", "ops", None, True),
    ("big", "virsh-list", "`virsh list --all`, %(big)d domains, wall ms", "wall", 0.5, False),
    ("big", "rss", "daemon RSS, %(big)d domains defined, MiB", "rss", 1.0, False),
    ("idle", "null", "getLibVersion, %(idle)d idle clients connected, calls/s", "ops", 2.0,
     True),
]


def idle_count(results):
    return max((r.get("idle", 0) for r in results), default=0)


def table(results, big):
    def get(phase, wl, daemon):
        return [r for r in results if r["phase"] == phase and r["workload"] == wl and
                r["daemon"] == daemon]

    def value(r, kind):
        return {"ops": lambda: r["ops"], "wall": lambda: r["wall_s"] * 1000.0,
                "rss": lambda: r["rss_kib"] / 1024.0}[kind]()

    def fmt(v, kind):
        if kind == "ops":
            return "{:,.0f}".format(v)
        return "%.1f" % v

    out = ["| workload | xvmd | libvirtd (test driver) | xvmd / libvirtd | target | verdict "
           "| p50: libvirtd / xvmd |",
           "|---|---:|---:|---:|---|---|---:|"]
    verdicts = []
    for phase, wl, label, kind, target, higher in ROWS:
        label = label % {"big": big + 1, "idle": idle_count(results)}
        xs, ls = get(phase, wl, "xvmd"), get(phase, wl, "libvirtd")
        if not xs:
            continue
        cell = {}
        for name, rs in (("xvmd", xs), ("libvirtd", ls)):
            if not rs:
                cell[name] = "—"
                continue
            med = statistics.median(value(r, kind) for r in rs)
            text = fmt(med, kind)
            if kind == "ops" and "p50_us" in rs[0]:
                p50 = statistics.median(r["p50_us"] for r in rs)
                p99 = statistics.median(r["p99_us"] for r in rs)
                text += " (%.0f / %.0f µs)" % (p50, p99)
            cell[name] = text
        ratio = None
        if ls:
            per_run = []
            for x in xs:
                l = [r for r in ls if r["run"] == x["run"]]
                if l and value(l[0], kind):
                    per_run.append(value(x, kind) / value(l[0], kind))
            if per_run:
                ratio = statistics.median(per_run)
        rtext = "%.2f" % ratio if ratio is not None else "—"
        # The typical call's speed-up, which the machine's load (the
        # p99 tail: preemption) blurs less than ops/s.
        p50s = []
        for x in xs:
            l = [r for r in ls if r["run"] == x["run"]]
            if l and x.get("p50_us") and "p50_us" in l[0]:
                p50s.append(l[0]["p50_us"] / x["p50_us"])
        ptext = "%.2f" % statistics.median(p50s) if p50s else "—"
        if target is None:
            ttext, verdict = "—", "—"
        else:
            ttext = ("≥ %.0fx" % target) if higher else ("≤ %.2g" % target)
            if ratio is None:
                verdict = "—"
            else:
                ok = ratio >= target if higher else ratio <= target
                verdict = "**met**" if ok else "**missed**"
                verdicts.append((label, ok, ratio))
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (label, cell["xvmd"],
                                                          cell["libvirtd"], rtext, ttext,
                                                          verdict, ptext))
    return "\n".join(out), verdicts


def cpu_table(results, big):
    """CPU per call: where the time goes, daemon and client (medians)."""
    def med(phase, wl, daemon, key):
        v = [r[key] for r in results if r["phase"] == phase and r["workload"] == wl and
             r["daemon"] == daemon and key in r]
        return statistics.median(v) if v else None

    def f(v, scale=1.0):
        return "—" if v is None else "%.1f" % (v * scale)

    def ratio(a, b):
        return "—" if a is None or b is None or not b else "%.1f" % (a / b)

    out = ["| workload | xvmd CPU | libvirtd CPU | libvirtd / xvmd | "
           "client CPU, against xvmd | client CPU, against libvirtd |",
           "|---|---:|---:|---:|---:|---:|"]
    for phase, wl, label, kind, _, _ in ROWS:
        label = label % {"big": big + 1, "idle": idle_count(results)}
        if kind == "ops" and med(phase, wl, "xvmd", "daemon_us") is not None:
            out.append("| %s | %s | %s | %s | %s | %s |" % (
                label.rsplit(",", 1)[0] + ", µs per call",
                f(med(phase, wl, "xvmd", "daemon_us")),
                f(med(phase, wl, "libvirtd", "daemon_us")),
                ratio(med(phase, wl, "libvirtd", "daemon_us"),
                      med(phase, wl, "xvmd", "daemon_us")),
                f(med(phase, wl, "xvmd", "client_us")),
                f(med(phase, wl, "libvirtd", "client_us"))))
        elif kind == "wall" and med(phase, wl, "xvmd", "daemon_cpu_s") is not None:
            out.append("| %s | %s | %s | %s | %s | %s |" % (
                label.rsplit(",", 1)[0] + ", ms per run (client: virsh)",
                f(med(phase, wl, "xvmd", "daemon_cpu_s"), 1000),
                f(med(phase, wl, "libvirtd", "daemon_cpu_s"), 1000),
                ratio(med(phase, wl, "libvirtd", "daemon_cpu_s"),
                      med(phase, wl, "xvmd", "daemon_cpu_s")),
                f(med(phase, wl, "xvmd", "virsh_cpu_s"), 1000),
                f(med(phase, wl, "libvirtd", "virsh_cpu_s"), 1000)))
    return "\n".join(out) if len(out) > 2 else ""


def main():
    ap = argparse.ArgumentParser(description="xvmd next to libvirtd's test driver")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--warmup", type=float, default=0.3)
    ap.add_argument("--domains", type=int, default=1000)
    ap.add_argument("--virsh", type=int, default=5)
    ap.add_argument("--idle", type=int, default=1000)
    ap.add_argument("--build", default=os.environ.get("XVM_BUILD_DIR",
                                                     os.path.join(TOP, "build")))
    ap.add_argument("--json")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--table-only", metavar="JSONL",
                    help="print the table of an earlier run's --json file")
    args = ap.parse_args()
    args.min_calls = 1

    if args.table_only:
        with open(args.table_only) as f:
            results = [json.loads(line) for line in f if line.strip()]
        big = max((r.get("big", 0) for r in results), default=args.domains)
        print(table(results, big)[0])
        print()
        print(cpu_table(results, big))
        return 0

    if args.smoke:
        args.runs, args.seconds, args.warmup = 1, 0.0, 0.0
        args.domains, args.virsh, args.min_calls, args.idle = 30, 1, 50, 20
    if libvirt is None:
        log("python3-libvirt is not installed (Debian: python3-libvirt)")
        return 77 if args.smoke else 2
    with_libvirtd = os.access(LIBVIRTD, os.X_OK) and shutil.which("unshare") is not None
    if not with_libvirtd:
        log("no %s: %s" % (LIBVIRTD, "skipped" if args.smoke else "nothing to compare with"))
        return 77 if args.smoke else 2
    if not shutil.which("virsh"):
        log("no virsh")
        return 77 if args.smoke else 2
    if not os.access(os.path.join(args.build, "src", "xvmd", "xvmd"), os.X_OK):
        log("xvmd is not built in %s" % args.build)
        return 2
    # libvirt prints every error it reports; the benchmark reports its own.
    libvirt.registerErrorHandler(lambda ctx, err: None, None)

    results = []
    jf = open(args.json, "w") if args.json else None

    def emit(r):
        r["big"] = args.domains
        r["idle"] = args.idle
        results.append(r)
        if jf:
            jf.write(json.dumps(r) + "\n")
            jf.flush()
        if "ops" in r:
            log("run %d %-5s %-11s %-8s %10.0f/s%s" % (
                r["run"], r["phase"], r["workload"], r["daemon"], r["ops"],
                "  p50 %.0f µs p99 %.0f µs  CPU/call: daemon %.1f µs client %.1f µs"
                % (r["p50_us"], r["p99_us"], r["daemon_us"], r["client_us"])
                if "p50_us" in r else ""))
        elif "wall_s" in r:
            log("run %d big   virsh-list  %-8s %10.1f ms  CPU: virsh %.0f ms daemon %.0f ms"
                % (r["run"], r["daemon"], r["wall_s"] * 1000, r["virsh_cpu_s"] * 1000,
                   r["daemon_cpu_s"] * 1000))
        else:
            log("run %d big   rss         %-8s %10.1f MiB" % (r["run"], r["daemon"],
                                                            r["rss_kib"] / 1024))

    # The idle phase holds --idle connections open: on both ends, here and
    # in the daemons this process starts.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < 2 * args.idle + 256:
        log("open files are limited to %d: --idle %d cannot be had" % (hard, args.idle))
        return 2
    load = os.getloadavg()
    log("load average at start: %.2f %.2f %.2f" % load)
    scratch = tempfile.mkdtemp(prefix="xvm-bench-")
    try:
        for run in range(1, args.runs + 1):
            one_run(run, args, scratch, with_libvirtd, emit)
    except BenchError as e:
        log("FAIL: %s" % e)
        return 1
    except (SetupError, libvirt.libvirtError, subprocess.TimeoutExpired, OSError) as e:
        log("FAIL: %s" % e)
        return 1 if isinstance(e, libvirt.libvirtError) else 2
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if jf:
            jf.close()
    log("load average at end: %.2f %.2f %.2f" % os.getloadavg())

    text, verdicts = table(results, args.domains)
    print(text)
    print()
    print(cpu_table(results, args.domains))
    if args.smoke:
        print("smoke: every workload answered right on both daemons")
    else:
        missed = [v for v in verdicts if not v[1]]
        print("\n%d of %d targets met" % (len(verdicts) - len(missed), len(verdicts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
