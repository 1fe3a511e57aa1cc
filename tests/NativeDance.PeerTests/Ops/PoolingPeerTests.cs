using NativeDance.Peers.Torch;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Ops;

/// <summary>
/// Our max, average and global average pooling, forward and backward, against libtorch's (float64) on the pools of
/// real video networks at small spatial sizes, odd sizes, padding and dilation included.
/// </summary>
[Trait("Category", "Peer")]
public sealed class PoolingPeerTests
{
    private const double Tolerance = 1e-10;

    private static readonly Dictionary<string, Pool3dGeometry> MaxCases = new()
    {
        ["C3D pool1 64ch (1,2,2)"] = Pool3dGeometry.Create(2, 64, new Dims3(4, 8, 8), new Dims3(1, 2, 2)),
        ["C3D pool2 128ch 2x2x2"] = Pool3dGeometry.Create(1, 128, new Dims3(4, 6, 6), Dims3.Cube(2)),
        ["C3D pool5 512ch 2x2x2 pad (0,1,1)"] = Pool3dGeometry.Create(1, 512, new Dims3(2, 3, 3), Dims3.Cube(2), Dims3.Cube(2), new Dims3(0, 1, 1)),
        ["3D ResNet stem pool 64ch 3x3x3 stride 2 pad 1, odd input"] = Pool3dGeometry.Create(2, 64, new Dims3(5, 9, 9), Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1)),
        ["I3D pool 24ch (1,3,3) stride (1,2,2) pad (0,1,1)"] = Pool3dGeometry.Create(1, 24, new Dims3(3, 7, 7), new Dims3(1, 3, 3), new Dims3(1, 2, 2), new Dims3(0, 1, 1)),
        ["dilated 16ch 2x2x2 dilation 2"] = Pool3dGeometry.Create(1, 16, new Dims3(5, 7, 7), Dims3.Cube(2), Dims3.Cube(1), null, Dims3.Cube(2)),
    };

    private static readonly Dictionary<string, Pool3dGeometry> AvgCases = new()
    {
        ["I3D avg 192ch (1,3,3) stride 1 pad (0,1,1)"] = Pool3dGeometry.Create(1, 192, new Dims3(2, 5, 5), new Dims3(1, 3, 3), Dims3.Cube(1), new Dims3(0, 1, 1)),
        ["avg 64ch 2x2x2, odd input"] = Pool3dGeometry.Create(2, 64, new Dims3(5, 7, 7), Dims3.Cube(2)),
        ["avg 32ch 3x3x3 stride 2 pad 1"] = Pool3dGeometry.Create(1, 32, new Dims3(5, 9, 9), Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1)),
    };

    // libtorch's loader fix must be in place before the first torch call (a dispose scope opens before any conversion).
    public PoolingPeerTests() => LibTorch.EnsureLoaded();

    public static TheoryData<string> MaxNames => new(MaxCases.Keys);

    public static TheoryData<string, bool> AvgNames()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in AvgCases.Keys)
        {
            data.Add(name, true);
            data.Add(name, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MaxNames))]
    public void MaxPoolMatchesLibTorch(string name)
    {
        var g = MaxCases[name];
        using var input = Tensor.RandomNormal(g.InputShape, seed: 3);
        using var gradOutput = Tensor.RandomNormal(g.OutputShape, seed: 4);
        var output = new GuardedBuffer(g.OutputLength);
        var argmax = new int[g.OutputLength];
        MaxPool3d.Forward(g, input.Span, output.Span, argmax);
        var gradInput = new GuardedBuffer(g.InputLength);
        MaxPool3d.Backward(g, gradOutput.Span, argmax, gradInput.Span);
        output.AssertGuardIntact(name);
        gradInput.AssertGuardIntact($"{name}, backward");

        using var scope = torch.NewDisposeScope();
        var x = TorchConversions.ActivationToTorch(input, ScalarType.Float64).requires_grad_(true);
        var (y, indices) = F.max_pool3d_with_indices(x, Dims(g.Kernel), Dims(g.Stride), Dims(g.Padding), Dims(g.Dilation));
        var dx = torch.autograd.grad([y], [x], [TorchConversions.ActivationToTorch(gradOutput, ScalarType.Float64)])[0];
        using var expected = TorchConversions.ActivationFromTorch(y);
        using var expectedIndices = TorchConversions.ActivationFromTorch(indices);
        using var expectedGrad = TorchConversions.ActivationFromTorch(dx);
        Numerics.AssertClose(output.Span, expected.Span, Tolerance, name);
        Assert.Equal(expectedIndices.ToArray().Select(i => (int)i), argmax);
        Numerics.AssertClose(gradInput.Span, expectedGrad.Span, Tolerance, $"{name}, backward");
    }

    [Theory]
    [MemberData(nameof(AvgNames))]
    public void AvgPoolMatchesLibTorch(string name, bool countIncludePad)
    {
        var g = AvgCases[name];
        string context = $"{name}, count_include_pad={countIncludePad}";
        using var input = Tensor.RandomNormal(g.InputShape, seed: 5);
        using var gradOutput = Tensor.RandomNormal(g.OutputShape, seed: 6);
        var output = new GuardedBuffer(g.OutputLength);
        AvgPool3d.Forward(g, input.Span, output.Span, countIncludePad);
        var gradInput = new GuardedBuffer(g.InputLength);
        AvgPool3d.Backward(g, gradOutput.Span, gradInput.Span, countIncludePad);
        output.AssertGuardIntact(context);
        gradInput.AssertGuardIntact($"{context}, backward");

        using var scope = torch.NewDisposeScope();
        var x = TorchConversions.ActivationToTorch(input, ScalarType.Float64).requires_grad_(true);
        var y = F.avg_pool3d(x, Dims(g.Kernel), Dims(g.Stride), Dims(g.Padding), count_include_pad: countIncludePad);
        var dx = torch.autograd.grad([y], [x], [TorchConversions.ActivationToTorch(gradOutput, ScalarType.Float64)])[0];
        using var expected = TorchConversions.ActivationFromTorch(y);
        using var expectedGrad = TorchConversions.ActivationFromTorch(dx);
        Numerics.AssertClose(output.Span, expected.Span, Tolerance, context);
        Numerics.AssertClose(gradInput.Span, expectedGrad.Span, Tolerance, $"{context}, backward");
    }

    [Theory]
    [InlineData(2, 2, 4, 4, 512)] // R3D-18 layer4 output on a small clip
    [InlineData(3, 4, 7, 7, 64)]  // tiny C3D conv4 output, odd sizes
    [InlineData(1, 1, 1, 1, 37)]
    public void GlobalAvgPoolMatchesLibTorch(int n, int t, int h, int w, int c)
    {
        using var input = Tensor.RandomNormal(new Shape(n, t, h, w, c), seed: 7);
        using var gradOutput = Tensor.RandomNormal(new Shape(n, c), seed: 8);
        var output = new GuardedBuffer(n * c);
        GlobalAvgPool3d.Forward(input.Span, output.Span, n, c);
        var gradInput = new GuardedBuffer(input.ElementCount);
        GlobalAvgPool3d.Backward(gradOutput.Span, gradInput.Span, n, c);
        output.AssertGuardIntact("global average pool");
        gradInput.AssertGuardIntact("global average pool, backward");

        using var scope = torch.NewDisposeScope();
        var x = TorchConversions.ActivationToTorch(input, ScalarType.Float64).requires_grad_(true);
        var y = F.adaptive_avg_pool3d(x, [1, 1, 1]).flatten(1);
        var dx = torch.autograd.grad([y], [x], [TorchConversions.ToTorch(gradOutput, ScalarType.Float64)])[0];
        using var expected = TorchConversions.FromTorch(y);
        using var expectedGrad = TorchConversions.ActivationFromTorch(dx);
        Numerics.AssertClose(output.Span, expected.Span, Tolerance, "global average pool");
        Numerics.AssertClose(gradInput.Span, expectedGrad.Span, Tolerance, "global average pool, backward");
    }

    private static long[] Dims(Dims3 d) => [d.T, d.H, d.W];
}
