#!/bin/bash
# Packs src/RxTelnet, checks what the package holds, installs it from a local folder feed into a throw-away
# console project and compiles the README's first C# example against it. Exits 0 only when all of that holds.
#   bash scripts/package/check.sh [WORK_DIR]     (default: a temporary folder, removed afterwards)
# The throw-away project restores RxTelnet from the folder feed and its dependencies from the usual sources,
# into a packages folder of its own, so no copy of RxTelnet cached by an earlier run can stand in for this one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$PWD

work=${1:-}
if [ -z "$work" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
feed="$work/feed"
app="$work/app"
mkdir -p "$feed" "$app"

version=$(sed -nE 's|.*<Version>([^<]+)</Version>.*|\1|p' Directory.Build.props | head -1)
fail() { echo "package: $*" >&2; exit 1; }

echo "package: packing RxTelnet $version into $feed"
dotnet pack src/RxTelnet -c Release -o "$feed" >"$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; fail "dotnet pack failed"; }
nupkg="$feed/RxTelnet.$version.nupkg"
snupkg="$feed/RxTelnet.$version.snupkg"
[ -f "$nupkg" ] || fail "no $nupkg"
[ -f "$snupkg" ] || fail "no symbol package $snupkg"

# What the package must hold: README, licence, XML docs, tags, the commit it was built from; the pdb in the .snupkg.
python3 - "$nupkg" "$snupkg" <<'PY' || fail "the package lacks something (above)"
import sys, zipfile, re
nupkg, snupkg = sys.argv[1:3]
z = zipfile.ZipFile(nupkg)
names = set(z.namelist())
nuspec = z.read("RxTelnet.nuspec").decode("utf-8-sig")
problems = []
for need in ("README.md", "lib/net10.0/RxTelnet.dll", "lib/net10.0/RxTelnet.xml"):
    if need not in names:
        problems.append(f"{need} missing from the .nupkg")
for pattern, what in ((r"<readme>README.md</readme>", "readme"), (r'<license type="expression">MIT</license>', "licence"),
                      (r"<tags>[^<]*telnet[^<]*</tags>", "tags"), (r'<repository type="git"[^>]* commit="[0-9a-f]{40}"', "repository commit")):
    if not re.search(pattern, nuspec):
        problems.append(f"nuspec has no {what}")
if "lib/net10.0/RxTelnet.pdb" not in zipfile.ZipFile(snupkg).namelist():
    problems.append("RxTelnet.pdb missing from the .snupkg")
for p in problems:
    print("package: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

# A throw-away console project, outside the repository (no Directory.Build.props or central versions apply).
cat >"$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="rxtelnet-local" value="$feed" />
  </packageSources>
  <config>
    <add key="globalPackagesFolder" value="$work/packages" />
  </config>
</configuration>
XML
(cd "$app" && dotnet new console --framework net10.0 --name ReadmeExample --output . >"$work/new.log" 2>&1) ||
    { cat "$work/new.log" >&2; fail "dotnet new console failed"; }
(cd "$app" && dotnet add package RxTelnet --version "$version" >"$work/add.log" 2>&1) ||
    { cat "$work/add.log" >&2; fail "installing RxTelnet $version from the folder feed failed"; }

# The README's first C# example, as the program.
python3 - "$repo/README.md" "$app/Program.cs" <<'PY' || fail "no C# example in README.md"
import sys, re
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"```csharp\n(.*?)```", text, re.S)
if not m:
    sys.exit(1)
open(sys.argv[2], "w", encoding="utf-8").write(m.group(1))
PY
echo "package: compiling the README's first example against the package:"
sed 's/^/    /' "$app/Program.cs"
(cd "$app" && dotnet build -c Release -p:TreatWarningsAsErrors=false >"$work/build.log" 2>&1) ||
    { cat "$work/build.log" >&2; fail "the README's first example does not compile against the package"; }
[ -f "$work/packages/rxtelnet/$version/rxtelnet.$version.nupkg" ] || fail "RxTelnet was not restored from the folder feed"
cmp -s "$work/packages/rxtelnet/$version/rxtelnet.$version.nupkg" "$nupkg" || fail "the restored RxTelnet is not the package just packed"
echo "package: RxTelnet $version installs from a folder feed and the README's first example compiles against it"
