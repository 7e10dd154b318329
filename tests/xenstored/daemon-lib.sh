# Shell functions to start and stop a private xenstored for tests.
# Sourced by run-daemon.sh and test-persistent.sh (POSIX sh).
#
#   xs_setup DAEMON          DAEMON: path of our xenstored, or "cxenstored"
#                            for Xen's C xenstored (the reference) through
#                            the anchor shim.  Creates $XSTEST_DIR (fresh
#                            temporary directory, removed by xs_cleanup).
#   xs_start [ARGS...]       starts the daemon on $XSTEST_DIR/socket, waits
#                            for the socket to answer; sets XENSTORED_PID and
#                            exports XENSTORED_PATH, XENSTORED_PID and
#                            XSTEST_DAEMON (xvm | cxenstored).
#   xs_alive                 true while the daemon runs (not a zombie)
#   xs_stop                  SIGTERM by pid, waits; fails (returns 1) when the
#                            daemon had died before, or exits non-zero, or
#                            does not exit within $XSTEST_STOP_TIMEOUT s.
#   xs_cleanup               kills a daemon still running, removes the dir.
#
# Environment: XSTEST_VALGRIND=1 runs our daemon under valgrind (memcheck,
# definite leaks and errors make it exit 99); XSTEST_SHIM: a built
# xen-shim.so for cxenstored (else built from XSTEST_SHIM_SRC, default
# /work/shared/anchors/xen-shim.c); XSTEST_DAEMON_ARGS: extra options.
#
# Never touches /run/xenstored or /var/run/xenstored: the C xenstored takes
# its socket path from XENSTORED_PATH too.

XS_CXENSTORED=${XS_CXENSTORED:-/usr/lib/xen-4.17/bin/xenstored}

xs_log() { echo "xstest: $*" >&2; }

xs_setup() {
	XSTEST_DAEMON_BIN=$1
	XSTEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xstest.XXXXXX") || return 1
	export XSTEST_DIR
	if [ "$XSTEST_DAEMON_BIN" = cxenstored ]; then
		XSTEST_DAEMON=cxenstored
		[ -x "$XS_CXENSTORED" ] || { xs_log "no $XS_CXENSTORED"; return 77; }
		if [ -z "${XSTEST_SHIM:-}" ]; then
			XSTEST_SHIM=$XSTEST_DIR/xen-shim.so
			gcc -O2 -fPIC -shared -o "$XSTEST_SHIM" \
			    "${XSTEST_SHIM_SRC:-/work/shared/anchors/xen-shim.c}" -ldl ||
				return 77
		fi
	else
		XSTEST_DAEMON=xvm
		[ -x "$XSTEST_DAEMON_BIN" ] || { xs_log "no daemon $XSTEST_DAEMON_BIN"; return 1; }
	fi
	export XSTEST_DAEMON
	XENSTORED_PID=
	return 0
}

# The process state letter of a pid ("" when gone).
xs_state() {
	[ -r "/proc/$1/stat" ] || return 0
	sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null
}

xs_alive() {
	[ -n "$XENSTORED_PID" ] || return 1
	case $(xs_state "$XENSTORED_PID") in
		''|Z|X) return 1 ;;
	esac
	return 0
}

xs_start() {
	_xs_sock=$XSTEST_DIR/socket
	rm -f "$_xs_sock"
	_xs_n=$(ls "$XSTEST_DIR" | grep -c '^daemon.*\.log$')
	XSTEST_LOG=$XSTEST_DIR/daemon$_xs_n.log
	_xs_wait_s=10
	if [ "$XSTEST_DAEMON" = cxenstored ]; then
		# The C xenstored keeps its tdb in its working directory.
		( cd "$XSTEST_DIR" &&
		  exec env XENSTORED_PATH="$_xs_sock" LD_PRELOAD="$XSTEST_SHIM" \
			"$XS_CXENSTORED" -N -F "$XSTEST_DIR/pid" \
			-T "$XSTEST_DIR/trace" ${XSTEST_DAEMON_ARGS:-} "$@" \
			>"$XSTEST_LOG" 2>&1 ) &
	elif [ "${XSTEST_VALGRIND:-0}" = 1 ]; then
		_xs_wait_s=60
		XSTEST_VGLOG=$XSTEST_DIR/valgrind$_xs_n.log
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
			--error-exitcode=99 --log-file="$XSTEST_VGLOG" \
			"$XSTEST_DAEMON_BIN" -N --socket "$_xs_sock" \
			-F "$XSTEST_DIR/pid" -T "$XSTEST_DIR/trace" \
			${XSTEST_DAEMON_ARGS:-} "$@" >"$XSTEST_LOG" 2>&1 &
	else
		"$XSTEST_DAEMON_BIN" -N --socket "$_xs_sock" -F "$XSTEST_DIR/pid" \
			-T "$XSTEST_DIR/trace" ${XSTEST_DAEMON_ARGS:-} "$@" \
			>"$XSTEST_LOG" 2>&1 &
	fi
	XENSTORED_PID=$!
	export XENSTORED_PID
	XENSTORED_PATH=$_xs_sock
	export XENSTORED_PATH
	_xs_i=0
	while [ $_xs_i -lt $((_xs_wait_s * 20)) ]; do
		if ! xs_alive; then
			wait "$XENSTORED_PID"
			xs_log "daemon exited at start-up (status $?):"
			cat "$XSTEST_LOG" >&2
			XENSTORED_PID=
			return 1
		fi
		[ -S "$_xs_sock" ] && return 0
		sleep 0.05
		_xs_i=$((_xs_i + 1))
	done
	xs_log "daemon did not create $_xs_sock within ${_xs_wait_s}s"
	cat "$XSTEST_LOG" >&2
	return 1
}

xs_stop() {
	[ -n "$XENSTORED_PID" ] || { xs_log "no daemon to stop"; return 1; }
	_xs_pid=$XENSTORED_PID
	XENSTORED_PID=
	_xs_died=0
	case $(xs_state "$_xs_pid") in
		''|Z|X) _xs_died=1 ;;
	esac
	if [ $_xs_died = 1 ]; then
		wait "$_xs_pid"
		_xs_st=$?
		xs_log "daemon $_xs_pid DIED during the test (status $_xs_st)"
		cat "$XSTEST_LOG" >&2
		[ -n "${XSTEST_VGLOG:-}" ] && cat "$XSTEST_VGLOG" >&2
		return 1
	fi
	kill -TERM "$_xs_pid"
	_xs_i=0
	while [ $_xs_i -lt $((${XSTEST_STOP_TIMEOUT:-30} * 20)) ]; do
		case $(xs_state "$_xs_pid") in
			''|Z|X) break ;;
		esac
		sleep 0.05
		_xs_i=$((_xs_i + 1))
	done
	case $(xs_state "$_xs_pid") in
		''|Z|X) ;;
		*) xs_log "daemon $_xs_pid ignored SIGTERM; killing it"
		   kill -KILL "$_xs_pid" ;;
	esac
	wait "$_xs_pid"
	_xs_st=$?
	# Xen's C xenstored does not catch SIGTERM (status 143); ours must
	# exit cleanly with status 0.
	[ "$XSTEST_DAEMON" = cxenstored ] && [ "$_xs_st" -eq 143 ] && _xs_st=0
	if [ "$_xs_st" -ne 0 ]; then
		xs_log "daemon exited with status $_xs_st on SIGTERM"
		cat "$XSTEST_LOG" >&2
		[ -n "${XSTEST_VGLOG:-}" ] && cat "$XSTEST_VGLOG" >&2
		return 1
	fi
	if [ -n "${XSTEST_VGLOG:-}" ] && [ -s "$XSTEST_VGLOG" ]; then
		xs_log "valgrind reported (not counted as errors):"
		cat "$XSTEST_VGLOG" >&2
	fi
	return 0
}

xs_cleanup() {
	if [ -n "${XENSTORED_PID:-}" ] && xs_alive; then
		kill -KILL "$XENSTORED_PID" 2>/dev/null
		wait "$XENSTORED_PID" 2>/dev/null
	fi
	XENSTORED_PID=
	if [ -n "${XSTEST_DIR:-}" ] && [ "${XSTEST_KEEP:-0}" != 1 ]; then
		rm -rf "$XSTEST_DIR"
	elif [ -n "${XSTEST_DIR:-}" ]; then
		xs_log "kept $XSTEST_DIR"
	fi
}
