#!/usr/bin/env bash
# Issue 5's GPU check in one command, for a machine with an NVIDIA GPU, the CUDA tools (compute-sanitizer) and PyTorch
# but no .NET SDK and no network. It runs, in this order:
#   1. the GPU tests: the GPU inference plan against the CPU plan for every zoo model, dense and gated, the kernels and
#      the driver binding at full size, and 10,000 inferences without device-memory growth; then, in a process of its
#      own, the test that makes a kernel fault;
#   2. compute-sanitizer memcheck (with leak check) and racecheck over a representative inference: `dance gpu bench
#      --models-only` (R3D-18 and C3D, dense and gated: every kernel of the plan) at 16x32x32 and 16x16x16;
#   3. the benchmark, timed with CUDA events: `dance gpu bench` (our conv kernels dense at N=1 and N=8 and masked at
#      50% x 50% and 75% x 75% kept, R3D-18 and C3D at 16x112x112 dense and gated, NVML energy per clip), then
#      scripts/gpu_bench_torch.py (PyTorch cuDNN fp32 without TF32 on the same problems, index_select + cuDNN for the
#      masked ones, torchvision), which prints the table and writes <results>/gpu-check-<GPU name>.json;
#   4. `dance profile --device gpu` of an untrained C3D at 16x112x112 (steps timed with CUDA events, roofs measured by
#      peak_probe.ptx), its Chrome trace written to <results>/profile-gpu-<GPU name>.json.
# Every step runs, time-limited, even if an earlier one failed; the exit code is 1 if any failed. About 3 minutes on an H200.
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

# step NAME SECONDS COMMAND...: runs COMMAND under a time limit (the whole check stays under 5 minutes on an H200) and
# records NAME as failed if it fails or runs out of time.
step() {
    local name=$1 limit=$2
    shift 2
    echo
    echo "== $name ($((SECONDS - started)) s, limit $limit s)"
    local rc=0
    timeout -k 5 "$limit" "$@" || rc=$?
    if [ $rc -ne 0 ]; then
        [ $rc -eq 124 ] && echo "gpu-check: $name ran past $limit s"
        failed+=("$name")
    fi
    return 0
}

step "GPU tests" 150 dotnet "$tests" -noColor -showLiveOutput -trait "Category=Gpu"
# A real kernel fault leaves the context unusable for the rest of its process, so each faulting test runs alone.
for fault in AFaultSurfacesAtTheNextSynchronizationWithTheDebugHint DebugSyncModeNamesTheKernelThatFaulted; do
    step "kernel fault test $fault" 30 env NATIVEDANCE_GPU_FAULT_TEST=1 dotnet "$tests" -noColor \
        -method "NativeDance.Tests.Cuda.Driver.GpuKernelTests.$fault"
done

# One timed inference per model and variant (after three warm-ups): every kernel of the plan, at sizes the sanitizers
# get through in time (racecheck instruments every shared-memory access).
step "compute-sanitizer memcheck" 90 "$sanitizer" --tool memcheck --leak-check full --error-exitcode 3 --print-limit 20 \
    dotnet "$dance" gpu bench --models-only --size 32 --rounds 1 --model-seconds 0 --out "$work/memcheck.json"
step "compute-sanitizer racecheck" 120 "$sanitizer" --tool racecheck --error-exitcode 3 --print-limit 20 \
    dotnet "$dance" gpu bench --models-only --size 16 --rounds 1 --model-seconds 0 --out "$work/racecheck.json"

mkdir -p "$results"
step "benchmark: ours" 90 dotnet "$dance" gpu bench --out "$work/ours.json"
if [ -s "$work/ours.json" ]; then
    step "benchmark: PyTorch (cuDNN fp32, TF32 off) on the same problems" 90 env PYTHONUNBUFFERED=1 \
        python3 scripts/gpu_bench_torch.py --ours "$work/ours.json" --out "$results/gpu-check-$gpu.json"
fi

step "dance profile --device gpu: untrained C3D at 16x112x112, dense" 60 \
    dotnet "$dance" profile --device gpu --model c3d --frames 16 --size 112 --clips 2 --trace "$results/profile-gpu-$gpu.json"

echo
if [ ${#failed[@]} -gt 0 ]; then
    echo "gpu-check: FAILED after $((SECONDS - started)) s: ${failed[*]}"
    exit 1
fi
echo "gpu-check: all passed in $((SECONDS - started)) s; results in $results/gpu-check-$gpu.json"
