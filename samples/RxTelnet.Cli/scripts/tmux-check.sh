#!/usr/bin/env bash
# Checks rxtelnet's interactive mode in a real pseudo-terminal, which the test suite cannot give it:
# key-by-key input, local echo, the Ctrl-] prompt. Runs the demo server inside rxtelnet (--demo).
# Needs tmux. Usage: samples/RxTelnet.Cli/scripts/tmux-check.sh   (from the repository root)
set -euo pipefail

session="rxtelnet-check-$$"
dll="samples/RxTelnet.Cli/bin/Debug/net10.0/RxTelnet.Cli.dll"
dotnet build samples/RxTelnet.Cli -v quiet -nologo >/dev/null
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
tmux new-session -d -s "$session" -x 100 -y 30 "dotnet exec $dll --demo; echo rxtelnet-exit=\$?; sleep 30"

# Waits until the pane shows $1 (at most 20 s). capture-pane drops trailing spaces: patterns have none.
wait_for() {
    for _ in $(seq 1 200); do
        if tmux capture-pane -p -t "$session" | grep -qF -- "$1"; then return 0; fi
        sleep 0.1
    done
    echo "FAIL: never saw '$1'"; tmux capture-pane -p -t "$session"; exit 1
}

wait_for "login:"
tmux send-keys -t "$session" "demo" Enter
wait_for "Password:"
tmux send-keys -t "$session" "secret" Enter
wait_for "Welcome, demo."
tmux send-keys -t "$session" "show version" Enter
wait_for "version 0.1.0"
tmux send-keys -t "$session" C-]
wait_for "rxtelnet>"
tmux send-keys -t "$session" "status" Enter
wait_for "State: Open"
tmux send-keys -t "$session" "continue" Enter
tmux send-keys -t "$session" "exit" Enter
wait_for "Connection closed by foreign host."
wait_for "rxtelnet-exit=0"
tmux capture-pane -p -t "$session"
echo "PASS: interactive mode works in a pseudo-terminal"
