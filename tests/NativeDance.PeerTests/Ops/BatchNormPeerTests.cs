using NativeDance.Peers.Torch;
using NativeDance.Tensors;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Ops;

/// <summary>
/// Our batch norm (training forward with running statistics, inference forward, training backward) against
/// libtorch's batch_norm and its autograd in float64, on the batch norms of real video networks at small spatial sizes.
/// </summary>
[Trait("Category", "Peer")]
public sealed class BatchNormPeerTests
{
    private const double Tolerance = 1e-10;
    private static readonly BatchNormOptions Options = new(epsilon: 1e-5f, momentum: 0.1f);

    // Channels-last activations [N, T, H, W, C]; the offset case has a mean 100 times its spread.
    private static readonly Dictionary<string, (Shape Shape, float Mean, float Std)> Cases = new()
    {
        ["R3D stem 64ch"] = (new Shape(2, 4, 8, 8, 64), 0f, 1f),
        ["R3D layer4 512ch, 8 values per channel"] = (new Shape(2, 1, 2, 2, 512), 0f, 1f),
        ["R(2+1)D mid 45ch, odd sizes"] = (new Shape(1, 3, 5, 5, 45), 0f, 1f),
        ["tiny C3D 16ch, mean 50 spread 0.5"] = (new Shape(3, 4, 6, 6, 16), 50f, 0.5f),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    public BatchNormPeerTests() => LibTorch.EnsureLoaded();

    [Theory]
    [MemberData(nameof(Names))]
    public void TrainingForwardAndBackwardMatchLibTorch(string name)
    {
        var (shape, mean, std) = Cases[name];
        int c = shape[-1];
        using var input = Tensor.RandomNormal(shape, seed: 13, mean, std);
        using var gradOutput = Tensor.RandomNormal(shape, seed: 14);
        using var gamma = Tensor.RandomUniform(new Shape(c), seed: 15, 0.5f, 1.5f);
        using var beta = Tensor.RandomNormal(new Shape(c), seed: 16, std: 0.2f);
        using var runningMean = Tensor.RandomNormal(new Shape(c), seed: 17, std: 0.1f);
        using var runningVar = Tensor.RandomUniform(new Shape(c), seed: 18, 0.5f, 1.5f);
        using var torchScope = torch.NewDisposeScope();
        var theirRunningMean = TorchConversions.ToTorch(runningMean, ScalarType.Float64);
        var theirRunningVar = TorchConversions.ToTorch(runningVar, ScalarType.Float64);

        var output = new GuardedBuffer(shape.ElementCount);
        var savedMean = new GuardedBuffer(c);
        var savedInvStd = new GuardedBuffer(c);
        BatchNorm.ForwardTraining(input.Span, output.Span, c, gamma.Span, beta.Span, savedMean.Span, savedInvStd.Span,
            runningMean.Span, runningVar.Span, Options);
        var gradInput = new GuardedBuffer(shape.ElementCount);
        var gradGamma = new GuardedBuffer(c);
        var gradBeta = new GuardedBuffer(c);
        BatchNorm.Backward(input.Span, gradOutput.Span, c, gamma.Span, savedMean.Span, savedInvStd.Span, gradInput.Span, gradGamma.Span, gradBeta.Span);
        foreach (var (buffer, what) in new[] { (output, "output"), (savedMean, "saved mean"), (savedInvStd, "saved 1/std"),
                     (gradInput, "input gradient"), (gradGamma, "gamma gradient"), (gradBeta, "beta gradient") })
            buffer.AssertGuardIntact($"{name}, {what}");

        var x = TorchConversions.ActivationToTorch(input, ScalarType.Float64).requires_grad_(true);
        var g = TorchConversions.ToTorch(gamma, ScalarType.Float64).requires_grad_(true);
        var b = TorchConversions.ToTorch(beta, ScalarType.Float64).requires_grad_(true);
        var y = F.batch_norm(x, theirRunningMean, theirRunningVar, g, b, training: true, Options.Momentum, Options.Epsilon);
        var grads = torch.autograd.grad([y], [x, g, b], [TorchConversions.ActivationToTorch(gradOutput, ScalarType.Float64)]);
        long[] reduced = [0, 2, 3, 4];
        var batchMean = x.detach().mean(reduced);
        var batchInvStd = torch.rsqrt(x.detach().var(reduced, unbiased: false) + Options.Epsilon);

        AssertClose(output.Span, TorchConversions.ActivationFromTorch(y), $"{name}, output");
        AssertClose(savedMean.Span, TorchConversions.FromTorch(batchMean), $"{name}, saved mean");
        AssertClose(savedInvStd.Span, TorchConversions.FromTorch(batchInvStd), $"{name}, saved 1/std");
        AssertClose(runningMean.Span, TorchConversions.FromTorch(theirRunningMean), $"{name}, running mean");
        AssertClose(runningVar.Span, TorchConversions.FromTorch(theirRunningVar), $"{name}, running variance");
        AssertClose(gradInput.Span, TorchConversions.ActivationFromTorch(grads[0]), $"{name}, input gradient");
        AssertClose(gradGamma.Span, TorchConversions.FromTorch(grads[1]), $"{name}, gamma gradient");
        AssertClose(gradBeta.Span, TorchConversions.FromTorch(grads[2]), $"{name}, beta gradient");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void InferenceForwardMatchesLibTorch(string name)
    {
        var (shape, mean, std) = Cases[name];
        int c = shape[-1];
        using var input = Tensor.RandomNormal(shape, seed: 21, mean, std);
        using var gamma = Tensor.RandomUniform(new Shape(c), seed: 22, 0.5f, 1.5f);
        using var beta = Tensor.RandomNormal(new Shape(c), seed: 23, std: 0.2f);
        using var runningMean = Tensor.RandomNormal(new Shape(c), seed: 24, mean, std);
        using var runningVar = Tensor.RandomUniform(new Shape(c), seed: 25, 0.5f * std * std, 1.5f * std * std);
        var output = new GuardedBuffer(shape.ElementCount);
        BatchNorm.ForwardInference(input.Span, output.Span, c, gamma.Span, beta.Span, runningMean.Span, runningVar.Span, Options);
        output.AssertGuardIntact(name);

        using var torchScope = torch.NewDisposeScope();
        var y = F.batch_norm(TorchConversions.ActivationToTorch(input, ScalarType.Float64),
            TorchConversions.ToTorch(runningMean, ScalarType.Float64), TorchConversions.ToTorch(runningVar, ScalarType.Float64),
            TorchConversions.ToTorch(gamma, ScalarType.Float64), TorchConversions.ToTorch(beta, ScalarType.Float64),
            training: false, Options.Momentum, Options.Epsilon);
        AssertClose(output.Span, TorchConversions.ActivationFromTorch(y), $"{name}, inference");
    }

    private static void AssertClose(ReadOnlySpan<float> ours, Tensor expected, string context)
    {
        using (expected) Numerics.AssertClose(ours, expected.Span, Tolerance, context);
    }
}
