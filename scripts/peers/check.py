#!/usr/bin/env python3
"""Log in to each running peer with Python's telnetlib and print what was
exchanged, byte for byte, so the integration tests can be written from it.

    python3 scripts/peers/check.py                 # all peers, refuse every option
    python3 scripts/peers/check.py --accept busybox # accept TTYPE/NAWS/ECHO/SGA
    python3 scripts/peers/check.py --raw inetutils  # bytes as Python literals

Default mode refuses every option exactly as telnetlib does when no callback
is set (DO/DONT -> WONT, WILL/WONT -> DONT, even for DONT/WONT). --accept
agrees to TTYPE (answers XTERM), NAWS (80x24), and the server's ECHO/SGA/
BINARY, so `term`/`size` show what those options told the server.

Exits non-zero if a peer's dialogue did not go as expected.
"""
import os
import socket
import sys
import time
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import telnetlib  # noqa: E402  (deprecated in 3.11, still shipped)
from telnetlib import IAC, DO, DONT, WILL, WONT, SB, SE, NOOPT  # noqa: E402

PORTS = {
    "inetutils": int(os.environ.get("RXTELNET_INETUTILS_PORT", 2323)),
    "busybox": int(os.environ.get("RXTELNET_BUSYBOX_PORT", 2324)),
    "chatd": int(os.environ.get("RXTELNET_CHATD_PORT", 2325)),
    "tinymux": int(os.environ.get("RXTELNET_TINYMUX_PORT", 2326)),
    "ser2net": int(os.environ.get("RXTELNET_SER2NET_PORT", 2327)),
}
TIMEOUT = 10

CMDS = {240: "SE", 241: "NOP", 242: "DM", 243: "BRK", 244: "IP", 245: "AO",
        246: "AYT", 247: "EC", 248: "EL", 249: "GA", 250: "SB", 251: "WILL",
        252: "WONT", 253: "DO", 254: "DONT", 255: "IAC", 239: "EOR"}
OPTS = {0: "BINARY", 1: "ECHO", 3: "SGA", 5: "STATUS", 6: "TM", 24: "TTYPE",
        25: "EOR", 31: "NAWS", 32: "TSPEED", 33: "LFLOW", 34: "LINEMODE",
        35: "XDISPLOC", 36: "OLD-ENVIRON", 37: "AUTHENTICATION", 38: "ENCRYPT",
        39: "NEW-ENVIRON", 42: "CHARSET", 44: "COM-PORT-OPTION", 86: "COMPRESS2"}


def render(raw: bytes) -> str:
    """Telnet stream -> readable tokens: commands by name, data as a bytes literal."""
    out, data, i = [], b"", 0
    def flush():
        nonlocal data
        if data:
            out.append(repr(data))
            data = b""
    while i < len(raw):
        b = raw[i]
        if b != 255 or i + 1 >= len(raw):
            data += bytes([b]); i += 1; continue
        c = raw[i + 1]
        if c == 255:
            data += b"\xff"; i += 2; continue
        flush()
        if c in (251, 252, 253, 254) and i + 2 < len(raw):
            out.append(f"IAC {CMDS[c]} {OPTS.get(raw[i + 2], raw[i + 2])}")
            i += 3
        elif c == 250:
            end = raw.find(b"\xff\xf0", i + 2)
            end = len(raw) if end < 0 else end
            body = raw[i + 2:end]
            opt = OPTS.get(body[0], body[0]) if body else "?"
            out.append(f"IAC SB {opt} {body[1:].hex(' ')} IAC SE".replace("  ", " "))
            i = end + 2
        else:
            out.append(f"IAC {CMDS.get(c, c)}")
            i += 2
    flush()
    return " ".join(out)


class Probe(telnetlib.Telnet):
    """telnetlib.Telnet that keeps a transcript of raw bytes both ways."""

    def __init__(self, port, accept):
        self.log = []          # [("S"|"C", bytes)]
        self.accept = accept
        self.state = {}        # (side, opt) -> bool, for --accept loop avoidance
        super().__init__()
        self.set_option_negotiation_callback(self.negotiate)
        self.open("127.0.0.1", port, TIMEOUT)

    def _rec(self, who, data):
        if self.log and self.log[-1][0] == who:
            self.log[-1] = (who, self.log[-1][1] + data)
        else:
            self.log.append((who, data))

    def fill_rawq(self):
        before = len(self.rawq)
        super().fill_rawq()
        self._rec("S", self.rawq[before:])

    def send_raw(self, data):
        self._rec("C", data)
        self.sock.sendall(data)

    def write(self, buffer):
        self.send_raw(buffer.replace(IAC, IAC + IAC))

    def negotiate(self, sock, cmd, opt):
        if cmd == SE:
            sb = self.read_sb_data()
            if self.accept and sb[:1] == bytes([24]):      # TTYPE SEND
                self.send_raw(IAC + SB + bytes([24, 0]) + b"XTERM" + IAC + SE)
            return
        if cmd in (SB, NOOPT) or cmd not in (DO, DONT, WILL, WONT):
            return
        if not self.accept:                               # telnetlib's default
            self.send_raw(IAC + (WONT if cmd in (DO, DONT) else DONT) + opt)
            return
        o = opt[0]
        if cmd in (DO, DONT):
            want = cmd == DO and o in (24, 31)            # TTYPE, NAWS
            if self.state.get(("us", o)) == want:
                return
            self.state[("us", o)] = want
            self.send_raw(IAC + (WILL if want else WONT) + opt)
            if want and o == 31:
                self.send_raw(IAC + SB + bytes([31, 0, 80, 0, 24]) + IAC + SE)
        else:
            want = cmd == WILL and o in (0, 1, 3)         # BINARY, ECHO, SGA
            if self.state.get(("him", o)) == want:
                return
            self.state[("him", o)] = want
            self.send_raw(IAC + (DO if want else DONT) + opt)

    def quiet(self, secs=1.0):
        """Read until nothing arrives for `secs` (for peers with no fixed prompt)."""
        got = b""
        deadline = time.monotonic() + secs
        while time.monotonic() < deadline:
            chunk = self.read_very_eager()
            if chunk:
                got += chunk
                deadline = time.monotonic() + secs
            time.sleep(0.05)
        return got

    def expect(self, marker):
        got = self.read_until(marker, TIMEOUT)
        if marker not in got:
            raise AssertionError(f"no {marker!r}; got {got!r}")
        return got

    def until_eof(self):
        try:
            return self.read_all(), True
        except (socket.timeout, TimeoutError):
            return b"", False


def login_dialogue(t, results, pre=b""):
    if pre:
        t.write(pre)
    t.expect(b"login: ")
    t.write(b"user\r\n")
    t.expect(b"Password: ")
    t.write(b"secret\r\n")
    t.expect(b"$ ")
    for cmd in (b"echo hello", b"term", b"size"):
        t.write(cmd + b"\r\n")
        results[cmd.decode()] = t.expect(b"$ ")
    t.write(b"exit\r\n")
    rest, eof = t.until_eof()
    results["eof"] = eof
    assert b"hello\r\n" in results["echo hello"], results["echo hello"]
    assert eof, "no EOF after exit"


def chatd_dialogue(t, results):
    t.expect(b"Enter name: ")
    t.write(b"tester\r\n")
    results["welcome"] = t.expect(b"Welcome, tester!")
    t.write(b"hello all\r\n")
    results["say"] = t.quiet()
    t.write(b"quit\r\n")
    rest, eof = t.until_eof()
    results["quit"] = rest
    results["eof"] = eof
    assert eof, "no EOF after quit"


def tinymux_dialogue(t, results):
    results["welcome"] = t.quiet(1.5)
    t.write(b"connect wizard potrzebie\r\n")
    results["connect"] = t.quiet(1.5)
    t.write(b"think hello\r\n")
    results["think"] = t.expect(b"hello\r\n")
    t.write(b"QUIT\r\n")
    rest, eof = t.until_eof()
    results["eof"] = eof
    assert eof, "no EOF after QUIT"


def run(peer, accept, raw=False):
    t = Probe(PORTS[peer], accept)
    results = {}
    ok = True
    try:
        if peer == "chatd":
            chatd_dialogue(t, results)
        elif peer == "tinymux":
            tinymux_dialogue(t, results)
        else:
            login_dialogue(t, results)
    except Exception as e:  # report and keep going with the other peers
        ok = False
        results["error"] = repr(e)
    finally:
        t.close()
    print(f"=== {peer} (port {PORTS[peer]}, {'accept' if accept else 'refuse'}) "
          f"{'OK' if ok else 'FAILED'}")
    for who, data in t.log:
        if data:
            print(f"  {who}> {data!r}" if raw else f"  {who}> {render(data)}")
    for k, v in results.items():
        print(f"  [{k}] {v!r}")
    return ok


def main(argv):
    accept = "--accept" in argv
    peers = [a for a in argv if not a.startswith("--")] or list(PORTS)
    ok = True
    for p in peers:
        ok &= run(p, accept, "--raw" in argv)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
