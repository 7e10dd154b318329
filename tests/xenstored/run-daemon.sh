#!/bin/sh
# Runs one test against a private xenstored.
#
#   run-daemon.sh [--valgrind] [--keep] DAEMON [--daemon-args "ARGS"] -- TEST [ARGS...]
#
# DAEMON is the path of our xenstored, or "cxenstored" for Xen's C xenstored
# (the reference behaviour, through the anchor shim).  The daemon is started
# in a fresh temporary directory with -N --socket DIR/socket -F DIR/pid
# -T DIR/trace; TEST then runs with XENSTORED_PATH, XENSTORED_PID,
# XSTEST_DAEMON (xvm | cxenstored) and XSTEST_DIR exported.  Afterwards the
# daemon is stopped by pid with SIGTERM.
#
# Exit status: TEST's status (77 = skipped), else 1 when the daemon died
# during the test or did not exit with status 0 on SIGTERM (under
# --valgrind: 99 when valgrind found errors or definite leaks).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/daemon-lib.sh"

XSTEST_VALGRIND=0
while [ $# -gt 0 ]; do
	case $1 in
		--valgrind) XSTEST_VALGRIND=1; shift ;;
		--keep) XSTEST_KEEP=1; shift ;;
		*) break ;;
	esac
done
export XSTEST_VALGRIND
[ $# -ge 3 ] || { echo "usage: $0 [--valgrind] [--keep] DAEMON [--daemon-args ARGS] -- TEST [ARGS...]" >&2; exit 2; }
daemon=$1
shift
if [ "$1" = --daemon-args ]; then
	XSTEST_DAEMON_ARGS=$2
	shift 2
fi
[ "$1" = -- ] || { echo "$0: expected -- before the test" >&2; exit 2; }
shift

trap 'xs_cleanup' EXIT
trap 'exit 130' INT TERM

xs_setup "$daemon" || exit $?
[ "$XSTEST_VALGRIND" = 1 ] && [ "$XSTEST_DAEMON" = xvm ] &&
	{ command -v valgrind >/dev/null || { echo "no valgrind" >&2; exit 1; }; }
xs_start || exit 1

"$@"
rc=$?

if ! xs_stop; then
	[ "$XSTEST_VALGRIND" = 1 ] && [ -n "${XSTEST_VGLOG:-}" ] &&
		grep -q . "$XSTEST_VGLOG" && exit 99
	exit 1
fi
exit $rc
