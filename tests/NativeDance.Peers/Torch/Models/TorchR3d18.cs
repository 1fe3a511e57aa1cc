using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NativeDance.Peers.Torch.Models;

/// <summary>
/// torchvision's r3d_18 in libtorch, with its state names (<c>stem.0.weight</c>, <c>layer2.0.conv1.0.weight</c>,
/// <c>layer2.0.downsample.1.running_var</c>, <c>fc.bias</c>, ...): a 3x7x7 stem with stride (1,2,2), four layers of two
/// BasicBlocks (relu(bn(conv(relu(bn(conv(x))))) + shortcut)) whose first block in layers 2-4 has stride 2 and a
/// 1x1x1 conv + BN shortcut, global average pooling and a linear classifier. Widths are free, for small tests.
/// </summary>
public sealed class TorchR3d18 : TorchVideoNet
{
    private readonly int _layers;

    private TorchR3d18(TorchStateDict state, int layers) : base(state) => _layers = layers;

    /// <summary>The state layout for per-layer widths <paramref name="planes"/> (torchvision: 64, 128, 256, 512).</summary>
    public static IReadOnlyList<StateEntry> Layout(IReadOnlyList<int> planes, int classes)
    {
        if (planes.Count != 4) throw new ArgumentException($"R3D-18 has four layers; got {planes.Count} widths.", nameof(planes));
        var layout = new List<StateEntry> { StateEntry.Conv("stem.0", planes[0], 3, 3, 7, 7) };
        layout.AddRange(StateEntry.BatchNorm("stem.1", planes[0]));
        int inPlanes = planes[0];
        for (int layer = 0; layer < 4; layer++)
        {
            for (int block = 0; block < 2; block++)
            {
                string name = $"layer{layer + 1}.{block}";
                int blockIn = block == 0 ? inPlanes : planes[layer];
                layout.Add(StateEntry.Conv($"{name}.conv1.0", planes[layer], blockIn, 3, 3, 3));
                layout.AddRange(StateEntry.BatchNorm($"{name}.conv1.1", planes[layer]));
                layout.Add(StateEntry.Conv($"{name}.conv2.0", planes[layer], planes[layer], 3, 3, 3));
                layout.AddRange(StateEntry.BatchNorm($"{name}.conv2.1", planes[layer]));
                if (HasDownsample(layer, block, blockIn, planes[layer]))
                {
                    layout.Add(StateEntry.Conv($"{name}.downsample.0", planes[layer], blockIn, 1, 1, 1));
                    layout.AddRange(StateEntry.BatchNorm($"{name}.downsample.1", planes[layer]));
                }
            }
            inPlanes = planes[layer];
        }
        layout.AddRange(StateEntry.Linear("fc", inPlanes, classes));
        return layout;
    }

    /// <summary>The twin of a checkpoint written by our ModelCheckpoint (or torchvision) for these widths and classes.</summary>
    public static TorchR3d18 Load(string path, IReadOnlyList<int> planes, int classes, ScalarType dtype) =>
        new(TorchStateDict.Load(path, Layout(planes, classes), dtype), planes.Count);

    /// <summary>A twin with fresh random weights and statistics drawn by libtorch.</summary>
    public static TorchR3d18 Initialize(IReadOnlyList<int> planes, int classes, ScalarType dtype, long seed) =>
        new(TorchStateDict.Initialize(Layout(planes, classes), dtype, seed), planes.Count);

    /// <inheritdoc />
    public override torch.Tensor Forward(torch.Tensor clips, bool training)
    {
        using var scope = torch.NewDisposeScope();
        var x = F.relu(BatchNorm(Conv(clips, "stem.0", [1, 2, 2], [1, 3, 3]), "stem.1", training));
        for (int layer = 0; layer < _layers; layer++)
        {
            for (int block = 0; block < 2; block++)
                x = BasicBlock(x, $"layer{layer + 1}.{block}", layer > 0 && block == 0 ? 2 : 1, training);
        }
        return Linear(GlobalAveragePool(x), "fc").MoveToOuterDisposeScope();
    }

    private torch.Tensor BasicBlock(torch.Tensor x, string name, long stride, bool training)
    {
        var main = F.relu(BatchNorm(Conv(x, $"{name}.conv1.0", [stride, stride, stride], [1, 1, 1]), $"{name}.conv1.1", training));
        main = BatchNorm(Conv(main, $"{name}.conv2.0", [1, 1, 1], [1, 1, 1]), $"{name}.conv2.1", training);
        var shortcut = State.Layout.Any(e => e.Name == $"{name}.downsample.0.weight")
            ? BatchNorm(Conv(x, $"{name}.downsample.0", [stride, stride, stride], [0, 0, 0]), $"{name}.downsample.1", training)
            : x;
        return F.relu(main + shortcut);
    }

    private static bool HasDownsample(int layer, int block, int inPlanes, int planes) => block == 0 && (layer > 0 || inPlanes != planes);
}
