#!/usr/bin/env python3
"""Drives `virsh console` on a pseudo-terminal (virsh needs a tty).

Usage: console-pty.py URI DOMAIN LOG [--force|--safe] STEP...

Steps, in order:
  expect:TEXT   wait (up to $XVM_CONSOLE_WAIT s, default 60) for TEXT in
                the output so far; fails (exit 98) when it does not come
  send:TEXT     type TEXT ("\\r" for Enter), once virsh's terminal is raw
  touch:FILE    create FILE (tells a test this step was reached)
  pid:FILE      write virsh's pid to FILE
  wait:FILE     wait for FILE to exist (same timeout)
  escape        type ^] (virsh's escape), once virsh's terminal is raw
Then it waits for virsh to exit (same timeout, else kills it: exit 97)
and exits with virsh's status. Everything virsh wrote goes to LOG.
"""
import os
import pty
import select
import signal
import sys
import termios
import time

uri, domain, log = sys.argv[1:4]
args = sys.argv[4:]
flags = [a for a in args if a in ("--force", "--safe")]
steps = [a for a in args if a not in ("--force", "--safe")]
limit = float(os.environ.get("XVM_CONSOLE_WAIT", "60"))

pid, fd = pty.fork()
if pid == 0:
    os.execvp("virsh", ["virsh", "-c", uri, "console", domain] + flags)

out = bytearray()
eof = False


def save():
    with open(log, "wb") as f:
        f.write(out)


def pump(timeout):
    """Reads what virsh wrote for up to timeout seconds."""
    global eof
    if eof:
        time.sleep(min(timeout, 0.1))
        return
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return
    try:
        data = os.read(fd, 65536)
    except OSError:
        data = b""
    if not data:
        eof = True
    out.extend(data)
    save()


def until(pred):
    end = time.monotonic() + limit
    while not pred():
        if time.monotonic() > end:
            return False
        pump(0.1)
    return True


def raw():
    """virsh has put the terminal in raw mode: what is typed from now on
    reaches it (before, ^] would be echoed as an ordinary character)."""
    try:
        lflag = termios.tcgetattr(fd)[3]
    except termios.error:
        return True
    return not lflag & (termios.ICANON | termios.ECHO)


def finish(code):
    save()
    sys.exit(code)


for step in steps:
    kind, _, arg = step.partition(":")
    if kind == "expect":
        if not until(lambda: arg.encode() in out):
            sys.stderr.write("console-pty: no %r in the output\n" % arg)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            finish(98)
    elif kind == "send":
        until(raw)
        os.write(fd, arg.replace("\\r", "\r").encode())
    elif kind == "touch":
        open(arg, "w").close()
    elif kind == "pid":
        with open(arg + ".tmp", "w") as f:
            f.write("%d\n" % pid)
        os.rename(arg + ".tmp", arg)
    elif kind == "wait":
        if not until(lambda: os.path.exists(arg)):
            sys.stderr.write("console-pty: %s never appeared\n" % arg)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            finish(98)
    elif kind == "escape":
        until(raw)
        os.write(fd, b"\x1d")
    else:
        sys.stderr.write("console-pty: unknown step %r\n" % step)
        finish(2)

status = None
end = time.monotonic() + limit
while status is None:
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = os.waitstatus_to_exitcode(st)
        break
    if time.monotonic() > end:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.stderr.write("console-pty: virsh did not exit\n")
        finish(97)
    pump(0.1)
# What is left in the pty.
while not eof:
    r, _, _ = select.select([fd], [], [], 0)
    if not r:
        break
    pump(0)
finish(status)
