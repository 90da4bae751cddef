#!/bin/bash
# Stop every peer start.sh left running: each runs in its own session, so
# killing its process group also ends the per-connection children (telnetd,
# login.sh, socat). TERM first, KILL after a bounded wait.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

[ -d "$PEERS_DIR" ] || exit 0

pids=()
for f in "$PEERS_DIR"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    rm -f "$f"
    [[ $pid =~ ^[0-9]+$ ]] || continue
    if alive "$pid"; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
        pids+=("$pid")
        echo "peers: stopping $(basename "$f" .pid) ($pid)"
    fi
done

for ((i = 0; i < 50; i++)); do
    left=()
    for pid in "${pids[@]}"; do alive "$pid" && left+=("$pid"); done
    [ ${#left[@]} -eq 0 ] && break
    sleep 0.1
done
for pid in "${left[@]}"; do
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
done
# A certificate start.sh had to put at IKSD's fixed path (no mount namespace).
if [ -f "$PEERS_DIR/iksd.placed" ]; then
    rm -f "$(cat "$PEERS_DIR/iksd.placed")" "$PEERS_DIR/iksd.placed"
fi
rm -f "$PEERS_DIR/peers.env" "$PEERS_DIR"/*.port
exit 0
