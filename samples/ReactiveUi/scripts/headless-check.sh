#!/usr/bin/env bash
# Headless check of the ReactiveUi sample: runs the app in a detached tmux pane against the embedded demo
# server, types the login dialogue and a command as a user would, captures the pane as text and checks it.
#
#   samples/ReactiveUi/scripts/headless-check.sh [--no-build] [--app DLL] [--capture FILE]
#
# --app runs an already built RxTelnet.ReactiveUi.dll (the tests pass their own copy) instead of building.
# Needs tmux (apt-get install tmux) and the .NET SDK. Exit status 0 when the capture shows the version line
# in the output pane and "state: Open" in the state panel; 1 with the capture printed otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/../ReactiveUi.csproj"
build=1
capture_file=""
app=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0; shift ;;
        --capture) capture_file="$2"; shift 2 ;;
        --app) app="$2"; build=0; shift 2 ;;
        *) echo "usage: $0 [--no-build] [--app DLL] [--capture FILE]" >&2; exit 2 ;;
    esac
done

command -v tmux >/dev/null || { echo "tmux not found (apt-get install tmux)" >&2; exit 2; }
if [[ $build -eq 1 ]]; then
    dotnet build "$project" --nologo -v quiet >/dev/null
fi
app="${app:-$(dirname "$project")/bin/Debug/net10.0/RxTelnet.ReactiveUi.dll}"
[[ -f "$app" ]] || { echo "not built: $app" >&2; exit 2; }

session="rxtelnet-ui-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; }
trap cleanup EXIT

# A fixed size keeps the layout (and the capture) the same everywhere.
tmux new-session -d -s "$session" -x 120 -y 24 "TERM=xterm-256color dotnet '$app'"

# Polls the pane for a pattern, up to ~20 s: the app and its embedded server need a moment to start.
wait_for() {
    local pattern="$1"
    for _ in $(seq 1 100); do
        if tmux capture-pane -p -t "$session" | grep -qF -- "$pattern"; then
            return 0
        fi
        sleep 0.2
    done
    echo "timed out waiting for: $pattern" >&2
    tmux capture-pane -p -t "$session" >&2
    return 1
}

type_line() {
    tmux send-keys -t "$session" -l -- "$1"
    tmux send-keys -t "$session" Enter
}

wait_for "login:"
type_line demo
wait_for "Password:"
type_line secret
wait_for "Welcome, demo."
type_line "show version"
wait_for "version 0.1.0"

capture="$(tmux capture-pane -p -t "$session")"
if [[ -n "$capture_file" ]]; then
    printf '%s\n' "$capture" >"$capture_file"
fi
printf '%s\n' "$capture"

status=0
grep -qF "RxTelnet demo device, version 0.1.0" <<<"$capture" || { echo "FAIL: no version line" >&2; status=1; }
grep -qF "state: Open" <<<"$capture" || { echo "FAIL: state panel does not show Open" >&2; status=1; }
[[ $status -eq 0 ]] && echo "headless check passed"
exit $status
