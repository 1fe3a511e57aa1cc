using NativeDance.Data;
using NativeDance.Data.Procedural;
using NativeDance.Peers.Torch;
using NativeDance.Tensors;
using TorchSharp;

namespace NativeDance.Bench.Training;

/// <summary>
/// The batches both implementations train on, rendered once before any timing: procedural clips (channels-last for
/// us, [N, 3, T, H, W] for libtorch; the same values) with their labels, cycled step after step.
/// </summary>
internal sealed class TrainingWorkload : IDisposable
{
    private const int DistinctBatches = 4;
    private readonly List<(Tensor Clips, int[] Labels, torch.Tensor TorchClips, torch.Tensor TorchLabels)> _batches = [];

    public TrainingWorkload(ClipSpec clip, int batch, ulong seed)
    {
        Clip = clip;
        Batch = batch;
        var dataset = new ProceduralVideoDataset(DatasetSplit.Train, batch * DistinctBatches, clip, seed);
        Classes = dataset.ClassNames.Count;
        for (int b = 0; b < DistinctBatches; b++)
        {
            var data = new float[batch * clip.ElementCount];
            var labels = new int[batch];
            for (int i = 0; i < batch; i++)
                labels[i] = dataset.ReadClip(b * batch + i, data.AsSpan(i * clip.ElementCount, clip.ElementCount));
            var clips = Tensor.FromData(new Shape(batch, clip.Frames, clip.Height, clip.Width, clip.Channels), data);
            _batches.Add((clips, labels, TorchConversions.ActivationToTorch(clips), torch.tensor(labels.Select(l => (long)l).ToArray())));
        }
    }

    public ClipSpec Clip { get; }

    public int Batch { get; }

    public int Classes { get; }

    /// <summary>The batch of step <paramref name="step"/>.</summary>
    public (Tensor Clips, int[] Labels, torch.Tensor TorchClips, torch.Tensor TorchLabels) this[long step] => _batches[(int)(step % _batches.Count)];

    public void Dispose()
    {
        foreach (var (clips, _, torchClips, torchLabels) in _batches)
        {
            clips.Dispose();
            torchClips.Dispose();
            torchLabels.Dispose();
        }
    }
}
