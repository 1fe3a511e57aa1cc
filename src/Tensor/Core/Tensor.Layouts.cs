namespace NativeDance.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Converts an activation from PyTorch's [N, C, T, H, W] to the engine's channels-last [N, T, H, W, C].
    /// Channels-last keeps the reduction dimension of a convolution contiguous, so every tap of a kernel
    /// reads whole rows of input channels and the sparse-input kernels vectorise over output channels.
    /// </summary>
    public Tensor ToChannelsLast()
    {
        RequireRank(5, "[N, C, T, H, W]");
        using var view = Permute(0, 2, 3, 4, 1);
        return view.Clone();
    }

    /// <summary>Converts an activation from channels-last [N, T, H, W, C] back to PyTorch's [N, C, T, H, W].</summary>
    public Tensor ToChannelsFirst()
    {
        RequireRank(5, "[N, T, H, W, C]");
        using var view = Permute(0, 4, 1, 2, 3);
        return view.Clone();
    }

    /// <summary>
    /// Converts conv weights from PyTorch's [Cout, Cin/groups, kT, kH, kW] to the engine's [kT, kH, kW, Cin/groups, Cout]:
    /// per tap, a Cin x Cout matrix whose rows are the contiguous output-channel vectors the kernels broadcast against.
    /// </summary>
    public Tensor ConvWeightFromTorch()
    {
        RequireRank(5, "[Cout, Cin/groups, kT, kH, kW]");
        using var view = Permute(2, 3, 4, 1, 0);
        return view.Clone();
    }

    /// <summary>Converts conv weights from the engine's [kT, kH, kW, Cin/groups, Cout] to PyTorch's [Cout, Cin/groups, kT, kH, kW].</summary>
    public Tensor ConvWeightToTorch()
    {
        RequireRank(5, "[kT, kH, kW, Cin/groups, Cout]");
        using var view = Permute(4, 3, 0, 1, 2);
        return view.Clone();
    }

    private void RequireRank(int rank, string layout)
    {
        if (Rank != rank)
            throw new ArgumentException($"Expected a rank-{rank} tensor {layout}, got shape {Shape}.");
    }
}
