#!/usr/bin/env bash
# Runs the CUDA binding's tests (tests/NativeDance.Tests/Cuda/Driver), GPU tests included, against the fake driver
# in this folder: libcuda.so.1 and libnvidia-ml.so.1 built here with gcc. The fake keeps device memory on the host,
# runs the tests' saxpy kernel on the CPU, refuses every call made without the context bound on the calling thread,
# and reports leaks at exit; this script fails on any test failure, leak or unbound call. It checks the binding's
# logic (signatures, per-thread context binding, lifetimes, argument buffers, JIT options, error paths) where no GPU
# exists, and says nothing about real kernels or a real driver.
# Usage: tests/FakeCudaDriver/run.sh [Release|Debug]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
config=${1:-Release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -shared -fPIC -O1 -Wall -Werror -o "$work/libcuda.so.1" "$here/fake_cuda.c" -lm
gcc -shared -fPIC -O1 -Wall -Werror -o "$work/libnvidia-ml.so.1" "$here/fake_nvml.c"
dotnet build -c "$config" "$root/tests/NativeDance.Tests" -v quiet -nologo
status=0
LD_LIBRARY_PATH="$work" dotnet "$root/tests/NativeDance.Tests/bin/$config/net10.0/NativeDance.Tests.dll" \
    -namespace NativeDance.Tests.Cuda.Driver 2>"$work/stderr" || status=$?
cat "$work/stderr" >&2
grep -qx "fake-cuda: clean" "$work/stderr" || { echo "run.sh: the fake CUDA driver saw a leak or an unbound call" >&2; status=1; }
grep -qx "fake-nvml: clean" "$work/stderr" || { echo "run.sh: NVML was left initialised" >&2; status=1; }
exit "$status"
