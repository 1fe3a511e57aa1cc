using NativeDance.Cuda;
using NativeDance.Cuda.Kernels;

namespace NativeDance.Tests.Cuda.Driver;

[Trait("Category", "Gpu")]
[Collection(nameof(GpuCollection))]
public class GpuKernelTests(GpuFixture gpu)
{
    /// <summary>Set to 1 to run a faulting-kernel test on a real GPU, each in a process of its own.</summary>
    public const string FaultOptIn = "NATIVEDANCE_GPU_FAULT_TEST";

    [Fact]
    public void SaxpyFromPtxTextComputesTheFusedMultiplyAdd()
    {
        var device = gpu.Sm80Device;
        const int n = 10007;
        const float a = 1.75f;
        var x = GpuMemoryTests.RandomFloats(n, seed: 20);
        var y = GpuMemoryTests.RandomFloats(n, seed: 21);
        using var module = device.LoadModule("saxpy-test", SaxpyKernel.Ptx);
        using var dx = device.Allocate<float>(n);
        using var dy = device.Allocate<float>(n);
        using var stream = device.CreateStream();
        dx.CopyFrom(x);
        dy.CopyFrom(y);
        stream.Launch(module.Function(SaxpyKernel.Entry), SaxpyKernel.Shape(n), new SaxpyKernel.Args(dx.Address, dy.Address, n, a));
        stream.Synchronize();
        var result = new float[n];
        dy.CopyTo(result);
        for (int i = 0; i < n; i++) Assert.Equal(MathF.FusedMultiplyAdd(a, x[i], y[i]), result[i]);
    }

    [Fact]
    public void FunctionsAreCachedAndReportTheirResources()
    {
        var device = gpu.Sm80Device;
        using var module = device.LoadModule("saxpy-test", SaxpyKernel.Ptx);
        var saxpy = module.Function(SaxpyKernel.Entry);
        Assert.Same(saxpy, module.Function(SaxpyKernel.Entry));
        Assert.InRange(saxpy.Registers, 1, 64);
        Assert.Equal(0, saxpy.StaticSharedBytes);
        Assert.Equal(0, saxpy.LocalBytes);
        Assert.True(saxpy.MaxThreadsPerBlock >= 256);
        var missing = Assert.Throws<CudaException>(() => module.Function("no_such_kernel"));
        Assert.Equal(CudaResult.NotFound, missing.Result);
        Assert.Contains("no_such_kernel", missing.Message);

        module.Dispose();
        using var stream = device.CreateStream();
        Assert.Throws<ObjectDisposedException>(() => stream.Launch(saxpy, SaxpyKernel.Shape(1), new SaxpyKernel.Args(0, 0, 0, 0f)));
        Assert.Throws<ObjectDisposedException>(() => module.Function(SaxpyKernel.Entry));
    }

    [Fact]
    public void BrokenPtxPutsTheJitErrorLogInTheException()
    {
        var device = gpu.Device;
        var e = Assert.Throws<CudaException>(() => device.LoadModule("broken-test", SaxpyKernel.BrokenPtx));
        Assert.Equal(CudaResult.InvalidPtx, e.Result);
        Assert.Contains("'broken-test'", e.Call);
        Assert.Contains("JIT error log", e.Message);
        Assert.Contains("%undeclared_register", e.Message);
    }

    [Fact]
    public void EventsTimeALaunch()
    {
        var device = gpu.Sm80Device;
        const int n = 1 << 22;
        using var module = device.LoadModule("saxpy-test", SaxpyKernel.Ptx);
        using var dx = device.Allocate<float>(n);
        using var dy = device.Allocate<float>(n);
        using var stream = device.CreateStream();
        using var start = device.CreateEvent();
        using var end = device.CreateEvent();
        dx.FillBytesAsync(stream);
        dy.FillBytesAsync(stream);
        start.Record(stream);
        stream.Launch(module.Function(SaxpyKernel.Entry), SaxpyKernel.Shape(n), new SaxpyKernel.Args(dx.Address, dy.Address, n, 2f));
        end.Record(stream);
        end.Synchronize();
        float milliseconds = end.ElapsedMillisecondsSince(start);
        Assert.True(float.IsFinite(milliseconds) && milliseconds > 0, $"{milliseconds} ms");
    }

    [Fact]
    public void LaunchesNeitherAllocateNorBox()
    {
        var device = gpu.Sm80Device;
        const int n = 1024;
        using var module = device.LoadModule("saxpy-test", SaxpyKernel.Ptx);
        using var dx = device.Allocate<float>(n);
        using var dy = device.Allocate<float>(n);
        using var stream = device.CreateStream();
        dx.FillBytes();
        dy.FillBytes();
        var saxpy = module.Function(SaxpyKernel.Entry);
        var shape = SaxpyKernel.Shape(n);
        var args = new SaxpyKernel.Args(dx.Address, dy.Address, n, 1f);
        for (int i = 0; i < 20; i++) stream.Launch(saxpy, shape, args);
        stream.Synchronize();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) stream.Launch(saxpy, shape, args);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        stream.Synchronize();
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void DebugSyncModeWaitsForEachKernel()
    {
        var device = gpu.Sm80Device;
        const int n = 1 << 24;
        using var module = device.LoadModule("saxpy-test", SaxpyKernel.Ptx);
        using var dx = device.Allocate<float>(n);
        using var dy = device.Allocate<float>(n);
        using var stream = device.CreateStream();
        dx.FillBytes();
        dy.FillBytes();
        bool saved = CudaDebug.SynchronizeAfterEachLaunch;
        CudaDebug.SynchronizeAfterEachLaunch = true;
        try
        {
            for (int i = 0; i < 3; i++)
            {
                stream.Launch(module.Function(SaxpyKernel.Entry), SaxpyKernel.Shape(n), new SaxpyKernel.Args(dx.Address, dy.Address, n, 1f));
                Assert.True(stream.IsIdle, "the launch returned before its kernel finished");
            }
        }
        finally
        {
            CudaDebug.SynchronizeAfterEachLaunch = saved;
        }
    }

    [Fact]
    public void AFaultSurfacesAtTheNextSynchronizationWithTheDebugHint()
    {
        using var faulting = FaultingSaxpy();
        faulting.Stream.Launch(faulting.Saxpy, SaxpyKernel.Shape(FaultingLaunch.Count), faulting.Arguments);
        var late = Assert.Throws<CudaException>(faulting.Stream.Synchronize);
        Assert.Equal(CudaResult.IllegalAddress, late.Result);
        Assert.Contains("NATIVEDANCE_CUDA_SYNC=1", late.Message);
    }

    [Fact]
    public void DebugSyncModeNamesTheKernelThatFaulted()
    {
        using var faulting = FaultingSaxpy();
        bool saved = CudaDebug.SynchronizeAfterEachLaunch;
        CudaDebug.SynchronizeAfterEachLaunch = true;
        try
        {
            var named = Assert.Throws<CudaException>(() => faulting.Stream.Launch(faulting.Saxpy, SaxpyKernel.Shape(FaultingLaunch.Count), faulting.Arguments));
            Assert.Equal(CudaResult.IllegalAddress, named.Result);
            Assert.StartsWith("kernel 'saxpy' of module 'saxpy-test'", named.Call);
        }
        finally
        {
            CudaDebug.SynchronizeAfterEachLaunch = saved;
        }
    }

    /// <summary>A saxpy whose y is the first page of the address space, which no allocation gets. A real fault leaves the
    /// context unusable for the rest of the process, so on a GPU each faulting test runs alone, opted in.</summary>
    private FaultingLaunch FaultingSaxpy()
    {
        var device = gpu.Sm80Device;
        Assert.SkipUnless(device.Name == "Fake GPU" || Environment.GetEnvironmentVariable(FaultOptIn) == "1",
            $"a real kernel fault leaves the context unusable for every later test in this process: scripts/gpu-check.sh runs it alone with {FaultOptIn}=1");
        var module = device.LoadModule("saxpy-test", SaxpyKernel.Ptx);
        var small = device.Allocate<float>(16);
        return new FaultingLaunch(module, small, device.CreateStream(), new SaxpyKernel.Args(small.Address, 0x1000, FaultingLaunch.Count, 1f));
    }

    private sealed class FaultingLaunch(CudaModule module, DeviceBuffer<float> x, CudaStream stream, SaxpyKernel.Args arguments) : IDisposable
    {
        public const int Count = 1 << 20;
        public CudaStream Stream { get; } = stream;
        public CudaFunction Saxpy { get; } = module.Function(SaxpyKernel.Entry);
        public SaxpyKernel.Args Arguments { get; } = arguments;

        public void Dispose()
        {
            Stream.Dispose();
            x.Dispose();
            module.Dispose();
        }
    }

    [Fact]
    public void RefusedLaunchNamesTheKernel()
    {
        var device = gpu.Sm80Device;
        using var module = device.LoadModule("saxpy-test", SaxpyKernel.Ptx);
        using var dy = device.Allocate<float>(16);
        using var stream = device.CreateStream();
        var tooWide = new LaunchShape(new Dim3(1), new Dim3(4096));
        var e = Assert.Throws<CudaException>(() =>
            stream.Launch(module.Function(SaxpyKernel.Entry), tooWide, new SaxpyKernel.Args(dy.Address, dy.Address, 16, 1f)));
        Assert.Contains("kernel 'saxpy' of module 'saxpy-test'", e.Call);
        Assert.Contains("block (4096, 1, 1)", e.Call);
        using var stillWorks = device.Allocate<float>(16);
        stillWorks.FillBytes();
    }

    [Fact]
    public void EmbeddedModulesCompileOnceOnThisGpu()
    {
        var device = gpu.Sm80Device;
        Assert.SkipWhen(PtxSources.Modules.Count == 0, "no PTX module is embedded yet");
        device.LoadAllModules();
        foreach (string name in PtxSources.Modules)
        {
            var module = device.Module(name);
            Assert.Same(module, device.Module(name));
            module.Dispose();
            Assert.Same(module, device.Module(name));
        }
    }
}
