#!/usr/bin/env bash
# Mutation testing of one group of the core with Stryker.NET 5.1.0 over the unit tests.
#
#   bash scripts/mutation/run.sh [GROUP] [--concurrency N]
#
# GROUP (default parser):
#   parser        Protocol/TelnetParser.cs, Protocol/TelnetEncoder.cs
#   negotiation   Negotiation/*.cs
#   reading       Reading/CookedBuffer.cs, Reading/UntilMatcher.cs, Reading/ExpectMatcher.cs
#   session-read  Session/TelnetSession.Read.cs
#   options       Options/*.cs
#   transport     Transport/*.cs
#   facade        Compat/*.cs
#
# Installs dotnet-stryker into a cache folder outside the tree (first run only), copies the working tree
# (uncommitted changes included, bin/obj left out) to a scratch folder, runs Stryker there from
# tests/RxTelnet.Tests against src/RxTelnet, and writes the logs and the JSON/HTML reports to
# ${MUTATION_OUT:-${TMPDIR:-/tmp}/rxtelnet-mutation}/GROUP. The copy keeps Stryker's builds away from
# the tree's bin/obj, so the tree can be built and tested while a run goes on. Prints the survivors,
# the counts per status and
#   score = killed / (killed + survived + no coverage)
# where a mutant that timed out counts neither as killed nor in the denominator.
# Slow (minutes to an hour per group on two cores) and CPU-heavy: not part of CI.
#
# Exit status: 0 the run finished (whatever the score); 1 Stryker failed; 2 usage error.
set -euo pipefail

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

GROUP=parser
CONCURRENCY=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --concurrency) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage; CONCURRENCY=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) GROUP=$1; shift ;;
  esac
done

case $GROUP in
  parser)       MUTATE=("**/Protocol/TelnetParser.cs" "**/Protocol/TelnetEncoder.cs") ;;
  negotiation)  MUTATE=("**/Negotiation/*.cs") ;;
  reading)      MUTATE=("**/Reading/CookedBuffer.cs" "**/Reading/UntilMatcher.cs" "**/Reading/ExpectMatcher.cs") ;;
  session-read) MUTATE=("**/Session/TelnetSession.Read.cs") ;;
  options)      MUTATE=("**/Options/*.cs") ;;
  transport)    MUTATE=("**/Transport/*.cs") ;;
  facade)       MUTATE=("**/Compat/*.cs") ;;
  *) echo "unknown group: $GROUP" >&2; usage ;;
esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BASE=${MUTATION_OUT:-${TMPDIR:-/tmp}/rxtelnet-mutation}
TOOL_DIR=$BASE/tool
OUT=$BASE/$GROUP
STRYKER_VERSION=5.1.0

if ! dotnet tool list --tool-path "$TOOL_DIR" 2>/dev/null | grep -Eq "^dotnet-stryker +$STRYKER_VERSION "; then
  mkdir -p "$TOOL_DIR"
  dotnet tool install dotnet-stryker --version "$STRYKER_VERSION" --tool-path "$TOOL_DIR" >&2 \
    || dotnet tool update dotnet-stryker --version "$STRYKER_VERSION" --tool-path "$TOOL_DIR" >&2
fi

rm -rf "$OUT"
mkdir -p "$OUT/tree"
# The tracked and untracked-but-not-ignored files, as they are now.
git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
  | tar -C "$ROOT" --null --ignore-failed-read -T - -cf - 2>/dev/null \
  | tar -C "$OUT/tree" -xf -
args=()
for m in "${MUTATE[@]}"; do args+=(--mutate "$m"); done

echo "mutation: group $GROUP (${MUTATE[*]}), concurrency $CONCURRENCY, reports in $OUT" >&2
cd "$OUT/tree/tests/RxTelnet.Tests"
if ! "$TOOL_DIR/dotnet-stryker" \
    --config-file "$OUT/tree/scripts/mutation/stryker-config.json" \
    --concurrency "$CONCURRENCY" \
    --output "$OUT/report" \
    --skip-version-check \
    "${args[@]}" >"$OUT/stryker.log" 2>&1; then
  tail -n 40 "$OUT/stryker.log" >&2
  echo "mutation: Stryker failed, full log in $OUT/stryker.log" >&2
  exit 1
fi

REPORT=$(find "$OUT/report" -name mutation-report.json | head -n 1)
[[ -n $REPORT ]] || { echo "mutation: no JSON report under $OUT" >&2; exit 1; }
python3 - "$REPORT" "$GROUP" <<'PY'
import json, sys, collections
report, group = sys.argv[1], sys.argv[2]
data = json.load(open(report))
counts = collections.Counter()
survivors = []
for path, f in sorted(data["files"].items()):
    for m in f["mutants"]:
        counts[m["status"]] += 1
        if m["status"] in ("Survived", "NoCoverage"):
            loc = m["location"]["start"]
            survivors.append(f'{path.split("src/RxTelnet/")[-1]}:{loc["line"]}:{loc["column"]} '
                             f'{m["status"]} {m["mutatorName"]}: {m.get("replacement", "")!r}'[:200])
for s in survivors:
    print("  " + s)
killed, survived, nocov = counts["Killed"], counts["Survived"], counts["NoCoverage"]
print("statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
den = killed + survived + nocov
score = 100.0 * killed / den if den else 0.0
print(f"group {group}: killed {killed}, survived {survived}, no coverage {nocov}, timeout {counts['Timeout']} "
      f"-> score {score:.1f} % (killed / (killed + survived + no coverage))")
print(f"report: {report.rsplit('/', 1)[0]}/mutation-report.html")
PY
