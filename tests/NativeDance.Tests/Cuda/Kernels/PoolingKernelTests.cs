using NativeDance.Cuda.Kernels;
using NativeDance.Pruning.Inference;
using NativeDance.Pruning.Inference.Steps;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>pooling.ptx through the interpreter against the CPU engine and the plan's GlobalPoolStep (bit for bit) and plain double references.</summary>
public class PoolingKernelTests
{
    // A spread of the CPU tests' axis configurations (kernel 1-4, stride 1-3, padding up to half, dilation 1-2, odd
    // sizes, channel counts 1 to 33), thinned so the interpreter stays fast.
    private static IEnumerable<Pool3dGeometry> Cases(bool dilation, ulong seed) =>
        PoolCases.All(dilation, seed, maxBatch: 2, maxExtra: 1).Where((_, i) => i % 4 == 0);

    [Fact]
    public void MaxPoolEqualsTheCpuEngineBitForBit()
    {
        ulong seed = 500;
        foreach (var g in Cases(dilation: true, seed: 5))
        {
            var x = OpsTestData.Normal(g.InputLength, seed++);
            // NaN must propagate and infinities must win or lose like any value.
            x[x.Length / 3] = float.NaN;
            x[x.Length / 2] = float.PositiveInfinity;
            x[^1] = float.NegativeInfinity;
            var expected = new float[g.OutputLength];
            MaxPool3d.Forward(g, x, expected);

            var device = new InterpretedDevice();
            ulong input = device.Upload<float>(x), output = device.GuardedOutput(g.OutputLength);
            device.Launch(PoolingKernels.MaxPool3d(g, input, output));
            InterpretedDevice.AssertBitwise(expected, device.ReadGuarded(output, g.OutputLength, g.ToString()), g.ToString());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AvgPoolEqualsTheCpuEngineBitForBit(bool countIncludePad)
    {
        ulong seed = 600;
        foreach (var g in Cases(dilation: false, seed: 6))
        {
            var x = OpsTestData.Normal(g.InputLength, seed++);
            var expected = new float[g.OutputLength];
            AvgPool3d.Forward(g, x, expected, countIncludePad);

            var device = new InterpretedDevice();
            ulong input = device.Upload<float>(x), output = device.GuardedOutput(g.OutputLength);
            device.Launch(PoolingKernels.AvgPool3d(g, input, output, countIncludePad));
            var actual = device.ReadGuarded(output, g.OutputLength, g.ToString());
            InterpretedDevice.AssertBitwise(expected, actual, $"{g} countIncludePad={countIncludePad}");
            Numerics.AssertClose(actual, Pool3dReference.Avg(g, OpsTestData.ToDouble(x), countIncludePad), 1e-12, g.ToString());
        }
    }

    [Theory]
    [InlineData(1, 7, 5, false)]
    [InlineData(2, 300, 37, true)]   // more than one block of 256 positions, four at a time and a tail
    [InlineData(3, 49, 64, true)]
    public void GlobalAvgPoolMatchesTheDoubleMean(int batch, int positions, int channels, bool rectify)
    {
        var x = OpsTestData.Normal(batch * positions * channels, (ulong)(positions * channels));
        var expected = new double[batch * channels];
        for (int n = 0; n < batch; n++)
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int p = 0; p < positions; p++)
            {
                float v = x[(n * positions + p) * channels + c];
                sum += rectify ? Math.Max(v, 0f) : v;
            }
            expected[n * channels + c] = sum / positions;
        }

        var device = new InterpretedDevice();
        ulong input = device.Upload<float>(x), output = device.GuardedOutput(batch * channels);
        device.Launch(PoolingKernels.GlobalAvgPool(batch, positions, channels, rectify, input, output));
        var context = $"global pool N={batch} positions={positions} C={channels} rectify={rectify}";
        Numerics.AssertClose(device.ReadGuarded(output, batch * channels, context), expected, 1e-13, context);
    }

    [Theory]
    [InlineData(2, 10, 15, 37, true)]    // 300 positions: two blocks of the plan's float sums
    [InlineData(1, 7, 7, 64, false)]
    public unsafe void GlobalAvgPoolEqualsThePlanStepBitForBit(int frames, int height, int width, int channels, bool rectify)
    {
        int positions = frames * height * width;
        var x = OpsTestData.Normal(positions * channels, (ulong)(positions + channels));
        var input = new PlanValue("x", new Shape(1, frames, height, width, channels)) { Offset = 0 };
        var output = new PlanValue("pooled", new Shape(1, channels)) { Offset = x.Length };
        var arena = new float[x.Length + channels];
        x.CopyTo(arena, 0);
        var state = new PlanState(gates: 0, layers: 0);
        fixed (float* memory = arena)
        {
            state.Arena = memory;
            new GlobalPoolStep("global pool", input, output, rectify).Run(state);
        }

        var device = new InterpretedDevice();
        ulong source = device.Upload<float>(x), pooled = device.GuardedOutput(channels);
        device.Launch(PoolingKernels.GlobalAvgPool(1, positions, channels, rectify, source, pooled));
        string context = $"global pool of {positions} positions x {channels} rectify={rectify}";
        InterpretedDevice.AssertBitwise(arena.AsSpan(x.Length), device.ReadGuarded(pooled, channels, context), context);
    }

    [Fact]
    public void HostSideRejectsBadArguments()
    {
        var g = Pool3dGeometry.Create(1, 4, new Dims3(4, 6, 6), Dims3.Cube(2));
        var dilated = Pool3dGeometry.Create(1, 4, new Dims3(4, 6, 6), Dims3.Cube(2), dilation: Dims3.Cube(2));
        Assert.Contains("input", Assert.Throws<ArgumentException>(() => PoolingKernels.MaxPool3d(g, 0, 64)).Message);
        Assert.Contains("dilation", Assert.Throws<ArgumentException>(() => PoolingKernels.AvgPool3d(dilated, 64, 128)).Message);
        Assert.Contains("positions", Assert.Throws<ArgumentException>(() => PoolingKernels.GlobalAvgPool(1, 0, 4, false, 64, 128)).Message);
    }
}
