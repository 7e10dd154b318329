#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run-xenstored-bench.sh - xenstore servers side by side, one run.
#
# Benchmarks, one daemon at a time, on the same machine and in the same
# run: our xenstored (build/src/xenstored/xenstored), Xen's C xenstored and
# OCaml oxenstored from xen-utils-4.17 (through the LD_PRELOAD shim of
# ../shared/anchors, see its README) and xsnull, the null server (the
# floor).  Daemon and load generator are pinned to one CPU (taskset -c 0).
# Every workload runs --runs times (default 3) for --seconds (default 3)
# after a 1 s warm-up; the table shows the median of the runs.  A daemon
# that is not available is skipped with a message.
#
# Side by side: each run starts a fresh instance of every daemon, all on
# their own sockets, and then runs each workload against each daemon in
# turn (the order rotates from run to run), so the figures of one workload
# are taken seconds apart and a machine whose background load changes
# (shared CI hosts) skews all daemons alike.  Only the daemon under load
# uses the CPU; the others sit idle in epoll/select.
#
# Xen's daemons only listen on /var/run/xenstored/socket.  Each is started
# in a private mount namespace (unshare -m) in which a scratch directory is
# bind-mounted over /var/run/xenstored, so the socket really is in the
# scratch directory, both can run at once, and a xenstored already serving
# the system socket is neither disturbed nor in the way.
#
# usage: bench/run-xenstored-bench.sh [options]
#   --daemons LIST     comma-separated subset of ours,c,ocaml,null  [all]
#   --runs N           runs per workload (median is reported)        [3]
#   --seconds S        measured seconds per run                      [3]
#   --guests N         guests for populate and the *-big workloads   [1000]
#   --cpu N            CPU to pin daemon and load generator to       [0]
#   --out DIR          keep raw results (results.jsonl, table.md) in DIR
#   --table-only FILE  print the table of an earlier run's results.jsonl
#   --ours PATH        our xenstored binary (default build/src/xenstored/
#                      xenstored, else build-bench/src/xenstored/xenstored)
#   --xsbench PATH, --xsnull PATH   the tools (default: build-bench/bench,
#                      build/bench, else compiled into the scratch dir)
# Exit status: 0 all measured runs clean, 1 some run reported errors,
# 2 usage or set-up failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

daemons=ours,c,ocaml,null
runs=3
seconds=3
warmup=1
guests=1000
cpu=0
out=
ours_bin=
xsbench=
xsnull=
table_only=
xen_bin=/usr/lib/xen-4.17/bin
shim_src=${XEN_SHIM_SRC:-$top/../shared/anchors/xen-shim.c}

die() { echo "run-xenstored-bench: $*" >&2; exit 2; }
say() { echo "== $*" >&2; }

while [ $# -gt 0 ]; do
    case $1 in
    --daemons) daemons=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --guests) guests=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --ours) ours_bin=$2; shift 2 ;;
    --xsbench) xsbench=$2; shift 2 ;;
    --xsnull) xsnull=$2; shift 2 ;;
    --table-only) table_only=$2; shift 2 ;;
    -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next }
                    NR > 2 { exit }' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
done

command -v python3 >/dev/null || die "python3 is needed for the table"
command -v taskset >/dev/null || die "taskset (util-linux) is needed"

scratch=$(mktemp -d /tmp/xsbench.XXXXXX) || die "mktemp failed"
if [ -n "$table_only" ]; then
    [ -r "$table_only" ] || die "cannot read $table_only"
    out=$scratch/results
fi
[ -n "$out" ] || out=$scratch/results
mkdir -p "$out" || die "cannot create $out"
results=$out/results.jsonl
if [ -n "$table_only" ]; then
    cp "$table_only" "$results" || die "cannot copy $table_only"
else
    : > "$results"
fi

declare -A dpid=() dsock=()
cleanup() {
    local d
    for d in "${!dpid[@]}"; do stop_daemon "$d"; done
    rm -rf "$scratch/run" "$scratch/shim" "$scratch/bin"
    [ "$out" = "$scratch/results" ] || rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools ----------------------------------------------------------------
find_tool() {   # name -> path
    local n=$1 d
    for d in "$top/build-bench/bench" "$top/build/bench"; do
        [ -x "$d/$n" ] && { echo "$d/$n"; return; }
    done
    mkdir -p "$scratch/bin"
    ${CC:-cc} -std=gnu11 -O2 -D_GNU_SOURCE -o "$scratch/bin/$n" \
        "$here/$n.c" >&2 || die "cannot build $n"
    echo "$scratch/bin/$n"
}
[ -n "$xsbench" ] || xsbench=$(find_tool xsbench)
[ -n "$xsnull" ] || xsnull=$(find_tool xsnull)
if [ -z "$ours_bin" ]; then
    ours_bin=$top/build/src/xenstored/xenstored
    [ -x "$ours_bin" ] || [ ! -x "$top/build-bench/src/xenstored/xenstored" ] ||
        ours_bin=$top/build-bench/src/xenstored/xenstored
fi

# ---- daemons --------------------------------------------------------------
# start_daemon NAME -> sets dpid[NAME] and dsock[NAME], or returns 1
shim=
build_shim() {
    [ -n "$shim" ] && return 0
    [ -r "$shim_src" ] || { echo "no shim source at $shim_src"; return 1; }
    mkdir -p "$scratch/shim"
    gcc -O2 -fPIC -shared -o "$scratch/shim/xen-shim.so" "$shim_src" -ldl \
        || { echo "cannot build the shim"; return 1; }
    shim=$scratch/shim/xen-shim.so
}

available() {   # NAME -> 0, or 1 with the reason on stdout
    case $1 in
    ours) [ -x "$ours_bin" ] || { echo "$ours_bin not built yet"; return 1; } ;;
    c|ocaml)
        local b=$xen_bin/xenstored
        [ "$1" = ocaml ] && b=$xen_bin/oxenstored
        [ -x "$b" ] || { echo "$b missing (apt-get install xen-utils-4.17)"; return 1; }
        [ "$(id -u)" = 0 ] || { echo "needs root (private mount namespace)"; return 1; }
        unshare -m true 2>/dev/null || { echo "unshare -m does not work here"; return 1; }
        build_shim || return 1 ;;
    null) [ -x "$xsnull" ] || { echo "no xsnull"; return 1; } ;;
    *) echo "unknown daemon"; return 1 ;;
    esac
    return 0
}

start_daemon() {
    local name=$1 dir=$scratch/run/$1 sock
    rm -rf "$dir"; mkdir -p "$dir/sock" "$dir/var"
    sock=$dir/sock/socket
    case $name in
    ours)
        taskset -c "$cpu" "$ours_bin" -N --socket "$sock" -F "$dir/var/pid" \
            >"$dir/log" 2>&1 &
        ;;
    null)
        taskset -c "$cpu" "$xsnull" --socket "$sock" >"$dir/log" 2>&1 &
        ;;
    c)
        taskset -c "$cpu" unshare -m sh -c '
            mount --make-rprivate / &&
            mkdir -p /var/run/xenstored &&
            mount --bind "$1" /var/run/xenstored &&
            exec env LD_PRELOAD="$2" "$3" -N -F "$4"' sh \
            "$dir/sock" "$shim" "$xen_bin/xenstored" "$dir/var/pid" \
            >"$dir/log" 2>&1 &
        ;;
    ocaml)
        sed -e "s|^pid-file *=.*|pid-file = $dir/var/oxenstored.pid|" \
            /etc/xen/oxenstored.conf > "$dir/oxenstored.conf" 2>/dev/null ||
            printf 'pid-file = %s\n' "$dir/var/oxenstored.pid" > "$dir/oxenstored.conf"
        cat >> "$dir/oxenstored.conf" <<EOF
xenstored-log-file = $dir/var/xenstored.log
xenstored-log-level = warn
access-log-file = $dir/var/xenstored-access.log
EOF
        taskset -c "$cpu" unshare -m sh -c '
            mount --make-rprivate / &&
            mkdir -p /var/run/xenstored &&
            mount --bind "$1" /var/run/xenstored &&
            cd "$4" &&
            exec env LD_PRELOAD="$2" "$3" --no-fork --no-access-log \
                --config-file "$5"' sh \
            "$dir/sock" "$shim" "$xen_bin/oxenstored" "$dir/var" \
            "$dir/oxenstored.conf" >"$dir/log" 2>&1 &
        ;;
    esac
    dpid[$name]=$!
    dsock[$name]=$sock
    local i
    for i in $(seq 100); do
        if ! kill -0 "${dpid[$name]}" 2>/dev/null; then
            echo "$name exited at start-up:"; sed 's/^/    /' "$dir/log"
            unset "dpid[$name]"; return 1
        fi
        if [ -S "$sock" ] && "$xsbench" --socket "$sock" --probe 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "$name does not answer on $sock"; stop_daemon "$name"; return 1
}

stop_daemon() {   # NAME: stops the daemon we started, by its pid
    local pid=${dpid[$1]:-} i
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    unset "dpid[$1]"
}

# ---- workloads ------------------------------------------------------------
# id | xsbench arguments
workloads=(
    "read-1x1|--workload read --conns 1 --depth 1"
    "read-8x16|--workload read --conns 8 --depth 16"
    "write-1x1|--workload write --conns 1 --depth 1"
    "write-8x16|--workload write --conns 8 --depth 16"
    "directory-8x16|--workload directory --conns 8 --depth 16"
    "txn-8x4|--workload txn --conns 8 --depth 4"
    "contended-16|--workload contended --conns 16 --depth 1"
    "watch-100|--workload watch --conns 100 --depth 1"
    "populate|--workload populate --conns 4 --depth 16"
    "read-big-1x1|--workload read-big --conns 1 --depth 1"
    "write-big-1x1|--workload write-big --conns 1 --depth 1"
    "list-big-1x1|--workload list-big --conns 1 --depth 1"
)

failed=0
run_workload() {   # daemon run id args...
    local d=$1 r=$2 id=$3; shift 3
    local extra=()
    [ "$id" = populate ] && extra=(--pid "${dpid[$d]}")
    if [ "$d" = null ] && [ "$id" = watch-100 ]; then
        return   # the null server sends no watch events
    fi
    local line rc
    line=$(taskset -c "$cpu" "$xsbench" --socket "${dsock[$d]}" "$@" \
               --seconds "$seconds" --warmup "$warmup" --guests "$guests" \
               "${extra[@]}" --json 2>"$scratch/xsbench.err")
    rc=$?
    if [ $rc -ne 0 ] || [ -z "$line" ]; then
        failed=1
        echo "   $id: FAILED (exit $rc): $(tr '\n' ' ' < "$scratch/xsbench.err")" >&2
        [ -n "$line" ] || line='{"status":"failed"}'
    fi
    printf '{"daemon":"%s","run":%s,"id":"%s","exit":%s,"result":%s}\n' \
        "$d" "$r" "$id" "$rc" "$line" >> "$results"
    python3 - "$line" "$id $d" >&2 <<'EOF'
import json, sys
try:
    j = json.loads(sys.argv[1])
except Exception:
    sys.exit(0)
if j.get("workload") == "populate":
    print("   %-21s %8.2f s  rss %.1f MiB  retries %d  %s" % (sys.argv[2],
          j["total_s"], j["rss_kib"] / 1024, j["retries"], j["status"]))
elif "rate" in j:
    print("   %-21s %10.0f %-8s p50 %7.1f us  p99 %7.1f us  %s" % (sys.argv[2],
          j["rate"], j["unit"], j["p50_us"], j["p99_us"], j["status"]))
EOF
}

IFS=, read -r -a want <<< "$daemons"
[ -z "$table_only" ] || want=()
avail=()
declare -A skipped=()
for d in "${want[@]}"; do
    # not in $(...): available sets variables (shim)
    if available "$d" > "$scratch/why" 2>&1; then
        avail+=("$d")
    else
        skipped[$d]=$(tr '\n' ' ' < "$scratch/why")
        say "skipping $d: ${skipped[$d]}"
    fi
done
[ ${#avail[@]} -gt 0 ] || [ -n "$table_only" ] || die "no daemon to measure"
[ -n "$table_only" ] || say "load average at start: $(cat /proc/loadavg)"
[ -z "$table_only" ] || runs=0
for r in $(seq "$runs"); do
    # this run's order: rotated by one per run
    k=$(( (r - 1) % ${#avail[@]} ))
    order=("${avail[@]:k}" "${avail[@]:0:k}")
    up=()
    for d in "${order[@]}"; do
        [ -n "${skipped[$d]:-}" ] && continue
        # not in $(...): the daemon must be our child
        if start_daemon "$d" > "$scratch/why" 2>&1; then
            up+=("$d")
        else
            skipped[$d]=$(tr '\n' ' ' < "$scratch/why")
            say "skipping $d: ${skipped[$d]}"
        fi
    done
    say "run $r of $runs: ${up[*]}"
    for w in "${workloads[@]}"; do
        for d in "${up[@]}"; do
            [ -n "${dpid[$d]:-}" ] || continue
            run_workload "$d" "$r" "${w%%|*}" ${w#*|}
            if ! kill -0 "${dpid[$d]}" 2>/dev/null; then
                say "$d died during ${w%%|*}; log:"
                sed 's/^/    /' "$scratch/run/$d/log" >&2
                unset "dpid[$d]"
                failed=1
            fi
        done
    done
    for d in "${up[@]}"; do stop_daemon "$d"; done
    say "load average after run $r: $(cat /proc/loadavg)"
done

# ---- table ------------------------------------------------------------------
skipped_list=
for d in "${!skipped[@]}"; do skipped_list+="$d: ${skipped[$d]}"$'\n'; done
python3 - "$results" "$runs" "$seconds" "$guests" "$skipped_list" \
    > "$out/table.md" <<'EOF'
import json, statistics, sys
results, runs, seconds, guests, skipped = sys.argv[1:6]
rows = [json.loads(l) for l in open(results) if l.strip()]
runs = str(len({r["run"] for r in rows}))
for r in rows:
    if r["exit"] == 0 and r["result"].get("workload") != "populate":
        seconds = "%g" % round(r["result"]["seconds"])
        break
names = {"ours": "ours", "c": "C xenstored", "ocaml": "OCaml oxenstored",
         "null": "null (xsnull)"}
order = ["ours", "c", "ocaml", "null"]
data = {}
for r in rows:
    data.setdefault((r["daemon"], r["id"]), []).append(r)

def med(d, wid, key):
    vals = [r["result"][key] for r in data.get((d, wid), [])
            if r["exit"] == 0 and key in r["result"]]
    return statistics.median(vals) if vals else None

def ratio(d, other, wid, key):
    """median over runs of the per-run ratio: the daemons of one run are
    measured seconds apart, so a per-run ratio cancels slow load drift"""
    by_run = {}
    for r in data.get((d, wid), []) + data.get((other, wid), []):
        if r["exit"] == 0 and key in r["result"]:
            by_run.setdefault(r["run"], {})[r["daemon"]] = r["result"][key]
    q = [v[d] / v[other] for v in by_run.values()
         if d in v and other in v and v[other]]
    return statistics.median(q) if q else None

def failed(d, wid):
    return any(r["exit"] != 0 for r in data.get((d, wid), []))

def fmt(v, kind):
    if v is None:
        return None
    if kind == "rate":
        return f"{v:,.0f}"
    if kind == "s":
        return f"{v:.2f} s"
    if kind == "mib":
        return f"{v / 1024:.1f} MiB"
    if kind == "pct":
        return f"{100 * v:.1f}%"
    if kind == "us":
        return f"{v:.0f}"
    return str(v)

# label, workload id, key, kind, secondary key/kind (shown in parentheses)
spec = [
    ("read 1x1 ops/s (p50 µs)", "read-1x1", "rate", "rate", "p50_us", "us"),
    ("read 8x16 ops/s", "read-8x16", "rate", "rate", None, None),
    ("write 1x1 ops/s (p50 µs)", "write-1x1", "rate", "rate", "p50_us", "us"),
    ("write 8x16 ops/s", "write-8x16", "rate", "rate", None, None),
    ("directory of 100 children 8x16 ops/s", "directory-8x16", "rate", "rate", None, None),
    ("transactions 8x4 txn/s", "txn-8x4", "rate", "rate", None, None),
    ("contended, 16 clients: txn/s (EAGAIN rate)", "contended-16", "rate", "rate", "eagain_rate", "pct"),
    ("watch events/s, 100 watchers, depth 16", "watch-100", "rate", "rate", None, None),
    ("read 1x1 on a %s-guest tree ops/s" % guests, "read-big-1x1", "rate", "rate", None, None),
    ("write 1x1 on a %s-guest tree ops/s" % guests, "write-big-1x1", "rate", "rate", None, None),
    ("list /local/domain (%s children) 1x1 ops/s" % guests, "list-big-1x1", "rate", "rate", None, None),
    ("populate %s guests (137 requests each), 4x16 — lower is better" % guests, "populate", "total_s", "s", None, None),
    ("RSS after populating %s guests — lower is better" % guests, "populate", "rss_kib", "mib", None, None),
]
present = [d for d in order if any(k[0] == d for k in data)]
head = ["workload"] + [names[d] for d in present]
ratio_cols = []
if "ours" in present and "c" in present:
    ratio_cols.append(("c", "ours / C"))
if "ours" in present and "null" in present:
    ratio_cols.append(("null", "ours / null"))
head += [t for _, t in ratio_cols]
print("| " + " | ".join(head) + " |")
print("|---|" + "---:|" * (len(head) - 1))
for label, wid, key, kind, k2, kind2 in spec:
    cells = [label]
    vals = {}
    for d in present:
        v = med(d, wid, key)
        vals[d] = v
        if v is None:
            if failed(d, wid):
                cells.append("failed")
            elif d == "null" and wid == "watch-100":
                cells.append("n/a")
            else:
                cells.append("—")
            continue
        if d == "null" and kind == "mib":
            cells.append("n/a")
            vals[d] = None
            continue
        c = fmt(v, kind)
        if k2:
            v2 = med(d, wid, k2)
            if v2 is not None:
                c += f" ({fmt(v2, kind2)})"
        if failed(d, wid):
            c += " (some runs failed)"
        cells.append(c)
    for other, _ in ratio_cols:
        q = ratio("ours", other, wid, key) if vals.get(other) else None
        cells.append(f"{q:.2f}" if q is not None else "—")
    print("| " + " | ".join(cells) + " |")
print()
print(f"Median of {runs} runs of {seconds} s (after 1 s of warm-up) each; "
      "daemon and load generator pinned to one CPU; fresh daemons per run, "
      "daemons interleaved workload by workload. Ratios: median over the "
      "runs of the ratio within each run.")
for line in skipped.strip().splitlines():
    print(f"Not measured: {line}")
EOF
echo
cat "$out/table.md"
[ -z "$table_only" ] || exit 0
echo
echo "raw results: $results" >&2
exit $failed
