using NativeDance.Cuda.Kernels;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>linear.ptx through the interpreter against the CPU's Linear.Forward and a double reference.</summary>
public class LinearKernelTests
{
    [Theory]
    [InlineData(1, 37, 11, true, false)]
    [InlineData(5, 64, 9, true, true)]     // a batch that is not a multiple of the kernel's four rows per pass
    [InlineData(6, 3, 17, false, false)]   // fewer inputs than lanes, outputs not a multiple of eight warps
    [InlineData(4, 70, 8, false, true)]
    public void MatchesTheCpuLayer(int rows, int inFeatures, int outFeatures, bool withBias, bool rectifyInput)
    {
        var g = LinearGeometry.Create(rows, inFeatures, outFeatures);
        ulong seed = (ulong)(rows * 1000 + inFeatures * 10 + outFeatures);
        var x = OpsTestData.Normal(g.InputLength, seed);
        var weight = OpsTestData.Normal(g.WeightLength, seed + 1, std: 0.2f);
        var bias = withBias ? OpsTestData.Normal(outFeatures, seed + 2) : [];

        var rectified = rectifyInput ? x.Select(v => Math.Max(v, 0f)).ToArray() : x;
        var cpu = new float[g.OutputLength];
        Linear.Forward(g, rectified, weight, bias, cpu);
        var expected = new double[g.OutputLength];
        for (int r = 0; r < rows; r++)
        for (int o = 0; o < outFeatures; o++)
        {
            double sum = withBias ? bias[o] : 0;
            for (int i = 0; i < inFeatures; i++) sum += (double)rectified[r * inFeatures + i] * weight[o * inFeatures + i];
            expected[r * outFeatures + o] = sum;
        }

        var device = new InterpretedDevice();
        ulong input = device.Upload<float>(x), w = device.Upload<float>(weight), b = withBias ? device.Upload<float>(bias) : 0;
        ulong output = device.GuardedOutput(g.OutputLength);
        device.Launch(LinearKernels.Forward(g, input, w, b, output, rectifyInput));
        var actual = device.ReadGuarded(output, g.OutputLength, g.ToString());
        Numerics.AssertClose(actual, expected, 1e-12, $"{g} bias={withBias} rectify={rectifyInput}");
        Numerics.AssertClose(actual, cpu, 1e-12, $"{g} against Linear.Forward");
    }

    [Fact]
    public void HostSideRejectsNullPointers()
    {
        var g = LinearGeometry.Create(1, 4, 4);
        Assert.Contains("weight", Assert.Throws<ArgumentException>(() => LinearKernels.Forward(g, 64, 0, 0, 128, false)).Message);
        Assert.Contains("output", Assert.Throws<ArgumentException>(() => LinearKernels.Forward(g, 64, 128, 0, 0, false)).Message);
    }
}
