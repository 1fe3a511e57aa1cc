using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NativeDance.Peers.Torch.Models;

/// <summary>
/// The C3D of our model zoo (batch-norm variant) in libtorch: eight 3x3x3 convs (padding 1, no bias) each with
/// BatchNorm3d and ReLU, max pools after conv1 (1x2x2), conv2, conv3b, conv4b and conv5b (2x2x2; pool5 pads H and W by
/// one), then fc6 and fc7 with ReLU (dropout is the identity at inference) and the classifier fc8. Our fc6 reads pool5's
/// features channels-last, so they are permuted to [N, T, H, W, C] before flattening. State names: <c>conv3a.weight</c>,
/// <c>bn3a.*</c>, <c>fc6.weight</c>, ...
/// </summary>
public sealed class TorchC3d : TorchVideoNet
{
    private static readonly string[] Stages = ["1", "2", "3a", "3b", "4a", "4b", "5a", "5b"];
    private static readonly Dictionary<string, (long[] Kernel, long[] Padding)> PoolAfter = new()
    {
        ["1"] = ([1, 2, 2], [0, 0, 0]),
        ["2"] = ([2, 2, 2], [0, 0, 0]),
        ["3b"] = ([2, 2, 2], [0, 0, 0]),
        ["4b"] = ([2, 2, 2], [0, 0, 0]),
        ["5b"] = ([2, 2, 2], [0, 1, 1]),
    };

    private TorchC3d(TorchStateDict state) : base(state)
    {
    }

    /// <summary>
    /// The state layout for conv widths <paramref name="widths"/> (eight: 64, 128, 256, 256, 512, 512, 512, 512 at
    /// width 1), <paramref name="flattened"/> pool5 features (8192 for 16x112x112 clips) and fc6/fc7 widths <paramref name="hidden"/>.
    /// </summary>
    public static IReadOnlyList<StateEntry> Layout(IReadOnlyList<int> widths, int flattened, IReadOnlyList<int> hidden, int classes)
    {
        if (widths.Count != Stages.Length) throw new ArgumentException($"C3D has {Stages.Length} convs; got {widths.Count} widths.", nameof(widths));
        if (hidden.Count != 2) throw new ArgumentException($"C3D has two hidden fully connected layers; got {hidden.Count} widths.", nameof(hidden));
        var layout = new List<StateEntry>();
        int channels = 3;
        for (int i = 0; i < Stages.Length; i++)
        {
            layout.Add(StateEntry.Conv($"conv{Stages[i]}", widths[i], channels, 3, 3, 3));
            layout.AddRange(StateEntry.BatchNorm($"bn{Stages[i]}", widths[i]));
            channels = widths[i];
        }
        layout.AddRange(StateEntry.Linear("fc6", flattened, hidden[0]));
        layout.AddRange(StateEntry.Linear("fc7", hidden[0], hidden[1]));
        layout.AddRange(StateEntry.Linear("fc8", hidden[1], classes));
        return layout;
    }

    /// <summary>The twin of a checkpoint written by our ModelCheckpoint for this layout.</summary>
    public static TorchC3d Load(string path, IReadOnlyList<int> widths, int flattened, IReadOnlyList<int> hidden, int classes, ScalarType dtype) =>
        new(TorchStateDict.Load(path, Layout(widths, flattened, hidden, classes), dtype));

    /// <inheritdoc />
    public override torch.Tensor Forward(torch.Tensor clips, bool training)
    {
        using var scope = torch.NewDisposeScope();
        var x = clips;
        foreach (string stage in Stages)
        {
            x = F.relu(BatchNorm(Conv(x, $"conv{stage}", [1, 1, 1], [1, 1, 1]), $"bn{stage}", training));
            if (PoolAfter.TryGetValue(stage, out var pool)) x = F.max_pool3d(x, pool.Kernel, pool.Kernel, pool.Padding);
        }
        x = x.permute(0, 2, 3, 4, 1).flatten(1);
        x = F.dropout(F.relu(Linear(x, "fc6")), 0.5, training);
        x = F.dropout(F.relu(Linear(x, "fc7")), 0.5, training);
        return Linear(x, "fc8").MoveToOuterDisposeScope();
    }
}
