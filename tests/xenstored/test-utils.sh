#!/bin/sh
# Debian's xenstore-utils against the daemon at $XENSTORED_PATH (started by
# run-daemon.sh), outputs compared exactly.  Expected outputs are those of
# the same tools against Xen 4.17's C xenstored.
set -u
: "${XENSTORED_PATH:?run me through run-daemon.sh}"
command -v xenstore-read >/dev/null || { echo "no xenstore-utils" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xstest-utils.XXXXXX")
watch_pid=
cleanup() {
	[ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
cases=0

# check NAME EXPECTED-STATUS EXPECTED-OUTPUT COMMAND...   (stdout only)
check() {
	name=$1 want_rc=$2 want=$3
	shift 3
	cases=$((cases + 1))
	got=$("$@" 2>"$tmp/err")
	rc=$?
	if [ "$rc" != "$want_rc" ] || [ "$got" != "$want" ]; then
		failures=$((failures + 1))
		echo "not ok $cases $name: $*"
		echo "#   expected status $want_rc, output:"; printf '%s\n' "$want" | sed 's/^/#     |/'
		echo "#   got status $rc, output:"; printf '%s\n' "$got" | sed 's/^/#     |/'
		sed 's/^/#   stderr: /' "$tmp/err"
	else
		echo "ok $cases $name"
	fi
}

R=/xstest-utils
xenstore-rm $R 2>/dev/null

# write / read
check write-multi 0 "" xenstore-write $R/a 1 $R/b/c "two words" $R/e ""
check read 0 "1" xenstore-read $R/a
check read-multi 0 "1
two words" xenstore-read $R/a $R/b/c
check read-empty 0 "" xenstore-read $R/e
check read-implicit-parent 0 "" xenstore-read $R/b
check read-prefix 0 "$R/a: 1" xenstore-read -p $R/a
check read-missing 1 "" xenstore-read $R/nonexistent
check read-missing-after-good 1 "1" xenstore-read $R/a $R/nonexistent
check write-odd-args 1 "" xenstore-write $R/x
tab=$(printf 'a\tb')
check write-tab 0 "" xenstore-write $R/t "$tab"
check read-tab-escaped 0 'a\tb' xenstore-read $R/t
check read-raw 0 "$tab" xenstore-read -R $R/t
check ls-escaped 0 'a = "1"
b = ""
 c = "two words"
e = ""
t = "a\tb"' xenstore-ls $R
xenstore-rm $R/t

# list / ls
check list 0 "a
b
e" xenstore-list $R
check list-prefix 0 "$R/a
$R/b
$R/e" xenstore-list -p $R
check list-leaf 0 "" xenstore-list $R/a
check list-missing 1 "" xenstore-list $R/nonexistent
check ls 0 'a = "1"
b = ""
 c = "two words"
e = ""' xenstore-ls $R
check ls-full 0 "$R/a = \"1\"
$R/b = \"\"
$R/b/c = \"two words\"
$R/e = \"\"" xenstore-ls -f $R
check ls-perms 0 'a = "1"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0)
b = "" . . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0)
 c = "two words" . . . . . . . . . . . . . . . . . . . . . .  (n0)
e = "" . . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0)' xenstore-ls -p $R
check ls-missing 1 "" xenstore-ls $R/nonexistent

# exists
check exists 0 "" xenstore-exists $R/a
check exists-dir 0 "" xenstore-exists $R/b
check exists-missing 1 "" xenstore-exists $R/nonexistent

# chmod
check chmod 0 "" xenstore-chmod $R/a n0 r5
check chmod-ls 0 'a = "1"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0,r5)' \
	sh -c "xenstore-ls -p $R | grep '^a '"
check chmod-many 0 "" xenstore-chmod $R/e b0 r1 w2 n3
check chmod-many-ls 0 'e = "" . . . . . . . . . . . . . . . . . . . . . . . . . . .  (b0,r1,w2,n3)' \
	sh -c "xenstore-ls -p $R | grep '^e '"
check chmod-recursive 0 "" xenstore-chmod -r $R/b r0
check chmod-recursive-ls 0 'b = "" . . . . . . . . . . . . . . . . . . . . . . . . . . .  (r0)
 c = "two words" . . . . . . . . . . . . . . . . . . . . . .  (r0)' \
	sh -c "xenstore-ls -p $R | grep '^ \?[bc] '"
check chmod-bad 1 "" xenstore-chmod $R/a x0
check chmod-missing 1 "" xenstore-chmod $R/nonexistent n0
check chmod-unchanged 0 'a = "1"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0,r5)' \
	sh -c "xenstore-ls -p $R | grep '^a '"

# rm
check rm 0 "" xenstore-rm $R/b
check rm-gone 0 "a
e" xenstore-list $R
check rm-missing 0 "" xenstore-rm $R/nonexistent
check rm-missing-parent 1 "" xenstore-rm $R/nonexistent/child
xenstore-write $R/deep/x/y/z v
check rm-tree 0 "" xenstore-rm -t $R/deep/x/y/z
check rm-tree-gone 1 "" xenstore-exists $R/deep
check rm-root 1 "" xenstore-rm /

# invalid paths
check read-invalid 1 "" xenstore-read "$R//a"
check write-invalid 1 "" xenstore-write "$R/a b" v

# watch: -n N exits after N events; the first one is the registration.
watch_run() {  # OUT N PATH...
	out=$1
	shift
	xenstore-watch "$@" >"$out" 2>&1 &
	watch_pid=$!
	i=0
	while [ ! -s "$out" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
watch_wait() {
	i=0
	while kill -0 "$watch_pid" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05; i=$((i + 1))
	done
	if kill -0 "$watch_pid" 2>/dev/null; then
		kill "$watch_pid"
		wait "$watch_pid"
		watch_pid=
		return 1
	fi
	wait "$watch_pid"
	rc=$?
	watch_pid=
	return $rc
}
watch_run "$tmp/w1" -n 3 $R/w
xenstore-write $R/w/a 1
xenstore-write $R/other 1
xenstore-write $R/w/b/c 2
watch_wait; echo "watcher exit status: $?" >>"$tmp/w1"
check watch-events 0 "$R/w
$R/w/a
$R/w/b/c
watcher exit status: 0" cat "$tmp/w1"
# Removal of the watched node's parent; chmod.
watch_run "$tmp/w2" -n 3 $R/w/a
xenstore-chmod $R/w/a n0 r1
xenstore-rm $R/w
watch_wait; echo "watcher exit status: $?" >>"$tmp/w2"
check watch-rm-chmod 0 "$R/w/a
$R/w/a
$R/w/a
watcher exit status: 0" cat "$tmp/w2"
# -n 1: only the registration event.
check watch-n1 0 "$R/nonexistent" timeout 10 xenstore-watch -n 1 $R/nonexistent

xenstore-rm $R
echo "1..$cases"
[ $failures -eq 0 ] || { echo "# $failures of $cases failed"; exit 1; }
