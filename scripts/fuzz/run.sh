#!/usr/bin/env bash
# Fuzzes the Telnet parser and encoder for SECONDS.
#
#   bash scripts/fuzz/run.sh SECONDS [--plain]
#
# With afl-fuzz (installed from Debian's afl++ package when missing and running as root) the harness runs
# coverage-guided: RxTelnet.dll is instrumented with SharpFuzz and fed by afl-fuzz. Without it, or with
# --plain, the same harness runs as a plain random driver over the corpus. Either way the corpus is replayed
# first as a regression run. Idempotent; everything it builds or installs lives under artifacts/fuzz.
#
# Exit status: 0 no finding; 1 a finding (crash, invariant broken, or a hang that reproduces);
# 2 usage or setup error (afl-fuzz unusable while FUZZ_REQUIRE_AFL=1).
#
# To see the failing path work: RXTELNET_FUZZ_CANARY=1 makes every input that starts with "Z" a failure,
# which either mode finds within seconds, so the script must then exit 1.
set -euo pipefail

usage() { echo "usage: $0 SECONDS [--plain]" >&2; exit 2; }
[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
DURATION=$1
MODE=afl
[[ ${2:-} == --plain ]] && MODE=plain
[[ $# -le 2 ]] || usage

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${FUZZ_WORK:-$ROOT/artifacts/fuzz}
CORPUS=$ROOT/scripts/fuzz/corpus
DICT=$ROOT/scripts/fuzz/telnet.dict
SHARPFUZZ_VERSION=2.3.0
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { echo "fuzz: $*"; }

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
  log "plain random driver for ${DURATION}s"
  harness random "$DURATION" "$CORPUS" --crashes "$WORK/crashes"
}

# Replays saved inputs with the uninstrumented build and prints why each one fails.
replay_each() {
  local failed=0 f
  for f in "$@"; do
    [[ -f $f ]] || continue
    if ! timeout 60 dotnet "$WORK/plain/RxTelnet.Fuzz.dll" replay "$f"; then failed=1; fi
  done
  return $failed
}

run_afl() {
  ensure_sharpfuzz || return 3
  cp -r "$WORK/plain" "$WORK/afl" || return 3
  "$WORK/tools/sharpfuzz" "$WORK/afl/RxTelnet.dll" >/dev/null || return 3
  local out=$WORK/findings
  rm -rf "$out"
  log "afl-fuzz for ${DURATION}s"
  # dotnet itself is not instrumented (only RxTelnet.dll is), hence SKIP_BIN_CHECK; NO_AFFINITY because a
  # shared or container machine may have no idle core to bind to; a generous start-up timeout for the runtime.
  if ! AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
       AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000 \
       afl-fuzz -i "$CORPUS" -o "$out" -x "$DICT" -t 5000 -m none -V "$DURATION" \
       -- dotnet "$WORK/afl/RxTelnet.Fuzz.dll" afl >"$WORK/afl-fuzz.log" 2>&1; then
    tail -n 30 "$WORK/afl-fuzz.log" >&2
    return 3
  fi

  local stats=$out/default/fuzzer_stats
  local execs runtime crashes hangs
  execs=$(awk -F: '/^execs_done/ {gsub(/ /, "", $2); print $2}' "$stats")
  runtime=$(awk -F: '/^run_time/ {gsub(/ /, "", $2); print $2}' "$stats")
  crashes=$(find "$out/default/crashes" -maxdepth 1 -name 'id:*' | wc -l)
  hangs=$(find "$out/default/hangs" -maxdepth 1 -name 'id:*' | wc -l)
  log "afl: executions=$execs seconds=$runtime corpus=$(find "$out/default/queue" -maxdepth 1 -name 'id:*' | wc -l) crashes=$crashes hangs=$hangs"

  local status=0
  if [[ $crashes -gt 0 ]]; then
    log "crashes saved in $out/default/crashes; replaying them:"
    replay_each "$out/default/crashes"/id:* || true
    status=1
  fi

  # A hang under afl-fuzz may be the machine (GC pause, load): it counts only if it hangs again on its own.
  local f
  for f in "$out/default/hangs"/id:*; do
    [[ -f $f ]] || continue
    if ! timeout 60 dotnet "$WORK/plain/RxTelnet.Fuzz.dll" replay "$f"; then
      log "hang reproduced: $f"
      status=1
    else
      log "hang did not reproduce (finished on replay): $f"
    fi
  done

  # What afl-fuzz found interesting is a free regression corpus for the plain build.
  harness replay "$out/default/queue" || status=1
  return $status
}

mkdir -p "$WORK"
cd "$ROOT"
build
log "replaying the corpus"
harness replay "$CORPUS"

if [[ $MODE == afl ]]; then
  if ensure_afl; then
    set +e
    run_afl
    rc=$?
    set -e
    [[ $rc -ne 3 ]] && exit $rc
    log "afl-fuzz could not run (see above)"
  else
    log "afl-fuzz is not available"
  fi

  if [[ ${FUZZ_REQUIRE_AFL:-0} == 1 ]]; then
    exit 2
  fi

  log "WARNING: falling back to the plain driver (no coverage feedback)"
fi

run_plain
