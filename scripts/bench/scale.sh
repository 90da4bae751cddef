#!/usr/bin/env bash
# Many idle sessions in one TelnetListener over loopback (issue #14, deliverable 5).
#   scripts/bench/scale.sh [SESSIONS] [PER_CLIENT_PROCESS]
# Raises the open-file limit to the hard limit first: the server needs one descriptor per session, and each client
# process one per connection it opens from its own 127.0.0.x source address. SESSIONS above the hard limit cannot
# run in one process; the script says so and stops.
set -euo pipefail
cd "$(dirname "$0")/../.."
sessions=${1:-50000}
per_process=${2:-10000}
ulimit -n "$(ulimit -Hn)"
limit=$(ulimit -n)
if [ "$limit" != unlimited ] && [ "$sessions" -gt $((limit - 200)) ]; then
    echo "open-file limit is $limit (hard): at most $((limit - 200)) sessions fit in one listener process here" >&2
    exit 2
fi
dotnet build -c Release tests/RxTelnet.Benchmarks >/dev/null
dotnet run -c Release --no-build --project tests/RxTelnet.Benchmarks -- --scale "$sessions" "$per_process"
