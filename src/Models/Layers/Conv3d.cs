using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Models.Layers;

/// <summary>
/// A 3D convolution layer on channels-last activations [N, T, H, W, Cin]. Weights live in the engine's
/// [kT, kH, kW, Cin/groups, Cout] layout and are stored in checkpoints as PyTorch's [Cout, Cin/groups, kT, kH, kW].
/// Initialised like PyTorch's Conv3d (Kaiming-uniform with a = sqrt(5)).
/// </summary>
/// <example><code>var conv = new Conv3d(64, 128, Dims3.Cube(3), padding: Dims3.Cube(1), bias: false, seed: 1);</code></example>
public sealed class Conv3d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentException">A size is not positive or the channels do not divide into the groups.</exception>
    public Conv3d(int inChannels, int outChannels, Dims3 kernel, Dims3? stride = null, Dims3? padding = null,
        Dims3? dilation = null, int groups = 1, bool bias = true, ulong seed = 0)
    {
        // Validates every argument once, on a unit-sized input that any kernel fits after padding is ignored.
        _ = Conv3dGeometry.Create(1, inChannels, new Dims3(Span(kernel.T, dilation?.T), Span(kernel.H, dilation?.H), Span(kernel.W, dilation?.W)),
            outChannels, kernel, stride, padding, dilation, groups);
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride ?? Dims3.Cube(1);
        Padding = padding ?? Dims3.Cube(0);
        Dilation = dilation ?? Dims3.Cube(1);
        Groups = groups;
        int fanIn = inChannels / groups * (int)kernel.Volume;
        float bound = 1f / MathF.Sqrt(fanIn);
        Weight = AddParameter("weight", Tensor.RandomUniform(new Shape(kernel.T, kernel.H, kernel.W, inChannels / groups, outChannels), seed, -bound, bound),
            TorchLayout.ConvWeight);
        Bias = bias ? AddParameter("bias", Tensor.RandomUniform(new Shape(outChannels), seed + 1, -bound, bound)) : null;
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel extent.</summary>
    public Dims3 Kernel { get; }

    /// <summary>Stride.</summary>
    public Dims3 Stride { get; }

    /// <summary>Symmetric zero padding.</summary>
    public Dims3 Padding { get; }

    /// <summary>Tap spacing.</summary>
    public Dims3 Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>Weights [kT, kH, kW, Cin/groups, Cout].</summary>
    public Variable Weight { get; }

    /// <summary>Bias [Cout], or null.</summary>
    public Variable? Bias { get; }

    /// <summary>The convolution this layer computes for a channels-last input of shape <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">The input is not rank 5 with <see cref="InChannels"/> channels, or is too small.</exception>
    public Conv3dGeometry GeometryFor(Shape input)
    {
        if (input.Rank != 5 || input[4] != InChannels)
            throw new ArgumentException($"Conv3d {InChannels}->{OutChannels} needs a channels-last input [N, T, H, W, {InChannels}], got {input}.", nameof(input));
        return Conv3dGeometry.Create(input[0], InChannels, new Dims3(input[1], input[2], input[3]), OutChannels, Kernel, Stride, Padding, Dilation, Groups);
    }

    /// <inheritdoc />
    public override Variable Forward(Variable input) => Functional.Conv3d(input, Weight, Bias, GeometryFor(input.Shape));

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "")
    {
        var g = GeometryFor(input);
        long parameters = Weight.Value.ElementCount + (Bias?.Value.ElementCount ?? 0);
        costs.Add(new LayerCost(path, nameof(Conv3d), g.DenseMacs, parameters, g.OutputShape));
        return g.OutputShape;
    }

    /// <summary>
    /// Re-draws the weights from N(0, 2 / fan_out) and zeroes the bias: He initialisation in fan-out mode, which
    /// torchvision's video ResNets use and which trains deep ReLU stacks from scratch faster than PyTorch's default.
    /// </summary>
    public void InitializeKaimingFanOut(ulong seed)
    {
        float std = MathF.Sqrt(2f / (OutChannels / Groups * (float)Kernel.Volume));
        using (var fresh = Tensor.RandomNormal(Weight.Shape, seed, 0f, std)) fresh.Span.CopyTo(Weight.Value.Span);
        Bias?.Value.Span.Clear();
    }

    private static int Span(int k, int? d) => (d ?? 1) * (k - 1) + 1;
}
