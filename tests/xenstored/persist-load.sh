#!/bin/sh
# Benchmark (not a meson test: timing depends on the machine's load):
# how long our xenstored takes to load a persistent store of N nodes.
#
#   persist-load.sh XENSTORED XS_BULK [N [LIMIT_S]]   (default 1000000, 2 s)
#
# Fills DIR with N nodes (xs-bulk, pipelined; XS_BULK_BATCH=K to write in
# transactions), stops the daemon, then measures three restarts: the time
# from exec until the socket answers a READ of the last node written.
# Prints the figures; exit 1 when the median exceeds LIMIT_S.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/daemon-lib.sh"
[ $# -ge 2 ] || { echo "usage: $0 XENSTORED XS_BULK [N [LIMIT_S]]" >&2; exit 2; }
bulk=$2
nodes=${3:-1000000}
limit=${4:-2}
trap 'xs_cleanup' EXIT
trap 'exit 130' INT TERM
xs_setup "$1" || exit $?
store=$XSTEST_DIR/store
mkdir "$store"

now() { date +%s.%N; }

echo "persist-load: writing $nodes nodes into $store ..."
t0=$(now)
xs_start --persistent "$store" || exit 1
"$bulk" write /load "$nodes" || exit 1
xs_stop || exit 1
echo "persist-load: filled in $(echo "$(now) - $t0" | bc) s; store: $(du -sh "$store" | cut -f1)"

last=/load/d$(( (nodes - 1) / 1000 ))/k$((nodes - 1))
times=
for run in 1 2 3; do
	t0=$(now)
	xs_start --persistent "$store" || exit 1
	while ! "$bulk" ping "$last" 2>/dev/null; do
		xs_alive || { echo "persist-load: daemon died" >&2; exit 1; }
		sleep 0.01
	done
	dt=$(echo "$(now) - $t0" | bc)
	rss=$(sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$XENSTORED_PID/status")
	echo "persist-load: run $run: loaded $nodes nodes in $dt s (RSS $rss)"
	times="$times $dt"
	xs_stop || exit 1
done
median=$(printf '%s\n' $times | sort -n | sed -n 2p)
echo "persist-load: median load time ${median} s for $nodes nodes (limit $limit s)"
[ "$(echo "$median <= $limit" | bc)" = 1 ]
