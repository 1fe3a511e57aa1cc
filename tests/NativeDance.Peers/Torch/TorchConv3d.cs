using NativeDance.Tensors.Conv;
using TorchSharp;
using static TorchSharp.torch;
using EngineTensor = NativeDance.Tensors.Tensor;

namespace NativeDance.Peers.Torch;

/// <summary>
/// One convolution problem held by libtorch: input [N, C, T, H, W], weight [Cout, Cin/groups, kT, kH, kW] and bias,
/// copied from engine tensors, run through <c>torch.nn.functional.conv3d</c> and its autograd backward.
/// </summary>
public sealed class TorchConv3d : IDisposable
{
    private readonly long[] _stride, _padding, _dilation;
    private readonly long _groups;
    private torch.Tensor? _retainedOutput, _gradOutput;

    /// <param name="geometry">The convolution.</param>
    /// <param name="input">Channels-last input [N, T, H, W, Cin].</param>
    /// <param name="weight">Engine weight [kT, kH, kW, Cin/groups, Cout].</param>
    /// <param name="bias">Bias [Cout], or null for none.</param>
    /// <param name="dtype">Float64 makes libtorch an exact-enough oracle; Float32 is what the benchmarks time.</param>
    /// <param name="withGradients">Whether input, weight and bias track gradients (for <see cref="Backward"/>).</param>
    public TorchConv3d(in Conv3dGeometry geometry, EngineTensor input, EngineTensor weight, EngineTensor? bias,
        ScalarType dtype = ScalarType.Float32, bool withGradients = false)
    {
        Geometry = geometry;
        _stride = [geometry.Stride.T, geometry.Stride.H, geometry.Stride.W];
        _padding = [geometry.Padding.T, geometry.Padding.H, geometry.Padding.W];
        _dilation = [geometry.Dilation.T, geometry.Dilation.H, geometry.Dilation.W];
        _groups = geometry.Groups;
        Input = TorchConversions.ActivationToTorch(input, dtype).requires_grad_(withGradients);
        Weight = TorchConversions.ConvWeightToTorch(weight, dtype).requires_grad_(withGradients);
        Bias = bias is null ? null : TorchConversions.ToTorch(bias, dtype).requires_grad_(withGradients);
    }

    /// <summary>The convolution.</summary>
    public Conv3dGeometry Geometry { get; }

    /// <summary>Input [N, Cin, T, H, W].</summary>
    public torch.Tensor Input { get; }

    /// <summary>Weight [Cout, Cin/groups, kT, kH, kW].</summary>
    public torch.Tensor Weight { get; }

    /// <summary>Bias [Cout], or null.</summary>
    public torch.Tensor? Bias { get; }

    /// <summary>A new output [N, Cout, To, Ho, Wo].</summary>
    public torch.Tensor Forward() =>
        torch.nn.functional.conv3d(Input, Weight, Bias, _stride, _padding, _dilation, _groups);

    /// <summary>The forward result as a channels-last engine tensor.</summary>
    public EngineTensor ForwardToEngine()
    {
        using var output = Forward();
        return TorchConversions.ActivationFromTorch(output);
    }

    /// <summary>
    /// Input, weight and bias gradients of sum(output * gradOutput), as engine tensors (channels-last input gradient,
    /// engine-layout weight gradient, bias gradient or null). Needs <c>withGradients</c>.
    /// </summary>
    public (EngineTensor Input, EngineTensor Weight, EngineTensor? Bias) Backward(EngineTensor gradOutputChannelsLast)
    {
        using var scope = torch.NewDisposeScope();
        var output = Forward();
        var gradOutput = TorchConversions.ActivationToTorch(gradOutputChannelsLast, Input.dtype);
        var grads = torch.autograd.grad([output], Leaves(), [gradOutput]);
        return (TorchConversions.ActivationFromTorch(grads[0]), TorchConversions.ConvWeightFromTorch(grads[1]),
            Bias is null ? null : TorchConversions.FromTorch(grads[2]));
    }

    /// <summary>
    /// Runs the forward once and keeps its autograd graph, so that <see cref="RunRetainedBackward"/> times the backward
    /// alone. <paramref name="gradOutputChannelsLast"/> is the output gradient.
    /// </summary>
    public void RetainGraph(EngineTensor gradOutputChannelsLast)
    {
        ReleaseGraph();
        _retainedOutput = Forward();
        _gradOutput = TorchConversions.ActivationToTorch(gradOutputChannelsLast, Input.dtype);
    }

    /// <summary>Computes (and discards) the input, weight and bias gradients through the graph kept by <see cref="RetainGraph"/>.</summary>
    public void RunRetainedBackward()
    {
        if (_retainedOutput is null || _gradOutput is null)
            throw new InvalidOperationException("Call RetainGraph before RunRetainedBackward.");
        foreach (var grad in torch.autograd.grad([_retainedOutput], Leaves(), [_gradOutput], retain_graph: true))
            grad.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ReleaseGraph();
        Input.Dispose();
        Weight.Dispose();
        Bias?.Dispose();
    }

    private torch.Tensor[] Leaves() => Bias is null ? [Input, Weight] : [Input, Weight, Bias];

    private void ReleaseGraph()
    {
        _retainedOutput?.Dispose();
        _gradOutput?.Dispose();
        _retainedOutput = _gradOutput = null;
    }
}
