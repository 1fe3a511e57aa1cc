using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Kernels;

/// <summary>
/// Host side of cuda-kernels/controller.ptx: DANCE's controller MLP at inference as the CPU plan's ControllerStep runs it
/// (normalised features -> hidden -> ReLU -> hidden -> ReLU -> 3 per gate -> softplus, times the calibration scale).
/// </summary>
internal static class ControllerKernels
{
    public const string Module = "controller";

    /// <summary>Most features the kernel's shared memory holds (2C + 2T of A_1).</summary>
    public const int MaxFeatures = 4096;

    /// <summary>Widest hidden layer the kernel's shared memory holds.</summary>
    public const int MaxHidden = 256;

    private const uint BlockThreads = 256;

    /// <summary>
    /// multipliers [3 * gates] = scale * softplus(fc3(relu(fc2(relu(fc1((features - mean) / std)))))). Weights are
    /// [out, in] row-major on the device; fc1 is [hidden, features], fc2 [hidden, hidden], fc3 [3 * gates, hidden].
    /// </summary>
    /// <exception cref="ArgumentException">A size is out of range, the scale is not finite, or a pointer is null.</exception>
    public static KernelLaunch<ControllerMlpArguments> Mlp(ControllerShape shape, float scale, ControllerWeights weights, ulong features, ulong multipliers)
    {
        if (!float.IsFinite(scale))
            throw new ArgumentException($"The calibration scale must be finite; got {scale}.", nameof(scale));
        var args = new ControllerMlpArguments(KernelArguments.Pointer(features, nameof(features)), weights.Validated(),
            KernelArguments.Pointer(multipliers, nameof(multipliers)), shape, scale);
        return new(Module, "controller_mlp", new LaunchShape(new Dim3(1), new Dim3(BlockThreads)), args);
    }
}

/// <summary>The controller's sizes: input features, hidden width (both hidden layers), gated layers.</summary>
internal readonly record struct ControllerShape
{
    /// <summary>Validates the sizes against what controller_mlp holds.</summary>
    /// <exception cref="ArgumentException">A size is not positive or exceeds the kernel's shared memory.</exception>
    public ControllerShape(int features, int hidden, int gates)
    {
        if (features is < 1 or > ControllerKernels.MaxFeatures)
            throw new ArgumentException($"The controller takes 1 to {ControllerKernels.MaxFeatures} features on the GPU; got {features}.", nameof(features));
        if (hidden is < 1 or > ControllerKernels.MaxHidden)
            throw new ArgumentException($"The controller's hidden width must be 1 to {ControllerKernels.MaxHidden} on the GPU; got {hidden}.", nameof(hidden));
        KernelArguments.Count(3L * gates, "3 * gates");
        (Features, Hidden, Gates) = (features, hidden, gates);
    }

    public int Features { get; }

    public int Hidden { get; }

    public int Gates { get; }

    /// <summary>Multipliers written, 3 per gate.</summary>
    public int Outputs => 3 * Gates;
}

/// <summary>Device pointers to the controller's normalisation and layers, each [out, in] row-major with its bias.</summary>
internal readonly record struct ControllerWeights(ulong Mean, ulong Std, ulong Weight1, ulong Bias1, ulong Weight2, ulong Bias2, ulong Weight3, ulong Bias3)
{
    /// <summary>This, after checking that no pointer is null.</summary>
    /// <exception cref="ArgumentException">A pointer is null.</exception>
    public ControllerWeights Validated()
    {
        KernelArguments.Pointer(Mean, nameof(Mean));
        KernelArguments.Pointer(Std, nameof(Std));
        KernelArguments.Pointer(Weight1, nameof(Weight1));
        KernelArguments.Pointer(Bias1, nameof(Bias1));
        KernelArguments.Pointer(Weight2, nameof(Weight2));
        KernelArguments.Pointer(Bias2, nameof(Bias2));
        KernelArguments.Pointer(Weight3, nameof(Weight3));
        KernelArguments.Pointer(Bias3, nameof(Bias3));
        return this;
    }
}

/// <summary>The parameters of controller_mlp, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct ControllerMlpArguments(ulong features, ControllerWeights weights, ulong multipliers, ControllerShape shape, float scale)
{
    public readonly ulong Features = features;
    public readonly ulong Mean = weights.Mean, Std = weights.Std;
    public readonly ulong Weight1 = weights.Weight1, Bias1 = weights.Bias1, Weight2 = weights.Weight2, Bias2 = weights.Bias2,
        Weight3 = weights.Weight3, Bias3 = weights.Bias3;
    public readonly ulong Multipliers = multipliers;
    public readonly uint FeatureCount = (uint)shape.Features, Hidden = (uint)shape.Hidden, Outputs = (uint)shape.Outputs;
    public readonly float Scale = scale;
}
