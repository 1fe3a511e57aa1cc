using NativeDance.Cuda.Kernels;
using NativeDance.Tests.Ops;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>elementwise.ptx through the interpreter, bit for bit against the CPU plan's passes (max(x, 0), max(a + b, 0)).</summary>
public class ElementwiseKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(257)]     // a second, nearly empty block
    [InlineData(1000)]
    public void ReluMatchesTheCpu(int count)
    {
        var x = OpsTestData.Normal(count, (ulong)count);
        var device = new InterpretedDevice();
        ulong values = device.Upload<float>(x);
        device.Launch(ElementwiseKernels.Relu(values, count));
        InterpretedDevice.AssertBitwise(x.Select(v => MathF.Max(v, 0f)).ToArray(), device.Download<float>(values, count), $"relu n={count}");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(256)]
    [InlineData(777)]
    public void AddReluMatchesTheCpu(int count)
    {
        var main = OpsTestData.Normal(count, (ulong)count + 1);
        var shortcut = OpsTestData.Normal(count, (ulong)count + 2);
        var device = new InterpretedDevice();
        ulong a = device.Upload<float>(main), b = device.Upload<float>(shortcut);
        device.Launch(ElementwiseKernels.AddRelu(a, b, count));
        var expected = main.Select((v, i) => MathF.Max(v + shortcut[i], 0f)).ToArray();
        InterpretedDevice.AssertBitwise(expected, device.Download<float>(a, count), $"add_relu n={count}");
        InterpretedDevice.AssertBitwise(shortcut, device.Download<float>(b, count), "shortcut unchanged");
    }

    [Fact]
    public void HostSideRejectsBadArguments()
    {
        Assert.Contains("count", Assert.Throws<ArgumentException>(() => ElementwiseKernels.Relu(64, 0)).Message);
        Assert.Contains("shortcut", Assert.Throws<ArgumentException>(() => ElementwiseKernels.AddRelu(64, 0, 5)).Message);
    }
}
