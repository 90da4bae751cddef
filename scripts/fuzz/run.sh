#!/usr/bin/env bash
# Fuzzes the Telnet parser and encoder, and the session, for SECONDS in all.
#
#   bash scripts/fuzz/run.sh SECONDS [--plain] [--target parser|session|both]
#
# Two targets (tests/RxTelnet.Fuzz): "parser" (parser, encoder and a scripted session; corpus scripts/fuzz/corpus)
# and "session" (a program of peer bytes and application operations driving a session in virtual time; corpus
# scripts/fuzz/session-corpus). With both (the default) each gets half of SECONDS, one after the other.
#
# With afl-fuzz (installed from Debian's afl++ package when missing and running as root) the harness runs
# coverage-guided: RxTelnet.dll is instrumented with SharpFuzz and fed by afl-fuzz. Without it, or with
# --plain, the same harness runs as a plain random driver over the corpus. Either way both corpora are replayed
# first as a regression run. Idempotent; everything it builds or installs lives under artifacts/fuzz.
#
# Exit status: 0 no finding; 1 a finding (crash, invariant broken, or a hang that reproduces);
# 2 usage or setup error (afl-fuzz unusable while FUZZ_REQUIRE_AFL=1).
#
# To see the failing path work: RXTELNET_FUZZ_CANARY=1 makes every input that starts with "Z" a failure in
# either target, which either mode finds within seconds, so the script must then exit 1.
set -euo pipefail

usage() { echo "usage: $0 SECONDS [--plain] [--target parser|session|both]" >&2; exit 2; }
[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
DURATION=$1
shift
MODE=afl
TARGETS="parser session"
while [[ $# -gt 0 ]]; do
  case $1 in
    --plain) MODE=plain; shift ;;
    --target)
      [[ $# -ge 2 ]] || usage
      case $2 in
        parser|session) TARGETS=$2 ;;
        both) TARGETS="parser session" ;;
        *) usage ;;
      esac
      shift 2 ;;
    *) usage ;;
  esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${FUZZ_WORK:-$ROOT/artifacts/fuzz}
DICT=$ROOT/scripts/fuzz/telnet.dict
SHARPFUZZ_VERSION=2.3.0
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { echo "fuzz: $*"; }

# The corpus of each target.
corpus_of() { [[ $1 == session ]] && echo "$ROOT/scripts/fuzz/session-corpus" || echo "$ROOT/scripts/fuzz/corpus"; }

# Each target's share of the time, fixed up front (the first target takes the odd second; at least 1 s each).
declare -A SHARE
n_targets=$(wc -w <<<"$TARGETS")
for t in $TARGETS; do
  SHARE[$t]=$(( DURATION / n_targets > 0 ? DURATION / n_targets : 1 ))
done
first=${TARGETS%% *}
SHARE[$first]=$(( SHARE[$first] + DURATION - SHARE[$first] * n_targets > 0 ? SHARE[$first] + DURATION - SHARE[$first] * n_targets : SHARE[$first] ))
seconds_of() { echo "${SHARE[$1]}"; }

ensure_afl() {
  command -v afl-fuzz >/dev/null 2>&1 && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing afl++ from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null \
      || return 1
    command -v afl-fuzz >/dev/null 2>&1
  else
    return 1
  fi
}

ensure_sharpfuzz() {
  [[ -x $WORK/tools/sharpfuzz ]] && return 0
  log "installing the SharpFuzz.CommandLine $SHARPFUZZ_VERSION tool"
  dotnet tool install --tool-path "$WORK/tools" SharpFuzz.CommandLine --version "$SHARPFUZZ_VERSION" >/dev/null
}

build() {
  log "building the harness"
  rm -rf "$WORK/plain" "$WORK/afl"
  dotnet publish "$ROOT/tests/RxTelnet.Fuzz/RxTelnet.Fuzz.csproj" -c Release -o "$WORK/plain" -v quiet -nologo >/dev/null
}

# The plain build stays uninstrumented: instrumented code needs afl-fuzz's shared memory to run.
harness() { dotnet "$WORK/plain/RxTelnet.Fuzz.dll" "$@"; }

run_plain() {
  local target=$1 seconds
  seconds=$(seconds_of "$target")
  log "plain random driver, $target target, for ${seconds}s"
  harness random "$seconds" "$(corpus_of "$target")" --target "$target" --crashes "$WORK/crashes-$target"
}

# Replays saved inputs of TARGET with the uninstrumented build and prints why each one fails.
replay_each() {
  local target=$1 failed=0 f
  shift
  for f in "$@"; do
    [[ -f $f ]] || continue
    if ! timeout 60 dotnet "$WORK/plain/RxTelnet.Fuzz.dll" replay --target "$target" "$f"; then failed=1; fi
  done
  return $failed
}

# Instruments a copy of the build for afl-fuzz, once.
instrument() {
  [[ -d $WORK/afl ]] && return 0
  ensure_sharpfuzz || return 3
  cp -r "$WORK/plain" "$WORK/afl" || return 3
  "$WORK/tools/sharpfuzz" "$WORK/afl/RxTelnet.dll" >/dev/null || { rm -rf "$WORK/afl"; return 3; }
}

run_afl() {
  local target=$1 seconds
  seconds=$(seconds_of "$target")
  instrument || return 3
  local out=$WORK/findings-$target
  rm -rf "$out"
  log "afl-fuzz, $target target, for ${seconds}s"
  # dotnet itself is not instrumented (only RxTelnet.dll is), hence SKIP_BIN_CHECK; NO_AFFINITY because a
  # shared or container machine may have no idle core to bind to; a generous start-up timeout for the runtime.
  if ! AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
       AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000 \
       afl-fuzz -i "$(corpus_of "$target")" -o "$out" -x "$DICT" -t 5000 -m none -V "$seconds" \
       -- dotnet "$WORK/afl/RxTelnet.Fuzz.dll" afl "$target" >"$WORK/afl-fuzz-$target.log" 2>&1; then
    tail -n 30 "$WORK/afl-fuzz-$target.log" >&2
    return 3
  fi

  local stats=$out/default/fuzzer_stats
  local execs runtime crashes hangs
  execs=$(awk -F: '/^execs_done/ {gsub(/ /, "", $2); print $2}' "$stats")
  runtime=$(awk -F: '/^run_time/ {gsub(/ /, "", $2); print $2}' "$stats")
  crashes=$(find "$out/default/crashes" -maxdepth 1 -name 'id:*' | wc -l)
  hangs=$(find "$out/default/hangs" -maxdepth 1 -name 'id:*' | wc -l)
  log "afl $target: executions=$execs seconds=$runtime corpus=$(find "$out/default/queue" -maxdepth 1 -name 'id:*' | wc -l) crashes=$crashes hangs=$hangs"

  local status=0
  if [[ $crashes -gt 0 ]]; then
    # The first few only: one process each, and an open finding can give hundreds of crashes in a short run.
    log "crashes saved in $out/default/crashes; replaying the first $(( crashes < 5 ? crashes : 5 )) of $crashes:"
    local first
    mapfile -t first < <(find "$out/default/crashes" -maxdepth 1 -name 'id:*' | sort | head -n 5)
    replay_each "$target" "${first[@]}" || true
    status=1
  fi

  # A hang under afl-fuzz may be the machine (GC pause, load): it counts only if it hangs again on its own.
  local f
  for f in "$out/default/hangs"/id:*; do
    [[ -f $f ]] || continue
    if ! timeout 60 dotnet "$WORK/plain/RxTelnet.Fuzz.dll" replay --target "$target" "$f"; then
      log "hang reproduced: $f"
      status=1
    else
      log "hang did not reproduce (finished on replay): $f"
    fi
  done

  # What afl-fuzz found interesting is a free regression corpus for the plain build.
  harness replay --target "$target" "$out/default/queue" || status=1
  return $status
}

mkdir -p "$WORK"
cd "$ROOT"
build
# A failing corpus input (an open finding) fails the run, but the fuzzing still runs.
log "replaying the corpora"
replayed=0
harness replay --target parser "$(corpus_of parser)" || replayed=1
harness replay --target session "$(corpus_of session)" || replayed=1

if [[ $MODE == afl ]]; then
  if ensure_afl; then
    status=$replayed
    left=$TARGETS
    for target in $TARGETS; do
      set +e
      run_afl "$target"
      rc=$?
      set -e
      [[ $rc -eq 3 ]] && break
      [[ $rc -ne 0 ]] && status=1
      left=${left#"$target"}
      left=${left# }
    done
    [[ -z $left ]] && exit $status
    # Only what afl-fuzz could not run falls back to the plain driver below.
    TARGETS=$left
    log "afl-fuzz could not run (see above)"
  else
    log "afl-fuzz is not available"
  fi

  if [[ ${FUZZ_REQUIRE_AFL:-0} == 1 ]]; then
    exit 2
  fi

  log "WARNING: falling back to the plain driver (no coverage feedback)"
fi

status=${status:-$replayed}
for target in $TARGETS; do
  run_plain "$target" || status=1
done
exit $status
