using System.Runtime.InteropServices;
using NativeDance.Cuda;
using NativeDance.PtxInterpreter;

namespace NativeDance.Tests.Cuda.Interpreter;

/// <summary>The interpreter reports faults a GPU would hit or leave undefined, naming kernel, block, thread and PTX line.</summary>
public sealed class InterpreterFaultTests
{
    [Fact]
    public void GlobalReadOnePastTheEndNamesThreadAndLine()
    {
        const int n = 37;
        var device = new PtxDevice();
        ulong x = device.Upload<float>(new float[n]), y = device.Upload<float>(new float[n + 1]);

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("saxpy", "saxpy_off_by_one"), TestPrograms.Linear(n + 5, 32), new SaxpyArgs(x, y, n, 1f)));

        Assert.Equal("saxpy_off_by_one", error.Kernel);
        Assert.Equal(new Dim3(1, 0, 0), error.Block);
        Assert.Equal(new Dim3(n - 32, 0, 0), error.Thread);
        Assert.Equal("ld.global.f32 %f2, [%rd6];", error.LineText);
        Assert.Equal(LineOf("saxpy", "ld.global.f32 %f2, [%rd6];"), error.Line);
        Assert.Contains("past the end of the allocation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOfUninitialisedGlobalMemoryFaults()
    {
        var device = new PtxDevice();
        ulong x = device.Upload<float>(new float[8]), y = device.Allocate(8 * sizeof(float));

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("saxpy", "saxpy"), TestPrograms.Linear(8, 32), new SaxpyArgs(x, y, 8, 1f)));

        Assert.Contains("uninitialised global memory", error.Message, StringComparison.Ordinal);
        Assert.Equal(new Dim3(0, 0, 0), error.Thread);
    }

    [Fact]
    public void SharedAccessPastTheDeclaredArrayFaults()
    {
        var device = new PtxDevice();
        ulong output = device.Allocate(64 * 4);
        var kernel = TestPrograms.Kernel("faults", "shared_rotate");

        device.Launch(kernel, TestPrograms.Linear(32, 32), output);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (uint)((i + 1) & 31)), device.Download<uint>(output, 32));

        var error = Assert.Throws<PtxExecutionException>(() => device.Launch(kernel, TestPrograms.Linear(33, 33), output));
        Assert.Equal(new Dim3(32, 0, 0), error.Thread);
        Assert.Contains("outside the 128 bytes of shared memory", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("st.shared.u32", error.LineText, StringComparison.Ordinal);
    }

    [Fact]
    public void DynamicSharedAccessBeyondTheLaunchSizeFaults()
    {
        var device = new PtxDevice();
        ulong x = device.Upload<float>(new float[64]), y = device.Allocate(64 * 4);

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("spaces", "dynamic_reverse"), TestPrograms.Linear(64, 64, 128), new InOutArgs(x, y)));

        Assert.Equal(new Dim3(32, 0, 0), error.Thread);
        Assert.Contains("shared memory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOfUninitialisedSharedMemoryFaults()
    {
        var device = new PtxDevice();
        ulong output = device.Allocate(32 * 4);

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("faults", "uninitialised_shared"), TestPrograms.Linear(32, 32), output));

        Assert.Equal(new Dim3(30, 0, 0), error.Thread);
        Assert.Contains("uninitialised shared memory", error.Message, StringComparison.Ordinal);
        Assert.Equal("ld.shared.u32 %r7, [%r6];", error.LineText);
    }

    [Fact]
    public void ReadingAnotherThreadsWriteWithoutABarrierBetweenIsARace()
    {
        var device = new PtxDevice();
        ulong output = device.Allocate(32 * 4);

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("faults", "missing_barrier"), TestPrograms.Linear(32, 32), output));

        Assert.Equal(new Dim3(1, 0, 0), error.Thread);
        Assert.Contains("shared memory race: this thread reads byte 0, which thread (0, 0, 0) wrote", error.Message, StringComparison.Ordinal);
        Assert.Equal("ld.shared.u32 %r8, [%r7];", error.LineText);
    }

    [Fact]
    public void TwoThreadsStoringToOneSharedWordBetweenBarriersIsARace()
    {
        var device = new PtxDevice();
        ulong output = device.Allocate(32 * 4);
        var kernel = TestPrograms.Kernel("faults", "shared_write_conflict");

        device.Launch(kernel, TestPrograms.Linear(1, 1), output);
        Assert.Equal([0u], device.Download<uint>(output, 1));

        var error = Assert.Throws<PtxExecutionException>(() => device.Launch(kernel, TestPrograms.Linear(2, 2), output));
        Assert.Equal(new Dim3(1, 0, 0), error.Thread);
        Assert.Contains("overwrites byte 0, which thread (0, 0, 0) wrote", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonCoherentLoadOfDataTheLaunchWroteFaultsButALaterLaunchMayReadIt()
    {
        var device = new PtxDevice();
        ulong data = device.Allocate(4 * sizeof(float)), y = device.Upload<float>([1f]);

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("faults", "stale_non_coherent"), TestPrograms.Linear(4, 4), data));

        Assert.Equal(new Dim3(0, 0, 0), error.Thread);
        Assert.Contains("ld.global.nc of byte 0, which this launch wrote", error.Message, StringComparison.Ordinal);
        device.Launch(TestPrograms.Kernel("saxpy", "saxpy"), TestPrograms.Linear(1, 32), new SaxpyArgs(data, y, 1, 2f));
        Assert.Equal([1f], device.Download<float>(y, 1));
    }

    [Fact]
    public void NonCoherentLoadOfAnAtomicCounterFaults()
    {
        var device = new PtxDevice();
        ulong counter = device.Upload<uint>([0u]);

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("faults", "stale_counter"), TestPrograms.Linear(1, 1), counter));

        Assert.Contains("which this launch wrote", error.Message, StringComparison.Ordinal);
        Assert.Equal("ld.global.nc.u32 %r2, [%rd1];", error.LineText);
    }

    [Fact]
    public void BlocksWritingTheSameGlobalWordsRaceUnlessTheKernelFences()
    {
        var device = new PtxDevice();
        ulong output = device.Allocate(8 * sizeof(uint));
        var twoBlocks = TestPrograms.Linear(16, 8);

        var error = Assert.Throws<PtxExecutionException>(() => device.Launch(TestPrograms.Kernel("faults", "block_overwrite"), twoBlocks, output));

        Assert.Equal(new Dim3(1, 0, 0), error.Block);
        Assert.Equal(new Dim3(0, 0, 0), error.Thread);
        Assert.Contains($"global memory race: this block overwrites 0x{output:X}, which block (0, 0, 0) wrote in this launch", error.Message, StringComparison.Ordinal);
        device.Launch(TestPrograms.Kernel("faults", "fenced_block_overwrite"), twoBlocks, output);
        Assert.All(device.Download<uint>(output, 8), v => Assert.Equal(1u, v));
    }

    [Fact]
    public void ThreadsWaitingAtDifferentBarriersAreDivergence()
    {
        var device = new PtxDevice();
        ulong output = device.Allocate(32 * 4);

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("faults", "barrier_divergence"), TestPrograms.Linear(32, 32), output));

        Assert.Contains("barrier divergence", error.Message, StringComparison.Ordinal);
        Assert.Equal("bar.sync 0;", error.LineText);
    }

    [Fact]
    public void ThreadsExitingWhileOthersWaitAtABarrierAreDivergence()
    {
        var device = new PtxDevice();
        ulong output = device.Allocate(32 * 4);
        var kernel = TestPrograms.Kernel("faults", "exit_before_barrier");

        device.Launch(kernel, TestPrograms.Linear(32, 32), new OutLimitArgs(output, 32));
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (uint)i), device.Download<uint>(output, 32));

        var error = Assert.Throws<PtxExecutionException>(() => device.Launch(kernel, TestPrograms.Linear(32, 32), new OutLimitArgs(output, 20)));
        Assert.Contains("thread (20, 0, 0) has exited", error.Message, StringComparison.Ordinal);
        Assert.Equal("bar.sync 0;", error.LineText);
    }

    [Fact]
    public void LanesSkippingAShuffleAreWarpDivergence()
    {
        var device = new PtxDevice();
        ulong output = device.Allocate(32 * 4);

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("faults", "warp_divergence"), TestPrograms.Linear(32, 32), output));

        Assert.Contains("warp divergence", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("shfl.sync.bfly.b32", error.LineText, StringComparison.Ordinal);
    }

    [Fact]
    public void MisalignedVectorLoadFaults()
    {
        var device = new PtxDevice();
        ulong x = device.Upload<float>(new float[40]), y = device.Allocate(8 * 16);

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("vectors", "scale_v4"), TestPrograms.Linear(8, 32), new ScaleV4Args(x, y, 4, 8, 1f)));

        Assert.Contains("misaligned access of 16 bytes", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("ld.global.v4.f32", error.LineText, StringComparison.Ordinal);
    }

    [Fact]
    public void IntegerDivisionByZeroFaults()
    {
        var device = new PtxDevice();
        ulong a = device.Upload<int>([5, 6]), b = device.Upload<int>([1, 0]), output = device.Allocate(2 * 64);

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(TestPrograms.Kernel("arithmetic", "integer_ops"), TestPrograms.Linear(2, 32), new BinaryArgs(a, b, output, 2)));

        Assert.Equal(new Dim3(1, 0, 0), error.Thread);
        Assert.Equal("div.s32 %r16, %r6, %r7;", error.LineText);
        Assert.Contains("division by zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongArgumentStructSizeIsRejectedBeforeRunning()
    {
        var device = new PtxDevice();
        var error = Assert.Throws<ArgumentException>(() =>
            device.Launch(TestPrograms.Kernel("saxpy", "saxpy"), TestPrograms.Linear(1, 32), new InOutArgs(0, 0)));

        Assert.Contains("16 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("24", error.Message, StringComparison.Ordinal);
        Assert.Null(device.LastLaunch);
    }

    [Fact]
    public void ArgumentStructWithTailPaddingIsRejected()
    {
        var device = new PtxDevice();
        var error = Assert.Throws<ArgumentException>(() =>
            device.Launch(TestPrograms.Kernel("collectives", "block_sum"), TestPrograms.Linear(1, 128), new PaddedInOutCountArgs(0, 0, 1)));

        Assert.Contains("is 24 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("takes 20 bytes", error.Message, StringComparison.Ordinal);
        Assert.Null(device.LastLaunch);
    }

    /// <summary>block_sum's parameters in a struct that C# pads to 24 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct PaddedInOutCountArgs(ulong X, ulong Out, uint N);

    [Fact]
    public void UnknownEntryListsTheModulesEntries()
    {
        var error = Assert.Throws<ArgumentException>(() => TestPrograms.Kernel("saxpy", "sgemm"));
        Assert.Contains("saxpy, saxpy_off_by_one", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndlessLoopStopsAtTheInstructionLimit()
    {
        const string ptx = """
            .version 7.8
            .target sm_80
            .address_size 64
            .visible .entry spin(.param .u32 spin_n)
            {
            $L_top:
                bra.uni $L_top;
            }
            """;
        var device = new PtxDevice { InstructionLimit = 10_000 };

        var error = Assert.Throws<PtxExecutionException>(() =>
            device.Launch(PtxModule.Parse(ptx, "spin").Kernel("spin"), TestPrograms.Linear(1, 1), 0u));

        Assert.Contains("10,000 instructions", error.Message, StringComparison.Ordinal);
        Assert.Equal(7, error.Line);
    }

    [Theory]
    [InlineData("brev.b32 %r2, %r1;", "brev.b32")]
    [InlineData("add.sat.s32 %r2, %r1, %r1;", ".sat")]
    [InlineData("mul.rz.f32 %f1, %f1, %f1;", ".rz")]
    [InlineData("ld.volatile.global.f32 %f1, [%rd1];", ".volatile")]
    public void InstructionsOutsideTheDialectNameTheirLine(string instruction, string reason)
    {
        string ptx = $$"""
            .version 7.8
            .target sm_80
            .address_size 64

            .visible .entry outside(
                .param .u64 outside_p
            )
            {
                .reg .b32 %r<3>;
                .reg .f32 %f<2>;
                .reg .b64 %rd<2>;
                ld.param.u64 %rd1, [outside_p];
                {{instruction}}
                ret;
            }
            """;

        var error = Assert.Throws<PtxParseException>(() => PtxModule.Parse(ptx, "outside.ptx"));

        Assert.Equal(13, error.Line);
        Assert.Equal(instruction, error.LineText);
        Assert.Equal("outside.ptx", error.ModuleName);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static int LineOf(string module, string text)
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Cuda", "Interpreter", "Programs", module + ".ptx"));
        int start = Array.FindIndex(lines, l => l.Contains(".entry saxpy_off_by_one", StringComparison.Ordinal));
        return Array.FindIndex(lines, start, l => l.Trim() == text) + 1;
    }
}
