using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.PeerTests.Conv;

/// <summary>
/// Convolutions of real video networks (channel counts, kernels, strides and paddings of C3D, R3D-18, R(2+1)D-18,
/// ir-CSN and X3D) on small clips, so that the peer suite runs in seconds. Batch 2 where the layer is cheap.
/// </summary>
public static class VideoConvCases
{
    private static readonly Dictionary<string, Conv3dGeometry> Cases = new()
    {
        ["C3D conv2 64->128 3x3x3 pad 1"] = Conv(1, 64, new(4, 6, 6), 128, Dims3.Cube(3), padding: Dims3.Cube(1)),
        ["C3D conv3a 128->256 3x3x3 pad 1"] = Conv(1, 128, new(2, 5, 5), 256, Dims3.Cube(3), padding: Dims3.Cube(1)),
        ["small clip 32->64 3x3x3 pad 1"] = Conv(2, 32, new(4, 8, 8), 64, Dims3.Cube(3), padding: Dims3.Cube(1)),
        ["R3D conv1 3->64 3x7x7 stride (1,2,2) pad (1,3,3)"] = Conv(2, 3, new(4, 16, 16), 64, new(3, 7, 7), new(1, 2, 2), new(1, 3, 3)),
        ["R3D layer2 128->128 3x3x3 pad 1"] = Conv(1, 128, new(3, 4, 4), 128, Dims3.Cube(3), padding: Dims3.Cube(1)),
        ["R3D layer2.0 64->128 3x3x3 stride 2 pad 1"] = Conv(1, 64, new(4, 8, 8), 128, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1)),
        ["R3D downsample 64->128 1x1x1 stride 2"] = Conv(2, 64, new(4, 7, 7), 128, Dims3.Cube(1), Dims3.Cube(2)),
        ["R3D layer4 512->512 3x3x3 pad 1"] = Conv(1, 512, new(2, 3, 3), 512, Dims3.Cube(3), padding: Dims3.Cube(1)),
        ["R(2+1)D stem spatial 3->45 1x7x7 stride (1,2,2) pad (0,3,3)"] = Conv(2, 3, new(3, 14, 14), 45, new(1, 7, 7), new(1, 2, 2), new(0, 3, 3)),
        ["R(2+1)D stem temporal 45->64 3x1x1 pad (1,0,0)"] = Conv(1, 45, new(4, 7, 7), 64, new(3, 1, 1), padding: new(1, 0, 0)),
        ["R(2+1)D spatial 64->144 1x3x3 pad (0,1,1)"] = Conv(1, 64, new(4, 6, 6), 144, new(1, 3, 3), padding: new(0, 1, 1)),
        ["R(2+1)D temporal 144->64 3x1x1 pad (1,0,0)"] = Conv(1, 144, new(4, 5, 5), 64, new(3, 1, 1), padding: new(1, 0, 0)),
        ["ir-CSN depthwise 64 3x3x3 pad 1"] = Conv(2, 64, new(4, 6, 6), 64, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 64),
        ["X3D depthwise 48 3x3x3 stride (1,2,2) pad 1"] = Conv(1, 48, new(4, 9, 9), 48, Dims3.Cube(3), new(1, 2, 2), Dims3.Cube(1), groups: 48),
        ["grouped 32->64 groups 4 3x3x3 pad 1"] = Conv(1, 32, new(3, 5, 5), 64, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 4),
        ["dilated 32->32 3x3x3 dilation 2 pad 2"] = Conv(1, 32, new(5, 7, 7), 32, Dims3.Cube(3), padding: Dims3.Cube(2), dilation: Dims3.Cube(2)),
    };

    /// <summary>Every case name, for [MemberData].</summary>
    public static TheoryData<string> Names => new(Cases.Keys);

    /// <summary>Dense (ungrouped) case names, for the masked forward.</summary>
    public static TheoryData<string> DenseNames => new(Cases.Where(c => c.Value.Groups == 1).Select(c => c.Key));

    public static Conv3dGeometry Get(string name) => Cases[name];

    /// <summary>Seeded random input, weight (scaled by 1/sqrt(fan-in), as PyTorch initialises) and bias.</summary>
    public static (Tensor Input, Tensor Weight, Tensor Bias) RandomOperands(in Conv3dGeometry g, ulong seed)
    {
        float scale = 1f / MathF.Sqrt(g.InChannelsPerGroup * (float)g.Kernel.Volume);
        return (Tensor.RandomNormal(g.InputShape, seed),
            Tensor.RandomNormal(g.WeightShape, seed + 1, std: scale),
            Tensor.RandomUniform(new Shape(g.OutChannels), seed + 2, -scale, scale));
    }

    private static Conv3dGeometry Conv(int batch, int cin, Dims3 input, int cout, Dims3 kernel, Dims3? stride = null,
        Dims3? padding = null, Dims3? dilation = null, int groups = 1) =>
        Conv3dGeometry.Create(batch, cin, input, cout, kernel, stride, padding, dilation, groups);
}
