#!/bin/sh
# Publishes the dance CLI as a Native AOT binary (linux-x64) and runs `dance demo --quick` with it. Fails on any AOT
# or trim warning, on a failed publish, or if the native demo does not write its summary.
# The binary is compiled for this machine's instruction set: the engine's kernels pick AVX-512 or AVX2 when the JIT
# sees them, but Native AOT only emits what the target allows, and a baseline x64 binary would run on 128-bit vectors.
# Native AOT links with clang and zlib; when they are missing scripts/install-deps.sh installs them.
# Usage: scripts/publish-aot.sh [output folder]   (default: out/aot)
set -eu
cd "$(dirname "$0")/.."
out="${1:-out/aot}"

find_clang() { command -v clang || ls /usr/bin/clang-[0-9]* 2>/dev/null | sort -V | tail -n 1 || true; }
compiler=$(find_clang)
if [ -z "$compiler" ] || [ ! -e /usr/include/zlib.h ]; then
    sh scripts/install-deps.sh clang zlib1g-dev
    compiler=$(find_clang)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet publish src/Cli -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=native \
        -p:CppCompilerAndLinker="$compiler" -o "$out" --nologo > "$log" 2>&1; then
    cat "$log"
    echo "publish-aot: the Native AOT publish failed" >&2
    exit 1
fi
if grep -E "warning [A-Z]+[0-9]+" "$log"; then
    echo "publish-aot: the Native AOT publish printed the warnings above" >&2
    exit 1
fi

demo=$(mktemp -d)
"$out/dance" demo --quick --out "$demo" > "$log" 2>&1 || { cat "$log"; echo "publish-aot: the native dance demo --quick failed" >&2; exit 1; }
test -s "$demo/summary.json"
rm -rf "$demo"
echo "publish-aot: native dance ($(wc -c < "$out/dance") bytes, no AOT or trim warnings) ran dance demo --quick"
