#!/usr/bin/env python3
"""Writes the hand-made seeds of the session fuzz target to scripts/fuzz/session-corpus/.

The program format is described in tests/RxTelnet.Fuzz/SessionTarget.cs (class SessionRun): a 7-byte header,
then one byte per operation (bit 7: run what is due afterwards) followed by its arguments. The seeds only give
the fuzzer a start in the interesting states; every byte string is a valid program.

    python3 scripts/fuzz/session-seeds.py
"""
import os

# Operations: the first value of each range in SessionRun.Step.
PEER, RAW, ADVANCE = 0, 24, 28
READ_UNTIL, READ_UNTIL_ASYNC, EXPECT, EXPECT_ASYNC = 36, 42, 46, 50
READ_SOME, READ_SOME_ASYNC, READ_ALL, READ_ALL_ASYNC, READ_BUFFERED, ABANDON = 52, 56, 58, 61, 63, 67
WRITE, WRITE_TEXT, SEND_NEG, SEND_SB, SEND_CMD, WRITE_RAW = 69, 75, 79, 83, 86, 88
STOP, RESUME, CLOSE, DISPOSE, DISPOSE_ASYNC, PEER_EOF, PEER_ERROR = 90, 96, 102, 103, 104, 105, 106
START, CANCEL, KEEP_ALIVE, DEAD_PEER, REQUEST, RUN = 107, 109, 111, 113, 114, 117
R = 0x80  # run what is due after the operation

# Option indexes (SessionRun.CommonOptions).
ECHO, SGA, TTYPE, NAWS, LINEMODE, NEW_ENVIRON, TM, BINARY, TSPEED, AUTH, CHARSET, COMPRESS2, GMCP, START_TLS, STATUS = range(15)

# Indexes into the target's tables.
T_LOGIN, T_PASSWORD, T_DOLLAR, T_HASH, T_CRLF, T_OK, T_FAIL, T_WELCOME, T_XXX, T_COLON = range(10)  # PeerTexts
N_DOLLAR, N_LF, N_COLON, N_LOGIN, N_CRLF, N_X, N_OK, N_X8 = range(8)  # Needles
TO_0, TO_1MS, TO_50MS, TO_1S, TO_30S, TO_INF, _, TO_5S = range(8)  # Timeouts
A_TICK, A_1MS, A_49MS, A_50MS, A_1S, A_5S, A_30S, A_10MIN = range(8)  # Advances
P_1S, P_5S, P_30S, P_10MIN = range(4)  # Periods (keep-alive, dead peer)


def header(flags=0, buffered=63, sb=31, pending=63, read_all=127, window=0, match=63):
    """Limits are stored minus one (1-64, 1-32, 1-64, 1-128, 0-63 window, 1-64); flags bit 5 scales them by 64."""
    return bytes([flags, buffered, sb, pending, read_all, window, match])


# Peer tokens (SessionRun.AppendToken): the token byte selects the kind (t % 14) and carries flags.
def text(i): return [1, i]
def do(o): return [2, o]
def will(o): return [3, o]
def wont(o): return [4, o]
def dont(o): return [4 | 0x10, o]
def sb(o, payload, terminated=True): return [5 | (0 if terminated else 0x40), o, len(payload), *payload]
def cr(kind): return [6, kind]  # 0 CR NUL, 1 CR LF, 2 CR, 3 LF
def cmd(kind): return [7, kind]  # 0 GA, 1 EOR, 2 NOP, 3 AYT, 4 IAC IAC, 5 lone IAC, 6 DM, 7 IP
def storm(o, verb, n): return [8, o, verb, n - 2]  # verb 0 WILL, 1 WONT, 2 DO, 3 DONT
def run(n, x=True): return [9 | (0x10 if x else 0), n]
def tm(do_=True): return [12 | (0x10 if do_ else 0)]


def peer(*tokens, split=1, run_after=True):
    """Up to six tokens; split=1 sends them as one chunk, split=0 as chunks of one byte, split=4*k as chunks of k+1 bytes."""
    assert 1 <= len(tokens) <= 6
    body = [b for t in tokens for b in t]
    return [PEER | (R if run_after else 0), len(tokens) - 1, *body, split]


def op(code, *args, run_after=True):
    return [code | (R if run_after else 0), *args]


SEEDS = {
    # A login exchange: negotiation, prompts, reads and writes.
    "login-flow": header(window=8) + bytes(
        peer(will(ECHO), will(SGA), do(TTYPE), do(NAWS), text(T_WELCOME), text(T_LOGIN))
        + op(READ_UNTIL, N_LOGIN, TO_1S)
        + op(WRITE_TEXT, 0, 2, 1)
        + peer(text(T_PASSWORD))
        + op(EXPECT, 1, TO_5S)
        + op(WRITE, 4, 0x61, 0xFF, 0x62, 0x0D, 1)
        + peer(cr(1), text(T_DOLLAR))
        + op(READ_UNTIL_ASYNC, N_DOLLAR, TO_INF, 0)
        + op(PEER_EOF)
        + op(READ_ALL)
    ),
    # A negotiation storm while the peer does not read: replies pile up behind a stalled send.
    "storm-peer-not-reading": header(pending=15, window=3) + bytes(
        op(STOP)
        + peer(storm(ECHO, 2, 40), storm(NAWS, 0, 30))
        + peer(storm(SGA, 2, 20), storm(TTYPE, 0, 20), storm(ECHO, 3, 10))
        + op(RESUME)
        + peer(do(ECHO), will(ECHO))
    ),
    # The same with telnetlib's refusals, which answer DONT and WONT too.
    "storm-telnetlib-refusals": header(flags=1, pending=31, window=0) + bytes(
        op(STOP)
        + peer(storm(ECHO, 2, 30), storm(ECHO, 3, 30), storm(NAWS, 1, 30))
        + op(RESUME)
    ),
    # Data without the prompt a ReadUntil waits for: the cooked queue reaches its limit.
    "flood-read-until": header(buffered=15) + bytes(
        op(READ_UNTIL, N_DOLLAR, TO_INF)
        + peer(run(200), run(200))
        + op(READ_BUFFERED)
        + op(READ_SOME)
    ),
    # ReadAll collects past MaxBufferedBytes (outside the queue) up to the end of stream.
    "read-all-collects": header(buffered=15) + bytes(
        op(READ_ALL)
        + peer(run(10))
        + peer(run(10, x=False))
        + peer(run(10), text(T_OK))
        + peer(run(10))
        + op(PEER_EOF)
        + op(READ_BUFFERED)
    ),
    # ReadAll started with more queued than MaxReadAllBytes: it fails at once and the bytes stay readable.
    "read-all-past-limit": header(buffered=63, read_all=49) + bytes(
        peer(run(30))
        + peer(run(30))
        + op(READ_ALL)
        + op(READ_BUFFERED)
    ),
    # Dispose with writes stalled in the transport and a read pending.
    "dispose-with-stalled-writes": header(pending=40, window=2) + bytes(
        op(STOP)
        + op(WRITE, 10, *b"0123456789", 1)
        + op(SEND_SB, 3, 4, 1, 2, 255, 4, 1)
        + op(WRITE_TEXT, 1, 1, 1)
        + op(READ_SOME)
        + op(DISPOSE)
        + op(WRITE, 1, 0x41, 1)
        + op(READ_UNTIL, N_LF, TO_0)
        + op(START)
    ),
    # A connection reset inside an unterminated subnegotiation.
    "reset-mid-subnegotiation": header(sb=7) + bytes(
        op(READ_SOME)
        + peer(text(T_OK), sb(TTYPE, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], terminated=False), split=0)
        + op(PEER_ERROR)
        + op(READ_BUFFERED)
        + op(EXPECT_ASYNC, 0, TO_1S, 0)
    ),
    # Keep-alive and dead-peer detection as virtual time passes.
    "keepalive-dead-peer": header() + bytes(
        op(KEEP_ALIVE, P_1S, 1)
        + op(DEAD_PEER, P_30S)
        + op(READ_UNTIL, N_DOLLAR, TO_INF)
        + op(ADVANCE, A_1S)
        + peer(tm(), text(T_XXX))
        + op(ADVANCE, A_30S)
        + op(ADVANCE, A_10MIN)
    ),
    # Canceled writes while the peer does not read, then the peer reads again.
    "cancel-stalled-writes": header(pending=63, window=0) + bytes(
        op(STOP)
        + op(WRITE, 3, 1, 2, 3, 0)
        + op(WRITE, 3, 4, 5, 6, 0)
        + op(SEND_NEG, 1, 0, 0)
        + op(READ_SOME_ASYNC, 1)
        + op(CANCEL)
        + op(RESUME)
        + peer(text(T_OK))
    ),
    # Reads and writes before Start.
    "late-start": header(flags=0x10) + bytes(
        op(READ_UNTIL, N_COLON, TO_50MS)
        + op(WRITE_TEXT, 6, 2, 1)
        + peer(text(T_LOGIN), do(ECHO))
        + op(ADVANCE, A_49MS)
        + op(START)
        + op(ADVANCE, A_TICK)
        + op(ADVANCE, A_1MS)
    ),
    # Read timeouts at their exact virtual time, with a trickling peer.
    "timeouts": header() + bytes(
        op(READ_UNTIL, N_DOLLAR, TO_50MS)
        + op(ADVANCE, A_49MS)
        + peer(text(T_XXX))
        + op(ADVANCE, A_1MS)
        + op(EXPECT, 6, TO_1S)
        + peer(text(T_WELCOME), split=0)
        + op(ADVANCE, A_1S)
    ),
    # A reader that is behind: the session pauses the transport and resumes as reads drain the queue.
    "pause-and-drain": header(buffered=31) + bytes(
        peer(run(50), text(T_DOLLAR), run(50), split=0b1100)
        + op(RUN)
        + op(READ_BUFFERED)
        + op(RUN)
        + op(READ_BUFFERED)
        + op(READ_SOME)
        + op(READ_ALL)
        + op(PEER_EOF)
    ),
    # Option requests of our own, answered, refused or left to time out.
    "requests": header() + bytes(
        op(REQUEST, NAWS, 1)
        + op(REQUEST, ECHO, 0)
        + peer(do(NAWS), wont(ECHO), dont(NAWS))
        + op(REQUEST, TM, 0)
        + op(ADVANCE, A_30S)
    ),
}

# Inputs that broke an invariant of the library when found: they fail until it is fixed.
REGRESSIONS = {
    # A pending ReadAll, then a chunk past MaxBufferedBytes: the read fails with the limit (right) but the 4 bytes
    # it had taken from the queue are gone (neither returned nor readable).
    "regression-readall-limit-loss": header(buffered=15) + bytes(
        op(READ_ALL)
        + peer(text(T_OK))
        + peer(run(20))
        + op(READ_BUFFERED)
    ),
    # The same bytes queued and readable after the session closed on MaxBufferedBytes: a ReadAll takes them and
    # fails, and they are gone.
    "regression-readall-after-limit-close": header(buffered=15) + bytes(
        peer(text(T_OK))
        + peer(run(20))
        + op(READ_ALL)
        + op(READ_BUFFERED)
    ),
    # ReadAllAsync canceled (and a ReadAll subscription disposed) after data arrived: the data is gone.
    "regression-readall-cancel-loss": header() + bytes(
        op(READ_ALL_ASYNC, 1)
        + peer(text(T_OK))
        + op(CANCEL)
        + op(READ_ALL)
        + peer(text(T_FAIL))
        + op(ABANDON)
        + op(READ_BUFFERED)
    ),
    # GMCP agreed on the peer's side only, the peer asks us to enable it twice while not reading, and a GMCP message
    # goes between: WONT, the message, WONT. The second reply may not replace the first (it would overtake the
    # message), so two are queued at once; the coalescing check must count between subnegotiations of the option.
    "regression-replies-around-subnegotiation": header(pending=63, window=0) + bytes(
        op(STOP)
        + op(REQUEST, GMCP, 0)
        + peer(will(GMCP), do(GMCP))
        + op(SEND_SB, GMCP, 2, 0x41, 0x42, 1)
        + peer(do(GMCP))
        + op(RESUME)
    ),
    # ReadAll past MaxReadAllBytes closes the session before the chunk that took it there is broadcast on Data
    # (Events carries it, and it stays readable).
    "regression-data-misses-last-chunk": header(read_all=7) + bytes(
        op(READ_ALL)
        + peer(text(T_OK))
        + peer(text(T_WELCOME))
        + op(READ_BUFFERED)
    ),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "session-corpus")
    os.makedirs(out, exist_ok=True)
    for name, data in {**SEEDS, **REGRESSIONS}.items():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)
    print(f"wrote {len(SEEDS)} seeds and {len(REGRESSIONS)} regression inputs to {out}")


if __name__ == "__main__":
    main()
