using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Bench.Layers;

/// <summary>
/// Seeded operands of one convolution in the engine's layouts (input and output gradient channels-last, weight
/// [kT, kH, kW, Cin/groups, Cout]): every implementation of a layer is handed the same numbers.
/// </summary>
internal sealed class ConvOperands : IDisposable
{
    private const ulong Seed = 2024;

    public ConvOperands(in Conv3dGeometry g)
    {
        float scale = 1f / MathF.Sqrt(g.InChannelsPerGroup * (float)g.Kernel.Volume);
        Input = Tensor.RandomNormal(g.InputShape, Seed);
        Weight = Tensor.RandomNormal(g.WeightShape, Seed + 1, std: scale);
        Bias = Tensor.RandomUniform(new Shape(g.OutChannels), Seed + 2, -scale, scale);
        GradOutput = Tensor.RandomNormal(g.OutputShape, Seed + 3);
    }

    public Tensor Input { get; }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    public Tensor GradOutput { get; }

    public void Dispose()
    {
        Input.Dispose();
        Weight.Dispose();
        Bias.Dispose();
        GradOutput.Dispose();
    }
}
