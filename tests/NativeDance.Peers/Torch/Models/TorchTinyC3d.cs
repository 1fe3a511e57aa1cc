using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NativeDance.Peers.Torch.Models;

/// <summary>
/// The tiny C3D of our model zoo in libtorch: four stages of [3x3x3 conv (padding 1, no bias), BatchNorm3d, ReLU], the
/// first conv with stride (1,2,2), max pools 2 after the second and third, global average pooling and a linear classifier. State names:
/// <c>conv{i}.weight</c>, <c>bn{i}.*</c>, <c>fc.weight</c>, <c>fc.bias</c>.
/// </summary>
public sealed class TorchTinyC3d : TorchVideoNet
{
    private static readonly long[][] Strides = [[1, 2, 2], [1, 1, 1], [1, 1, 1], [1, 1, 1]];
    private static readonly bool[] PoolAfter = [false, true, true, false];
    private readonly int _stages;

    private TorchTinyC3d(TorchStateDict state, int stages) : base(state) => _stages = stages;

    /// <summary>The state layout for stage widths <paramref name="widths"/> (four: 16, 32, 64, 64 at width 1).</summary>
    public static IReadOnlyList<StateEntry> Layout(IReadOnlyList<int> widths, int classes)
    {
        if (widths.Count != 4) throw new ArgumentException($"The tiny C3D has four stages; got {widths.Count} widths.", nameof(widths));
        var layout = new List<StateEntry>();
        int channels = 3;
        for (int i = 0; i < widths.Count; i++)
        {
            layout.Add(StateEntry.Conv($"conv{i + 1}", widths[i], channels, 3, 3, 3));
            layout.AddRange(StateEntry.BatchNorm($"bn{i + 1}", widths[i]));
            channels = widths[i];
        }
        layout.AddRange(StateEntry.Linear("fc", channels, classes));
        return layout;
    }

    /// <summary>The twin of a checkpoint written by our ModelCheckpoint (or PyTorch) for these widths and classes.</summary>
    public static TorchTinyC3d Load(string path, IReadOnlyList<int> widths, int classes, ScalarType dtype) =>
        new(TorchStateDict.Load(path, Layout(widths, classes), dtype), widths.Count);

    /// <summary>A twin with fresh random weights and statistics drawn by libtorch.</summary>
    public static TorchTinyC3d Initialize(IReadOnlyList<int> widths, int classes, ScalarType dtype, long seed) =>
        new(TorchStateDict.Initialize(Layout(widths, classes), dtype, seed), widths.Count);

    /// <inheritdoc />
    public override torch.Tensor Forward(torch.Tensor clips, bool training)
    {
        using var scope = torch.NewDisposeScope();
        var x = clips;
        for (int i = 0; i < _stages; i++)
        {
            x = F.relu(BatchNorm(Conv(x, $"conv{i + 1}", Strides[i], [1, 1, 1]), $"bn{i + 1}", training));
            if (PoolAfter[i]) x = F.max_pool3d(x, [2, 2, 2], [2, 2, 2]);
        }
        return Linear(GlobalAveragePool(x), "fc").MoveToOuterDisposeScope();
    }
}
