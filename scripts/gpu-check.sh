#!/usr/bin/env bash
# Issue 5's GPU check in one command, for a machine with an NVIDIA GPU, the CUDA tools (compute-sanitizer) and PyTorch
# but no .NET SDK and no network. It runs, in this order:
#   1. the GPU tests: the GPU inference plan against the CPU plan for every zoo model, dense and gated, the kernels and
#      the driver binding at full size, and 10,000 inferences without device-memory growth;
#   2. compute-sanitizer memcheck (with leak check) and racecheck over a representative inference: `dance gpu bench
#      --models-only` at 16x32x32 (R3D-18 and C3D, dense and gated: every kernel of the plan);
#   3. the benchmark, timed with CUDA events: `dance gpu bench` (our conv kernels dense at N=1 and N=8 and masked at
#      50% x 50% and 75% x 75% kept, R3D-18 and C3D at 16x112x112 dense and gated, NVML energy per clip), then
#      scripts/gpu_bench_torch.py (PyTorch cuDNN fp32 without TF32 on the same problems, index_select + cuDNN for the
#      masked ones, torchvision), which prints the table and writes <results>/gpu-check-<GPU name>.json;
#   4. `dance profile --device gpu` of an untrained C3D at 16x112x112 (steps timed with CUDA events, roofs measured by
#      peak_probe.ptx), its Chrome trace written to <results>/profile-gpu-<GPU name>.json.
# Every step runs even if an earlier one failed; the exit code is 1 if any failed.
#
# Prepare where the .NET SDK is, in this checkout:  ../shared/device/pack.sh tests/NativeDance.Tests src/Cli
#   (puts .device/ here: the .NET runtime and Release builds of the tests and of dance; take the checkout along)
# Run on the GPU machine, in the checkout:           bash scripts/gpu-check.sh [results folder, default bench/results]
set -euo pipefail
cd "$(dirname "$0")/.."

packed=${DEVICE_DIR:-.device}
results=${1:-bench/results}
tests="$packed/NativeDance.Tests/NativeDance.Tests.dll"
dance="$packed/Cli/dance.dll"
for needed in "$packed/env.sh" "$tests" "$dance"; do
    if [ ! -e "$needed" ]; then
        echo "gpu-check: $needed is missing; pack first: ../shared/device/pack.sh tests/NativeDance.Tests src/Cli" >&2
        exit 2
    fi
done
# shellcheck source=/dev/null
source "$packed/env.sh"

sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
if [ ! -x "$sanitizer" ]; then
    echo "gpu-check: compute-sanitizer is neither on PATH nor in /usr/local/cuda/bin" >&2
    exit 2
fi
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1 | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=()
started=$SECONDS

step() {
    echo
    echo "== $1 ($((SECONDS - started)) s)"
}

step "GPU tests"
dotnet "$tests" -trait "Category=Gpu" || failed+=("GPU tests")

for tool in memcheck racecheck; do
    step "compute-sanitizer --tool $tool: gated and dense R3D-18 and C3D at 16x32x32"
    extra=()
    [ "$tool" = memcheck ] && extra=(--leak-check full)
    "$sanitizer" --tool "$tool" "${extra[@]}" --error-exitcode 3 --print-limit 20 \
        dotnet "$dance" gpu bench --models-only --size 32 --rounds 1 --out "$work/$tool.json" || failed+=("$tool")
done

step "benchmark: ours"
if dotnet "$dance" gpu bench --out "$work/ours.json"; then
    step "benchmark: PyTorch (cuDNN fp32, TF32 off) on the same problems"
    mkdir -p "$results"
    PYTHONUNBUFFERED=1 python3 scripts/gpu_bench_torch.py --ours "$work/ours.json" --out "$results/gpu-check-$gpu.json" || failed+=("PyTorch benchmark")
else
    failed+=("our benchmark")
fi

step "dance profile --device gpu: untrained C3D at 16x112x112, dense"
mkdir -p "$results"
dotnet "$dance" profile --device gpu --model c3d --frames 16 --size 112 --clips 2 --trace "$results/profile-gpu-$gpu.json" \
    || failed+=("GPU profile")

echo
if [ ${#failed[@]} -gt 0 ]; then
    echo "gpu-check: FAILED after $((SECONDS - started)) s: ${failed[*]}"
    exit 1
fi
echo "gpu-check: all passed in $((SECONDS - started)) s; results in $results/gpu-check-$gpu.json"
