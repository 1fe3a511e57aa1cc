#!/bin/sh
# Packs every NativeDance package (the libraries and the dance tool) into a folder, prints their sizes and checks
# that the tool installs from it and runs. Fails if a pack fails, if the packages together pass 2 MB, or if the
# installed tool does not start.
# Usage: scripts/pack.sh [output folder]   (default: out/packages)
set -eu
cd "$(dirname "$0")/.."
out="${1:-out/packages}"
limit=$((2 * 1024 * 1024))

rm -rf "$out"
dotnet pack -c Release -o "$out" --nologo -v quiet

total=0
printf '%-44s %10s\n' package bytes
for package in "$out"/*.nupkg; do
    size=$(wc -c < "$package")
    total=$((total + size))
    printf '%-44s %10d\n' "$(basename "$package")" "$size"
done
printf '%-44s %10d (symbols packages .snupkg not counted)\n' total "$total"
if [ "$total" -gt "$limit" ]; then
    echo "pack: the packages take $total bytes, more than the 2 MB budget" >&2
    exit 1
fi

tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
dotnet tool install dance --tool-path "$tools" --add-source "$out" --version "$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Directory.Build.props)" > /dev/null
"$tools/dance" --help > /dev/null
echo "pack: dance installs as a .NET tool and runs"
