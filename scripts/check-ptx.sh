#!/bin/sh
# Assembles every cuda-kernels/*.ptx with ptxas for sm_80 and sm_90 and prints, per entry, the registers, static shared
# memory and spill bytes. Fails on any assembler error and on any register spill (a spill turns a kernel's inner loop into
# local-memory traffic: the tiling has to change, not the check).
#
# ptxas: $PTXAS if set, else the one on PATH, else the copy scripts/install-ptxas.sh fetches (a Debian package, no root).
set -eu
cd "$(dirname "$0")/.."

architectures="sm_80 sm_90"

if [ -n "${PTXAS:-}" ]; then
    ptxas=$PTXAS
elif command -v ptxas >/dev/null 2>&1; then
    ptxas=$(command -v ptxas)
else
    ptxas=$(sh scripts/install-ptxas.sh | tail -n 1) || { echo "check-ptx: could not fetch ptxas (scripts/install-ptxas.sh failed)" >&2; exit 1; }
fi
if ! "$ptxas" --version >/dev/null 2>&1; then
    echo "check-ptx: '$ptxas' does not run" >&2
    exit 1
fi
echo "check-ptx: $("$ptxas" --version | tail -n 1)"

set -- cuda-kernels/*.ptx
if ! [ -e "$1" ]; then
    echo "check-ptx: no cuda-kernels/*.ptx found" >&2
    exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failures=0
printf '%-28s %-6s %-44s %5s %8s %6s\n' file arch entry regs smem spill
for file in "$@"; do
    for arch in $architectures; do
        if ! "$ptxas" -arch="$arch" -v "$file" -o /dev/null >"$log" 2>&1; then
            echo "check-ptx: $file ($arch) does not assemble:"
            cat "$log"
            failures=$((failures + 1))
            continue
        fi
        grep 'warning' "$log" || true
        # ptxas -v reports per entry: "Compiling entry function 'name'", then "N bytes spill stores, M bytes spill loads",
        # then "Used R registers[, C bytes cmem[0]][, S bytes smem]".
        table=$(awk -v file="$(basename "$file")" -v arch="$arch" '
            /Compiling entry function/ { entry = $0; sub(/.*function \047/, "", entry); sub(/\047.*/, "", entry); spill = 0; smem = 0 }
            /bytes spill stores/ { for (i = 1; i < NF; i++) if ($(i + 1) == "bytes" && ($(i + 2) == "spill")) spill += $i }
            /Used [0-9]+ registers/ {
                for (i = 1; i < NF; i++) {
                    if ($i == "Used") regs = $(i + 1)
                    if ($(i + 1) == "bytes" && $(i + 2) ~ /^smem/) smem = $i
                }
                printf "%-28s %-6s %-44s %5d %8d %6d\n", file, arch, entry, regs, smem, spill
                if (spill > 0) spilled++
            }
            END { exit spilled > 0 }' "$log") || { echo "$table"; echo "check-ptx: $file ($arch) spills registers"; failures=$((failures + 1)); continue; }
        echo "$table"
    done
done

if [ "$failures" -ne 0 ]; then
    echo "check-ptx: FAILED ($failures file/architecture pairs with errors or spills)"
    exit 1
fi
echo "check-ptx: all $# modules assemble for $architectures without spills"
