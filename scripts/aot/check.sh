#!/bin/bash
# Publishes samples/RxTelnet.Cli with NativeAOT (linux-x64) and runs its demo script with the native binary:
# the embedded demo device, log in, `show version`, exit. Exits 0 only when the publish had no warning, the
# binary ran the script to its end (exit 0) and the device's answers were seen.
#   bash scripts/aot/check.sh [OUT_DIR]      (default: a temporary folder, removed afterwards)
# NativeAOT needs clang and zlib1g-dev (.ci/run installs them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

out=${1:-}
if [ -z "$out" ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi

log="$out/publish.log"
if ! dotnet publish samples/RxTelnet.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$out/bin" >"$log" 2>&1; then
    cat "$log" >&2
    echo "aot: the NativeAOT publish failed" >&2
    exit 1
fi
# Trim and AOT warnings (IL2xxx, IL3xxx) would mean the binary may not behave as the JIT-compiled one.
if grep -E 'warning IL[23][0-9]{3}' "$log" >&2; then
    echo "aot: the publish reported trim/AOT warnings" >&2
    exit 1
fi

binary="$out/bin/RxTelnet.Cli"
[ -x "$binary" ] || { echo "aot: no native binary at $binary" >&2; exit 1; }
# One version source: Directory.Build.props.
version=$(sed -nE 's|.*<Version>([^<]+)</Version>.*|\1|p' Directory.Build.props | head -1)
if [ "$("$binary" --version)" != "$version" ]; then
    echo "aot: --version says '$("$binary" --version)', Directory.Build.props '$version'" >&2
    exit 1
fi

set +e
transcript=$(timeout 60 "$binary" --demo --script samples/RxTelnet.Cli/scripts/demo-login.txt 2>&1)
rc=$?
set -e
printf '%s\n' "$transcript"
if [ "$rc" -ne 0 ]; then
    echo "aot: the native binary's demo script exited $rc" >&2
    exit 1
fi
for seen in 'Welcome, demo.' 'RxTelnet demo device, version' 'bye'; do
    if ! grep -qF "$seen" <<<"$transcript"; then
        echo "aot: the demo transcript lacks '$seen'" >&2
        exit 1
    fi
done
echo "aot: native rxtelnet ($(du -h "$binary" | cut -f1)) ran the demo script"
