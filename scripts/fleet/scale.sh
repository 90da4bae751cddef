#!/usr/bin/env bash
# Measures the FleetCluster sample: the same fleet polled at a fixed period by 1, 2 and 3 silos (separate
# processes on this machine), one run after the other, and prints each run's summary (polls/s after warm-up,
# latency, devices per silo, managed heap and working set per device, load average).
#
#   bash scripts/fleet/scale.sh [DEVICES] [PERIOD_SECONDS] [RUN_SECONDS]      (defaults: 1000 2 60)
#
# Release build; simulated devices without faults; each run's CSV goes under the system's temp folder.
# Exit status: 0 every run finished; non-zero as soon as one fails.
set -euo pipefail

DEVICES=${1:-1000}
PERIOD=${2:-2}
SECONDS_PER_RUN=${3:-60}
[[ $DEVICES =~ ^[0-9]+$ && $SECONDS_PER_RUN =~ ^[0-9]+$ ]] || { echo "usage: $0 [DEVICES] [PERIOD_SECONDS] [RUN_SECONDS]" >&2; exit 2; }

cd "$(dirname "$0")/../.."
dotnet build -c Release samples/FleetCluster/FleetCluster.csproj -v quiet -nologo >/dev/null
APP=samples/FleetCluster/bin/Release/net10.0/FleetCluster.dll
echo "cores $(nproc), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for SILOS in 1 2 3; do
  echo
  echo "== $SILOS silo(s), $DEVICES devices, period $PERIOD s, $SECONDS_PER_RUN s"
  # Only the summary: the live table goes to the pipe every 5 s when output is not a terminal.
  dotnet "$APP" run --silos "$SILOS" --devices "$DEVICES" --period "$PERIOD" --duration "$SECONDS_PER_RUN" --no-faults \
    | sed -n '/^devices [0-9]*, silos/,$p'
done
