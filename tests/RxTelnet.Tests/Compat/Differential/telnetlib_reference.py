"""Reference results for the telnetlib differential tests: the real, unmodified telnetlib, run in virtual time.

Usage (CPython 3.12 or older: telnetlib was removed in 3.13; Debian's /usr/bin/python3 is 3.11):

    python3 telnetlib_reference.py                 # every scenario with its results, as JSON, on stdout
    python3 telnetlib_reference.py --summary       # scenario counts per family, on stdout
    python3 telnetlib_reference.py --family expect # one family only (repeatable)
    python3 telnetlib_reference.py --show ID       # one scenario, indented, for a human

Exit codes: 0 done; 2 bad arguments; 3 telnetlib cannot be imported; 4 a ported CPython check failed (the fakes
below do not reproduce what CPython's own test suite asserts, so no result can be trusted).

What is compared
----------------
A scenario is a scripted peer (chunks of bytes, each arriving at a virtual time, and the peer's close, at a set time
or never) plus a list of client calls run one after the other, each starting when the previous one returned. For
every call telnetlib's outcome is recorded: the return value (bytes; expect's (index, matched bytes or None, text);
a bool) or the exception's type, the virtual time at which it returned, the bytes sent during it (refusals, writes),
the negotiation callbacks that ran during it and, for the debug family, the lines telnetlib printed. After the last
call the eof flag is recorded. The C# fixture next to this file replays the same scenario through
RxTelnet.Compat.Telnet on a TestScheduler and compares field by field.

Time model
----------
* Scenario times are whole "ticks"; one tick is one TestScheduler tick on the C# side. Calls start at tick 0.
* telnetlib reads the clock through ``telnetlib._time``; here it returns the virtual clock in sub-ticks
  (SUB = 1_000_000 per tick), and the timeouts given to read_until/expect are converted to sub-ticks too.
  telnetlib only subtracts and compares clock values, so the unit does not matter to it.
* A chunk (or the close) arriving at tick t is readable from clock t*SUB on, never before.
* ``sock.recv(n)`` returns up to n bytes of everything that has arrived and not been read, across chunk
  boundaries as a real socket does; b'' once the close has arrived and nothing is left; otherwise it blocks:
  the clock jumps to the next arrival. Blocking with nothing left to arrive is a hang (see below).
* ``select(timeout)`` on the fake selector returns ready at once, clock unchanged, when data or the close is
  readable. Otherwise, with timeout None it jumps to the next arrival and returns ready. With a timeout it jumps to
  the next arrival if that comes at or before clock+timeout and returns ready; else it sets the clock to
  clock+timeout+1 sub-tick and returns not ready. The extra sub-tick is the real select waking a hair after its
  timeout: telnetlib loops on ``deadline - _time() < 0`` (strictly), so a select that woke exactly at the deadline
  would spin for ever in virtual time. Every other operation takes no virtual time.
* The time recorded for a call is floor(clock / SUB) when it returns; the drift of a few sub-ticks never reaches a
  tick (checked).
* ``sleep(d)`` (a client that idles between two calls) moves the clock by d ticks.
* No ties: a timed read_until/expect that starts at tick s with timeout T has its deadline at tick s+T on the C#
  side; if something arrives at exactly that tick, which of the two comes first is not defined, so such a
  scenario is never produced (the generator draws another variant). Blocking for ever (a read without timeout on a
  peer that never closes, once everything has arrived) is not produced either.

Scenarios come from fixed seeds and fixed lists, so the output is the same on every run (json, sorted as built).
"""

import argparse
import contextlib
import io
import json
import random
import re
import selectors
import sys
import warnings

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import telnetlib
except ImportError as error:  # Python 3.13 and later
    sys.stderr.write(
        "telnetlib cannot be imported by %s (Python %s): %s. telnetlib was removed in Python 3.13; "
        "run with a CPython of 3.12 or older, e.g. Debian's python3 (3.11).\n"
        % (sys.executable, sys.version.split()[0], error))
    sys.exit(3)

SUB = 1_000_000

IAC, DONT, DO, WONT, WILL, SB, GA, EL, EC, AYT, AO, IP, BRK, DM, NOP, SE = (
    255, 254, 253, 252, 251, 250, 249, 248, 247, 246, 245, 244, 243, 242, 241, 240)
NUL, DC1, CR, LF = 0, 17, 13, 10
VERBS = {"DO": DO, "DONT": DONT, "WILL": WILL, "WONT": WONT}
TTYPE, NAWS, ECHO = 24, 31, 1


def hx(data):
    return None if data is None else bytes(data).hex()


class Hang(BaseException):
    """telnetlib would block for ever: nothing is left to arrive. BaseException, so telnetlib's handlers miss it."""


class Tie(BaseException):
    """A timed call's deadline falls on the tick of an arrival: undefined order on the C# side."""


class Clock:
    def __init__(self):
        self.now = 0

    def tick(self):
        return self.now // SUB


class Peer:
    """The fake socket: scripted arrivals against the virtual clock; what the client sends is recorded."""

    def __init__(self, clock, chunks, eof):
        self.clock = clock
        self.pending = [(t * SUB, bytes(data)) for t, data in chunks]
        self.eof_at = None if eof is None else eof * SUB
        self.buffer = bytearray()
        self.closed = False
        self.call = 0
        self.sent = []

    def _deliver(self):
        while self.pending and self.pending[0][0] <= self.clock.now:
            self.buffer += self.pending.pop(0)[1]

    def _eof_arrived(self):
        return self.eof_at is not None and self.eof_at <= self.clock.now

    def readable(self):
        self._deliver()
        return bool(self.buffer) or self._eof_arrived()

    def next_arrival(self):
        if self.pending:
            return self.pending[0][0]
        if self.eof_at is not None and self.eof_at > self.clock.now:
            return self.eof_at
        return None

    def recv(self, n):
        while True:
            self._deliver()
            if self.buffer:
                out = bytes(self.buffer[:n])
                del self.buffer[:n]
                return out
            if self._eof_arrived():
                return b""
            nxt = self.next_arrival()
            if nxt is None:
                raise Hang()
            self.clock.now = nxt

    def sendall(self, data):
        self.sent.append((self.call, bytes(data)))

    def fileno(self):
        return -1 if self.closed else 7

    def close(self):
        self.closed = True


ACTIVE = None  # the Peer of the scenario being run, for the selector


class VirtualSelector(selectors._BaseSelectorImpl):
    """telnetlib's _TelnetSelector in virtual time. Registration is the real one (it calls fileno())."""

    def select(self, timeout=None):
        ready = [(key, selectors.EVENT_READ) for key in self._fd_to_key.values()]
        peer = ACTIVE
        clock = peer.clock
        if peer.readable():
            return ready
        nxt = peer.next_arrival()
        if timeout is None:
            if nxt is None:
                raise Hang()
            clock.now = nxt
            return ready
        deadline = clock.now + max(timeout, 0)
        if nxt is not None and nxt <= deadline:
            clock.now = nxt
            return ready
        clock.now = deadline + 1
        return []


def scenario(sid, family, chunks, eof, calls, callback="none", debug=False, tags=(), seed=None, note=None):
    scn = {
        "id": sid,
        "family": family,
        "chunks": [{"at": t, "data": hx(d)} for t, d in chunks],
        "eof": eof,
        "callback": callback,
        "debug": debug,
        "calls": calls,
        "tags": sorted(set(tags)),
    }
    if seed is not None:
        scn["seed"] = seed
    if note:
        scn["note"] = note
    return scn


# ----- calls (as JSON) --------------------------------------------------------------------------------------------

def read_until(match, timeout=None):
    return {"op": "read_until", "match": hx(match), "timeout": timeout}


def expect(patterns, timeout=None):
    return {"op": "expect", "patterns": [hx(p) for p in patterns], "timeout": timeout}


def simple(op):
    return {"op": op}


def write(data):
    return {"op": "write", "data": hx(data)}


def sleep(ticks):
    return {"op": "sleep", "ticks": ticks}


def set_callback(mode):
    return {"op": "set_callback", "mode": mode}


def msg(text):
    return {"op": "msg", "text": text}


RAWQ_OPS = ("fill_rawq", "process_rawq", "sock_avail")


# ----- running one scenario against telnetlib ----------------------------------------------------------------------

def make_callback(tn, mode, log, current):
    if mode == "none":
        return None

    def callback(sock, cmd, opt):
        sb = None
        if mode == "record_sb" and cmd == bytes([SE]):
            sb = hx(tn.read_sb_data())
        log.append({"call": current[0], "command": cmd[0], "option": opt[0], "sb": sb})
        if mode == "reply":
            # A script's own answers: accept TTYPE, refuse the rest; through the socket, as telnetlib scripts do.
            if cmd == bytes([DO]):
                sock.sendall(bytes([IAC, WILL if opt[0] == TTYPE else WONT, opt[0]]))
            elif cmd == bytes([WILL]):
                sock.sendall(bytes([IAC, DONT, opt[0]]))

    return callback


def run(scn):
    """Runs scn through telnetlib; returns the expected records. Raises Tie or Hang for a scenario to redraw."""
    global ACTIVE
    clock = Clock()
    peer = Peer(clock, [(c["at"], bytes.fromhex(c["data"])) for c in scn["chunks"]], scn["eof"])
    arrival_ticks = {c["at"] for c in scn["chunks"]}
    if scn["eof"] is not None:
        arrival_ticks.add(scn["eof"])
    ACTIVE = peer
    telnetlib._time = lambda: clock.now
    telnetlib._TelnetSelector = VirtualSelector

    tn = telnetlib.Telnet()  # unconnected: host None, port 0, as the C# facade over a transport prints them
    tn.sock = peer
    if scn["debug"]:
        tn.set_debuglevel(1)
    log = []
    current = [0]
    tn.set_option_negotiation_callback(make_callback(tn, scn["callback"], log, current))

    records = []
    for index, call in enumerate(scn["calls"]):
        current[0] = index
        peer.call = index
        logged = len(log)
        out = io.StringIO()
        op = call["op"]
        timeout = call.get("timeout")
        if op in ("read_until", "expect") and timeout:
            if clock.tick() + timeout in arrival_ticks:
                raise Tie()
        with contextlib.redirect_stdout(out):
            try:
                result = perform(tn, call, clock, log, current)
            except (EOFError, OSError, AttributeError, ValueError, TypeError) as error:
                result = {"error": type(error).__name__}
        assert clock.now - clock.tick() * SUB < SUB // 2, "sub-tick drift grew too large"
        records.append({
            "result": result,
            "time": clock.tick(),
            "sent": hx(b"".join(d for i, d in peer.sent if i == index)),
            "callbacks": log[logged:],
            "debug": out.getvalue().splitlines() if scn["debug"] else [],
        })
    return {"calls": records, "eof": bool(tn.eof)}


def perform(tn, call, clock, log, current):
    op = call["op"]
    ticks = call.get("timeout")
    timeout = None if ticks is None else ticks * SUB
    if op == "read_until":
        return {"bytes": hx(tn.read_until(bytes.fromhex(call["match"]), timeout))}
    if op == "expect":
        index, match, text = tn.expect([bytes.fromhex(p) for p in call["patterns"]], timeout)
        return {"expect": {"index": index, "match": hx(match.group(0)) if match else None, "text": hx(text)}}
    if op in ("read_all", "read_some", "read_very_eager", "read_eager", "read_lazy", "read_very_lazy",
              "read_sb_data"):
        return {"bytes": hx(getattr(tn, op)())}
    if op == "write":
        tn.write(bytes.fromhex(call["data"]))
        return {}
    if op == "sleep":
        clock.now += call["ticks"] * SUB
        return {}
    if op == "set_callback":
        tn.set_option_negotiation_callback(make_callback(tn, call["mode"], log, current))
        return {}
    if op == "close":
        tn.close()
        return {}
    if op == "msg":
        tn.msg(call["text"])
        return {}
    if op == "fill_rawq":
        tn.fill_rawq()
        return {}
    if op == "process_rawq":
        tn.process_rawq()
        return {}
    if op == "sock_avail":
        return {"bool": bool(tn.sock_avail())}
    raise ValueError("unknown call " + op)


# ----- CPython's own test_telnetlib, ported as named scenarios --------------------------------------------------------
# CPython drives telnetlib over a socket stub whose data is all there from the start and that reads as closed once
# drained, with a selector that is always ready unless the stub is told to "block". Here every stub read becomes a
# chunk arriving at tick 1 together with the close; "blocked" is the time before tick 1, and unblocking is a sleep.
# Each case keeps the assertions of the CPython test as a check on the reference run itself.

def cpython_cases():
    cases = []

    def case(name, reads, calls, check, callback="none", debug=False, tags=(), rawq=False):
        chunks = [(1, r) for r in reads]
        scn = scenario("cpython:" + name, "cpython", chunks, 1, calls, callback, debug, tags)
        if rawq:
            scn["tags"] = sorted(set(scn["tags"]) | {"rawq"})
        cases.append((scn, check))

    def data(rec, i):
        return bytes.fromhex(rec["calls"][i]["result"]["bytes"])

    case("ReadTests.test_read_until.match_in_first_read", [b"xxxmatchyyy"], [read_until(b"match")],
         lambda r: data(r, 0) == b"xxxmatch")
    case("ReadTests.test_read_until.match_in_middle_read", [b"x" * 50, b"match", b"y" * 50], [read_until(b"match")],
         lambda r: data(r, 0) == b"x" * 50 + b"match")
    case("ReadTests.test_read_all", [b"x" * 500, b"y" * 500, b"z" * 500], [simple("read_all")],
         lambda r: data(r, 0) == b"x" * 500 + b"y" * 500 + b"z" * 500)
    case("ReadTests.test_read_some.at_least_one_byte", [b"x" * 500], [simple("read_some")],
         lambda r: len(data(r, 0)) >= 1)
    case("ReadTests.test_read_some.eof", [], [simple("read_some")], lambda r: data(r, 0) == b"")

    def eager_check(r):
        got = b""
        for rec in r["calls"][2:]:
            if "error" in rec["result"]:
                return rec["result"]["error"] == "EOFError" and got == b"x" * 100 and data(r, 0) == b""
            got += bytes.fromhex(rec["result"]["bytes"])
        return False

    for func in ("read_eager", "read_very_eager"):
        case("ReadTests.test_read_eager." + func, [b"x" * 100],
             [simple(func), sleep(1)] + [simple(func)] * 4, eager_check)

    # Not collected by CPython (no test_ prefix), and its assertions would not hold: read_very_lazy does not
    # process the raw queue that fill_rawq filled. Ported as behaviour only.
    case("ReadTests.read_very_lazy", [b"x" * 100],
         [simple("read_very_lazy"), simple("fill_rawq"), simple("fill_rawq"), simple("read_very_lazy"),
          simple("read_very_lazy")],
         lambda r: data(r, 0) == b"", rawq=True)

    def lazy_check(r):
        got = b""
        for rec, call in zip(r["calls"], lazy_calls):
            if call["op"] != "read_lazy":
                continue
            if "error" in rec["result"]:
                return rec["result"]["error"] == "EOFError" and got == b"x" * 100
            got += bytes.fromhex(rec["result"]["bytes"])
            if not (b"x" * 100).startswith(got):
                return False
        return False

    # The loop "read_lazy; fill_rawq when it returned nothing; until EOFError", unrolled for its input.
    lazy_calls = [simple("read_lazy"), simple("fill_rawq"), simple("read_lazy"), simple("read_lazy"),
                  simple("fill_rawq"), simple("read_lazy"), simple("read_lazy"), simple("fill_rawq"),
                  simple("read_lazy")]
    case("ReadTests.test_read_lazy", [b"x" * 100], lazy_calls, lazy_check, rawq=True)

    samples = [b"data sample without IAC", b"data sample with" + bytes([IAC]) + b" one IAC",
               b"a few" + bytes([IAC, IAC]) + b" iacs" + bytes([IAC]), bytes([IAC]), b""]
    for i, sample in enumerate(samples):
        want = sample.replace(bytes([IAC]), bytes([IAC, IAC]))
        case("WriteTests.test_write.sample%d" % i, [], [write(sample)],
             lambda r, want=want: bytes.fromhex(r["calls"][0]["sent"]) == want)

    names = {AO: "AO", AYT: "AYT", BRK: "BRK", EC: "EC", EL: "EL", GA: "GA", IP: "IP", NOP: "NOP"}

    def command_check(reads):
        total = len(b"".join(reads))

        def check(r):
            seen = r["calls"][0]["callbacks"]
            txt = data(r, 0)
            return (len(seen) > 0 and seen[0]["command"] in names and seen[0]["option"] == 0
                    and total == len(txt) + 2 * len(seen))
        return check

    for cmd, name in names.items():
        layouts = {
            "alone": [bytes([IAC]), bytes([cmd])],
            "in_100": [b"x" * 100, bytes([IAC]), bytes([cmd]), b"y" * 100],
            "in_10": [b"x" * 10, bytes([IAC]), bytes([cmd]), b"y" * 10],
        }
        for layout, reads in layouts.items():
            case("OptionTests.test_IAC_commands.%s.%s" % (name, layout), reads, [simple("read_all")],
                 command_check(reads), callback="record")
    every = [bytes([IAC, c]) for c in names]
    case("OptionTests.test_IAC_commands.all_at_once", every, [simple("read_all")], command_check(every),
         callback="record")

    sb_reads = [bytes([IAC, SB, IAC, SE]),
                bytes([IAC, SB, IAC, IAC, IAC, SE]),
                bytes([IAC, SB, IAC, IAC]) + b"aa" + bytes([IAC, SE]),
                bytes([IAC, SB]) + b"bb" + bytes([IAC, IAC, IAC, SE]),
                bytes([IAC, SB]) + b"cc" + bytes([IAC, IAC]) + b"dd" + bytes([IAC, SE])]

    def sb_check(r):
        sb = b"".join(bytes.fromhex(c["sb"]) for c in r["calls"][0]["callbacks"] if c["sb"] is not None)
        want = bytes([IAC, IAC]) + b"aabb" + bytes([IAC]) + b"cc" + bytes([IAC]) + b"dd"
        return data(r, 0) == b"" and sb == want and data(r, 1) == b""

    case("OptionTests.test_SB_commands", sb_reads, [simple("read_all"), simple("read_sb_data")], sb_check,
         callback="record_sb", tags=["sb-malformed"])

    debug_cases = [
        ("fill_rawq", b"a", ": recv b''"),
        ("unknown_command", bytes([IAC, 88]), ": IAC 88 not recognized"),
        ("DO", bytes([IAC, DO, 1]), ": IAC DO 1"),
        ("DONT", bytes([IAC, DONT, 1]), ": IAC DONT 1"),
        ("WILL", bytes([IAC, WILL, 1]), ": IAC WILL 1"),
        ("WONT", bytes([IAC, WONT, 1]), ": IAC WONT 1"),
    ]
    for name, given, want in debug_cases:
        case("OptionTests.test_debuglevel_reads." + name, [given], [simple("read_all")],
             lambda r, want=want: any(line.endswith(want) for line in r["calls"][0]["debug"]), debug=True)
    case("OptionTests.test_debuglevel_write", [], [write(b"xxx")],
         lambda r: any(line.endswith("send b'xxx'") for line in r["calls"][0]["debug"]), debug=True)
    case("OptionTests.test_debug_accepts_str_port", [], [msg("test")],
         lambda r: any(re.search(r"0.*test", line) for line in r["calls"][0]["debug"]), debug=True)

    case("ExpectTests.test_expect", [b"x" * 10, b"match", b"y" * 10], [expect([b"match"])],
         lambda r: bytes.fromhex(r["calls"][0]["result"]["expect"]["text"]) == b"x" * 10 + b"match")
    return cases


# ----- generated families -------------------------------------------------------------------------------------------

def sb(*parts):
    return bytes([IAC, SB]) + b"".join(bytes([p]) if isinstance(p, int) else p for p in parts) + bytes([IAC, SE])


def tokens():
    """Every kind of IAC sequence and cooking case, as (name, bytes, tags)."""
    out = [("IAC-IAC", bytes([IAC, IAC]), ())]
    for cmd, name in [(NOP, "NOP"), (DM, "DM"), (BRK, "BRK"), (IP, "IP"), (AO, "AO"), (AYT, "AYT"), (EC, "EC"),
                      (EL, "EL"), (GA, "GA"), (236, "xEOF"), (239, "EOR"), (0, "NUL-as-command"),
                      (DC1, "DC1-as-command"), (88, "unknown-88")]:
        out.append(("IAC-" + name, bytes([IAC, cmd]), ()))
    out.append(("IAC-SE-outside-SB", bytes([IAC, SE]), ("se-outside-sb",)))
    for verb, code in VERBS.items():
        for opt in (ECHO, TTYPE, 0, DC1, IAC):
            out.append(("IAC-%s-%d" % (verb, opt), bytes([IAC, code, opt]), ("negotiation",)))
    out += [
        ("SB-TTYPE-SEND", sb(TTYPE, 1), ()),
        ("SB-TTYPE-IS-xy", sb(TTYPE, 0, b"xy"), ()),
        ("SB-NAWS-with-NUL", sb(NAWS, 0, 80, 0, 24), ()),
        ("SB-IAC-IAC-inside", sb(TTYPE, 0, IAC, IAC, b"a"), ()),
        ("SB-DC1-CR-NUL-inside", sb(TTYPE, b"a", DC1, CR, NUL, b"b"), ()),
        ("SB-empty", bytes([IAC, SB, IAC, SE]), ("sb-malformed",)),
        ("SB-option-IAC-IAC", sb(IAC, IAC, b"z"), ()),
        ("SB-NOP-inside", bytes([IAC, SB, TTYPE]) + b"a" + bytes([IAC, NOP]) + b"b" + bytes([IAC, SE]),
         ("sb-malformed",)),
        ("SB-DO-inside", bytes([IAC, SB, TTYPE]) + b"a" + bytes([IAC, DO, ECHO]) + b"b" + bytes([IAC, SE]),
         ("sb-malformed",)),
        ("SB-nested-SB", bytes([IAC, SB, TTYPE]) + b"a" + bytes([IAC, SB, NAWS]) + b"b" + bytes([IAC, SE]),
         ("sb-malformed",)),
        ("SB-IAC-then-data", bytes([IAC, SB, TTYPE]) + b"a" + bytes([IAC]) + b"bc" + bytes([IAC, SE]),
         ("sb-malformed",)),
        ("SB-unterminated", bytes([IAC, SB, TTYPE]) + b"ab", ("sb-malformed",)),
        ("SB-two-in-a-row", sb(TTYPE, b"p") + sb(NAWS, b"q"), ()),
        ("NUL", bytes([NUL]), ()),
        ("DC1", bytes([DC1]), ()),
        ("CR-NUL", bytes([CR, NUL]), ()),
        ("CR-LF", bytes([CR, LF]), ()),
        ("high-bytes", bytes([0x80, 0xE9, 0xFE]), ()),
    ]
    return out


def family_iac_splits():
    """Each token between b'ab' and b'cd', cut at every position, at every pair of positions and into single bytes."""
    out = []
    mixes = {
        "read_all": lambda: [simple("read_all"), simple("read_sb_data")],
        "read_until": lambda: [read_until(b"cd"), simple("read_sb_data"), simple("read_very_lazy")],
        "read_some": lambda: [simple("read_some"), simple("read_some"), simple("read_some"),
                              simple("read_sb_data")],
    }
    every = [(mix, callback) for mix in mixes for callback in ("none", "record_sb")]
    fewer = [("read_some", "record_sb"), ("read_until", "none")]  # for the many two-cut splits
    for name, token, tags in tokens():
        stream = b"ab" + token + b"cd"
        inner = range(1, len(stream))
        splits = [([p], "cut%d" % p, every) for p in inner]
        splits += [([p, q], "cut%d+%d" % (p, q), fewer) for p in inner for q in inner if p < q]
        splits.append((list(inner), "bytes", every))
        for cut, label, variants in splits:
            bounds = [0] + cut + [len(stream)]
            pieces = [stream[a:b] for a, b in zip(bounds, bounds[1:])]
            chunks = [(10 * (i + 1), piece) for i, piece in enumerate(pieces)]
            eof = 10 * (len(pieces) + 1)
            for mix, callback in variants:
                sid = "iac-splits:%s:%s:%s:%s" % (name, label, mix, callback)
                out.append(scenario(sid, "iac-splits", chunks, eof, mixes[mix](), callback, tags=tags))
    return out


def family_negotiation():
    """Every verb with every option byte, in four situations rotating with the option."""
    out = []
    for verb, code in VERBS.items():
        for opt in range(256):
            seq = bytes([IAC, code, opt])
            layout = opt % 4
            tags = ["negotiation"]
            if layout == 0:  # in the middle of data, read to the end
                chunks, eof, calls, cb = [(10, b"x" + seq + b"y")], 20, [simple("read_all")], "none"
            elif layout == 1:  # arrives after the first read returned, then eager reads
                chunks, eof = [(10, b"login"), (30, seq + b"z")], 50
                calls, cb = [read_until(b"login"), sleep(35), simple("read_very_eager"), simple("read_eager"),
                             simple("read_all")], "none"
            elif layout == 2:  # arrives with the close; read only afterwards
                chunks, eof, calls, cb = [(10, seq)], 10, [sleep(20), simple("read_all"), simple("read_some")], "none"
                tags.append("after-eof")
            else:  # a script that answers itself
                chunks, eof = [(10, seq + b"a"), (20, bytes([IAC, DO, TTYPE]) + b"b")], 30
                calls, cb = [read_until(b"a"), read_until(b"b"), simple("read_all")], "reply"
            sid = "negotiation:%s:%d" % (verb, opt)
            out.append(scenario(sid, "negotiation", chunks, eof, calls, cb, tags=tags))
    return out


EOF_STREAM = (b"login: " + bytes([IAC, DO, TTYPE]) + b"\r\n" + sb(TTYPE, 1) + b"pw" + bytes([IAC, IAC])
              + bytes([IAC, WILL, ECHO]) + b"ok\r" + bytes([NUL]) + b"x" + bytes([IAC, NOP]) + b"end")


def family_eof_position():
    """The close at every byte position of one stream, each under five call mixes that also read after the close."""
    out = []
    mixes = [
        ("until", "none", lambda: [read_until(b"ok"), read_until(b"x"), simple("read_very_lazy"), simple("read_all"),
                                   simple("read_some"), simple("read_eager"), read_until(b"q", 0)]),
        ("expect", "none", lambda: [expect([b"pw", b"ok"]), expect([b".*"]), simple("read_very_eager"),
                                    expect([b"e"], 0), read_until(b"q", 5)]),
        ("some", "none", lambda: [simple("read_some")] * 5 + [simple("read_very_lazy"), simple("read_lazy")]),
        ("callback", "record_sb", lambda: [simple("read_all"), simple("read_sb_data"), simple("read_lazy"),
                                           expect([b"x"], 0)]),
        ("eager", "none", lambda: [sleep(200), simple("read_very_eager"), simple("read_very_eager"),
                                   simple("read_eager"), expect([b"."], 0)]),
    ]
    for cut in range(len(EOF_STREAM) + 1):
        rng = random.Random("eof-position:%d" % cut)
        stream = EOF_STREAM[:cut]
        bounds = sorted(set([0, len(stream)] + [rng.randrange(0, len(stream) + 1) for _ in range(3)]))
        pieces = [stream[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
        chunks = [(10 * (i + 1), p) for i, p in enumerate(pieces)]
        eof = 10 * (len(pieces) + 1)
        for name, cb, calls in mixes:
            sid = "eof-position:%d:%s" % (cut, name)
            out.append(scenario(sid, "eof-position", chunks, eof, calls(), cb, tags=["after-eof"]))
    return out


DATA_WORDS = [b"a", b"b", b"ab", b"aab", b"x", b"xy", b"xz", b"login: ", b"\r\n", b"\n", b"pw", b"ok", b"$ "]
PATTERNS = [b".*", b"a+", b"b", b"ab|ba", b"x(y|z)", b"login: ", b"a.b", b"(a|b)+x", b"\n", b"^a", b"y$",
            b"[ab]{2}", b"b*", b"ok", b"\\$ ", b"z"]


def random_data(rng, n, iac=0.0):
    out = b""
    while len(out) < n:
        if rng.random() < iac:
            out += rng.choice([bytes([IAC, rng.choice([DO, DONT, WILL, WONT]), rng.choice([1, 3, 24, 31])]),
                               bytes([IAC, NOP]), bytes([IAC, IAC]), sb(TTYPE, 1), bytes([NUL]),
                               bytes([CR, NUL])])
        else:
            out += rng.choice(DATA_WORDS)
    return out


def random_chunks(rng, count, max_size, iac=0.0, start=1, max_gap=40):
    chunks = []
    t = start
    for _ in range(count):
        t += rng.randrange(1, max_gap)
        chunks.append((t, random_data(rng, rng.randrange(1, max_size + 1), iac)))
    return chunks


def random_timeout(rng):
    return rng.choice([None, None, 0, rng.randrange(1, 15), rng.randrange(15, 120)])


def generated(family, count, make):
    """count scenarios from seeds 0..count-1; a draw that ties or would hang is redrawn with the next attempt."""
    out = []
    for seed in range(count):
        for attempt in range(50):
            rng = random.Random("%s:%d:%d" % (family, seed, attempt))
            scn = make(rng)
            scn["id"] = "%s#%d" % (family, seed)
            scn["family"] = family
            scn["seed"] = seed
            scn["attempt"] = attempt
            try:
                run(scn)
            except (Tie, Hang):
                continue
            out.append(scn)
            break
        else:
            raise RuntimeError("no usable draw for %s#%d" % (family, seed))
    return out


def make_expect(rng):
    chunks = random_chunks(rng, rng.randrange(1, 6), rng.choice([30, 100]))
    eof = chunks[-1][0] + rng.randrange(0, 40) if rng.random() < 0.85 else None
    # Half the time the client comes late, so that more than one recv(50) worth is waiting for the first expect.
    calls = [sleep(rng.randrange(20, 120))] if rng.random() < 0.5 else []
    for _ in range(rng.randrange(1, 5)):
        r = rng.random()
        if r < 0.7:
            pats = rng.sample(PATTERNS, rng.randrange(1, 4))
            timeout = random_timeout(rng) if eof is not None else rng.randrange(0, 120)
            calls.append(expect(pats, timeout))
        elif r < 0.85:
            calls.append(sleep(rng.randrange(1, 40)))
        else:
            calls.append(simple(rng.choice(["read_very_lazy", "read_very_eager"])))
    return scenario("", "", chunks, eof, calls, tags=["expect"])


def make_reads(rng):
    chunks = random_chunks(rng, rng.randrange(1, 7), 130, iac=0.05)
    eof = chunks[-1][0] + rng.randrange(0, 40) if rng.random() < 0.85 else None
    ops = ["read_some", "read_eager", "read_very_eager", "read_lazy", "read_very_lazy", "sleep", "read_until"]
    calls = []
    for _ in range(rng.randrange(1, 8)):
        op = rng.choice(ops)
        if op == "sleep":
            calls.append(sleep(rng.randrange(1, 60)))
        elif op == "read_until":
            timeout = random_timeout(rng) if eof is not None else rng.randrange(0, 120)
            calls.append(read_until(rng.choice([b"ok", b"b", b"login: ", b"\n", b"zz"]), timeout))
        elif op == "read_some" and eof is None:
            calls.append(sleep(rng.randrange(1, 60)))
        else:
            calls.append(simple(op))
    return scenario("", "", chunks, eof, calls, tags=["reads"])


def make_mixed(rng, rawq=False, debug=False):
    chunks = random_chunks(rng, rng.randrange(0, 7), 80, iac=0.15)
    if chunks:
        eof = chunks[-1][0] + rng.randrange(0, 30) if rng.random() < 0.85 else None
    else:
        eof = rng.randrange(1, 50)
    closes = eof is not None
    callback = rng.choice(["none", "none", "record", "record_sb", "reply"])
    calls = []
    tags = ["mixed"]
    for _ in range(rng.randrange(1, 9)):
        r = rng.random()
        if r < 0.2:
            timeout = random_timeout(rng) if closes else rng.randrange(0, 100)
            match = rng.choice([b"ok", b"a", b"login: ", b"\r\n", b"", b"zz"])
            calls.append(read_until(match, timeout))
        elif r < 0.35:
            timeout = random_timeout(rng) if closes else rng.randrange(0, 100)
            calls.append(expect(rng.sample(PATTERNS, rng.randrange(1, 4)), timeout))
        elif r < 0.45:
            calls.append(simple("read_some") if closes else sleep(rng.randrange(1, 50)))
        elif r < 0.5:
            calls.append(simple("read_all") if closes else sleep(rng.randrange(1, 50)))
        elif r < 0.65:
            calls.append(simple(rng.choice(["read_very_eager", "read_eager", "read_lazy", "read_very_lazy",
                                            "read_sb_data"])))
        elif r < 0.73:
            calls.append(write(rng.choice([b"y\r\n", bytes([IAC]), b"a" + bytes([IAC, IAC]) + b"b", b""])))
        elif r < 0.83:
            calls.append(sleep(rng.randrange(1, 60)))
        elif r < 0.88:
            calls.append(set_callback(rng.choice(["none", "record", "record_sb", "reply"])))
        elif r < 0.9:
            calls.append(simple("close"))
            tags.append("close")
        elif rawq:
            calls.append(simple(rng.choice(RAWQ_OPS)) if closes else simple("sock_avail"))
        else:
            calls.append(simple("read_very_eager"))
    if rawq:
        tags.append("rawq")
    return scenario("", "", chunks, eof, calls, callback, debug=debug, tags=tags)


def family_close():
    """close() at a few points, then every call."""
    out = []
    chunks = [(10, b"abc" + bytes([IAC, DO, ECHO]) + b"def"), (20, b"ghi")]
    after = [simple("read_very_lazy"), simple("read_lazy"), simple("read_eager"), simple("read_very_eager"),
             simple("read_some"), simple("read_all"), read_until(b"g"), read_until(b"zz", 0), expect([b"g"], 0),
             expect([b"."]), write(b"w"), simple("read_sb_data")]
    befores = {
        "before-any-read": [],
        "after-partial-read": [read_until(b"c")],
        "after-eof": [sleep(40), simple("read_all")],
        "after-arrival-unread": [sleep(15)],
    }
    for name, before in befores.items():
        for call in after:
            label = call["op"] + ("" if call.get("timeout") is None else "-t%d" % call["timeout"])
            for eof in (30, None):
                calls = before + [simple("close"), call, simple("read_very_lazy")]
                sid = "close:%s:%s:%s" % (name, label, "eof30" if eof else "open")
                out.append(scenario(sid, "close", chunks, eof, calls, tags=["close"]))
    return [s for s in out if usable(s)]


def usable(scn):
    try:
        run(scn)
        return True
    except (Tie, Hang):
        return False


FAMILIES = {
    "iac-splits": family_iac_splits,
    "negotiation": family_negotiation,
    "eof-position": family_eof_position,
    "expect": lambda: generated("expect", 1000, make_expect),
    "reads": lambda: generated("reads", 1000, make_reads),
    "mixed": lambda: generated("mixed", 2000, make_mixed),
    "close": family_close,
    "debug": lambda: generated("debug", 400, lambda rng: make_mixed(rng, debug=True)),
    "rawq": lambda: generated("rawq", 500, lambda rng: make_mixed(rng, rawq=True)),
}


def build(families):
    scenarios = []
    failures = []
    if "cpython" in families:
        for scn, check in cpython_cases():
            scn["expected"] = run(scn)
            if not check(scn["expected"]):
                failures.append(scn["id"])
            scenarios.append(scn)
    for name, make in FAMILIES.items():
        if name in families:
            for scn in make():
                scn["expected"] = run(scn)
                scenarios.append(scn)
    return scenarios, failures


def main():
    parser = argparse.ArgumentParser(description="telnetlib reference results, in virtual time")
    parser.add_argument("--family", action="append", choices=["cpython"] + list(FAMILIES))
    parser.add_argument("--summary", action="store_true")
    parser.add_argument("--show")
    args = parser.parse_args()
    families = args.family or ["cpython"] + list(FAMILIES)
    scenarios, failures = build(families)
    if failures:
        sys.stderr.write("the reference run does not reproduce CPython's own assertions: %s\n" % ", ".join(failures))
        return 4
    if args.show:
        picked = [s for s in scenarios if s["id"] == args.show]
        json.dump(picked, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0 if picked else 2
    if args.summary:
        counts = {}
        for s in scenarios:
            counts[s["family"]] = counts.get(s["family"], 0) + 1
        for name, n in counts.items():
            print("%-14s %6d" % (name, n))
        print("%-14s %6d" % ("total", len(scenarios)))
        return 0
    text = json.dumps({
        "python": sys.version.split()[0],
        "telnetlib": telnetlib.__file__,
        "scenarios": scenarios,
    }, separators=(",", ":"))
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
