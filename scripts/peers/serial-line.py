#!/usr/bin/env python3
"""A fake serial line for ser2net: a pty whose far end runs a login session.

    serial-line.py LINK LOGIN_PROGRAM MARKER

LINK (a symlink to a /dev/pts/N) is the "serial device" ser2net opens when a
client connects. ser2net is configured to write MARKER (its `openstr`) to
the line on each open. This process holds the pty master, and every time it
reads MARKER it starts LOGIN_PROGRAM afresh on a second pty and relays bytes
both ways -- a getty that respawns for every caller:

* every connection starts at the login banner, whatever the last caller
  left behind (an in-band marker, because ser2net may close and reopen the
  line faster than a hangup can be noticed);
* when the login program exits, the line is hung up (the master closed), so
  ser2net drops the client, which sees EOF;
* when the client leaves first, the login program gets SIGHUP.

A hung-up pty cannot be reused, so after a logout LINK is switched
atomically (rename) to a new pty *before* the old master is closed: a client
that reconnects at once never finds LINK missing. (socat's PTY,wait-slave in
a restart loop left such a gap, and ser2net then refused the connection.)

The login side has `igncr`: ser2net passes the client's CR LF through
unchanged, and with the usual icrnl every Enter would be two line ends.
"""
import os
import pty
import select
import signal
import sys
import termios
import time
import tty

link, login, marker = sys.argv[1], sys.argv[2], sys.argv[3].encode()


def new_line():
    """Open a raw pty pair, point LINK at its slave, return the master."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    name = os.ttyname(slave)
    os.close(slave)          # ser2net opens it by name
    tmp = link + ".new"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(name, tmp)
    os.rename(tmp, link)
    return master


def spawn_login():
    pid, fd = pty.fork()
    if pid == 0:
        attrs = termios.tcgetattr(0)
        attrs[0] = (attrs[0] | termios.IGNCR) & ~termios.ICRNL
        termios.tcsetattr(0, termios.TCSANOW, attrs)
        os.execv(login, [login])
    return pid, fd


def end_login(session):
    if session:
        pid, fd = session
        try:
            os.killpg(pid, signal.SIGHUP)
        except ProcessLookupError:
            pass
        os.close(fd)
        os.waitpid(pid, 0)
    return None


def held_back(buf):
    """Length of a tail of buf that may be the start of a split MARKER."""
    for n in range(min(len(marker) - 1, len(buf)), 0, -1):
        if marker.startswith(buf[-n:]):
            return n
    return 0


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
line = new_line()
session = None          # (pid, master fd) of the running login, if any
pending = b""           # line bytes not yet passed on (a partial MARKER)
while True:
    fds = [line] + ([session[1]] if session else [])
    p = select.poll()
    for fd in fds:
        p.register(fd, select.POLLIN)
    events = p.poll(200)
    for fd, ev in events:
        data = b""
        if ev & select.POLLIN:
            try:
                data = os.read(fd, 4096)
            except OSError:      # EIO: the other side of that pty is gone
                data = b""
        if fd == line:
            if data:
                buf = pending + data
                cut = buf.rfind(marker)
                if cut >= 0:                 # a new caller: fresh login
                    session = end_login(session)
                    session = spawn_login()
                    buf = buf[cut + len(marker):]
                keep = held_back(buf)
                pending = buf[len(buf) - keep:] if keep else b""
                buf = buf[:len(buf) - keep]
                if session and buf:
                    os.write(session[1], buf)
            elif ev & select.POLLHUP:        # the caller left
                session = end_login(session)
                pending = b""
                time.sleep(0.02)             # POLLHUP stays set until reopened
        elif session and fd == session[1]:
            if data:
                os.write(line, data)
            else:                            # logout: hang up on the caller
                session = end_login(session)
                # The next caller's line is in place before the hangup; the
                # pause lets ser2net read the last output first (closing at
                # once sometimes lost both that output and the hangup).
                old, line = line, new_line()
                time.sleep(0.3)
                os.close(old)
                pending = b""
                break                        # poll the new line
