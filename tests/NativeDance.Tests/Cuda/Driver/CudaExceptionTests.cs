using NativeDance.Cuda;
using NativeDance.Cuda.Driver;

namespace NativeDance.Tests.Cuda.Driver;

public class CudaExceptionTests
{
    [Theory]
    [InlineData(CudaResult.OutOfMemory, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory")]
    [InlineData(CudaResult.InvalidPtx, "CUDA_ERROR_INVALID_PTX", "the PTX JIT compilation failed")]
    [InlineData(CudaResult.IllegalAddress, "CUDA_ERROR_ILLEGAL_ADDRESS", "a kernel accessed an illegal memory address")]
    [InlineData(CudaResult.NoDevice, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected")]
    [InlineData(CudaResult.LaunchFailed, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure")]
    public void FallbackTableNamesAndDescribesCommonCodes(CudaResult result, string name, string description)
    {
        Assert.Equal((name, description), CudaErrorText.Fallback(result));
        var e = new CudaException(result, CudaErrorText.Fallback(result), "cuMemAlloc_v2(&address, bytes)", null);
        Assert.Equal($"cuMemAlloc_v2(&address, bytes) failed with {name}: {description}.", e.Message);
        Assert.Equal(result, e.Result);
        Assert.Equal(name, e.ErrorName);
        Assert.Equal(description, e.Description);
        Assert.Equal("cuMemAlloc_v2(&address, bytes)", e.Call);
        Assert.Null(e.Detail);
    }

    [Fact]
    public void EveryNamedCodeHasItsOwnDriverName()
    {
        var names = Enum.GetValues<CudaResult>().Select(r => CudaErrorText.Fallback(r).Name).ToList();
        Assert.All(names, n => Assert.StartsWith("CUDA_", n));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void UnlistedCodesAreNamedByNumber()
    {
        var (name, description) = CudaErrorText.Fallback((CudaResult)12345);
        Assert.Equal("CUresult 12345", name);
        Assert.False(string.IsNullOrWhiteSpace(description));
    }

    [Fact]
    public void DetailFollowsTheMessage()
    {
        var e = new CudaException(CudaResult.InvalidPtx, CudaErrorText.Fallback(CudaResult.InvalidPtx), "cuModuleLoadDataEx(PTX module 'm')",
            PtxJit.LogDetail("line 3; error : Unknown symbol '%r9'", ""));
        Assert.StartsWith("cuModuleLoadDataEx(PTX module 'm') failed with CUDA_ERROR_INVALID_PTX: the PTX JIT compilation failed. JIT error log:", e.Message);
        Assert.Contains("Unknown symbol '%r9'", e.Message);
        Assert.Contains("JIT info log:" + Environment.NewLine + "(empty)", e.Message);
    }

    [Fact]
    public void CheckPassesSuccessAndNamesTheFailingCallOtherwise()
    {
        CudaCheck.Ok(Driver(CudaResult.Success));
        var e = Assert.Throws<CudaException>(() => CudaCheck.Ok(Driver(CudaResult.InvalidValue)));
        Assert.Equal("Driver(CudaResult.InvalidValue)", e.Call);
        Assert.Equal(CudaResult.InvalidValue, e.Result);
        Assert.Equal("CUDA_ERROR_INVALID_VALUE", e.ErrorName);
        Assert.StartsWith("Driver(CudaResult.InvalidValue) failed with CUDA_ERROR_INVALID_VALUE: ", e.Message);
    }

    [Fact]
    public void LaunchFailuresNameTheKernelModuleAndShape()
    {
        var shape = new LaunchShape(new Dim3(4, 2), new Dim3(256), 1024);
        Assert.Equal("cuLaunchKernel(kernel 'saxpy' of module 'blas', grid (4, 2, 1), block (256, 1, 1), 1024 B dynamic shared)",
            LaunchDescription.Launch("saxpy", "blas", shape));
        string synced = LaunchDescription.SynchronizedLaunch("saxpy", "blas", shape);
        Assert.Contains("kernel 'saxpy' of module 'blas'", synced);
        Assert.Contains("NATIVEDANCE_CUDA_SYNC=1", synced);
    }

    [Theory]
    [InlineData(CudaResult.IllegalAddress, true)]
    [InlineData(CudaResult.LaunchFailed, true)]
    [InlineData(CudaResult.MisalignedAddress, true)]
    [InlineData(CudaResult.OutOfMemory, false)]
    [InlineData(CudaResult.InvalidValue, false)]
    public void KernelFaultsPointAtTheDebugSyncMode(CudaResult result, bool hinted)
    {
        string? hint = LaunchDescription.KernelFaultHint(result, synchronizingLaunches: false);
        Assert.Equal(hinted, hint?.Contains("NATIVEDANCE_CUDA_SYNC=1", StringComparison.Ordinal) ?? false);
        Assert.Null(LaunchDescription.KernelFaultHint(result, synchronizingLaunches: true));
        var e = new CudaException(result, CudaErrorText.Fallback(result), "cuMemcpyDtoH_v2(host, from, bytes)", hint);
        Assert.Equal(hinted, e.Message.EndsWith("to have the exception name it.", StringComparison.Ordinal));
    }

    private static CudaResult Driver(CudaResult result) => result;
}
