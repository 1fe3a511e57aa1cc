using NativeDance.Autograd;
using NativeDance.Autograd.Optim;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Peers.Torch;
using NativeDance.Peers.Torch.Models;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace NativeDance.Bench.Training;

/// <summary>
/// Our tiny C3D and its libtorch twin, from the same initial weights (ours, passed to libtorch through our checkpoint),
/// each with SGD (momentum 0.9, Nesterov, weight decay 5e-4, learning rate 0.01) and each able to run one training step:
/// forward in training mode, cross-entropy, backward, update.
/// </summary>
internal sealed class TrainingContestants : IDisposable
{
    private const float LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 5e-4f;
    private readonly TrainingWorkload _data;
    private readonly Module _ours;
    private readonly Sgd _ourOptimizer;
    private readonly TorchTinyC3d _theirs;
    private readonly torch.optim.Optimizer _theirOptimizer;
    private long _ourSteps, _theirSteps;

    public TrainingContestants(TrainingWorkload data, ulong seed)
    {
        _data = data;
        var ours = (PlainConvNet)ModelZoo.Create(new ModelSpec("tiny-c3d", data.Classes, Frames: data.Clip.Frames, Size: data.Clip.Height, Seed: seed));
        _ours = ours;
        _ourOptimizer = new Sgd(ours.Parameters(), LearningRate, Momentum, WeightDecay, nesterov: true);
        string checkpoint = Path.Combine(Path.GetTempPath(), $"nd-train-bench-{Environment.ProcessId}.safetensors");
        try
        {
            ModelCheckpoint.Save(ours, checkpoint);
            _theirs = TorchTinyC3d.Load(checkpoint, ours.Convolutions.Select(c => c.OutChannels).ToArray(), data.Classes, torch.ScalarType.Float32);
        }
        finally
        {
            File.Delete(checkpoint);
        }
        _theirOptimizer = torch.optim.SGD(_theirs.State.Parameters, LearningRate, Momentum, weight_decay: WeightDecay, nesterov: true);
    }

    public static string Description => $"SGD lr {LearningRate}, momentum {Momentum}, Nesterov, weight decay {WeightDecay}";

    /// <summary>One training step of ours; returns the loss.</summary>
    public float OurStep()
    {
        var (clips, labels, _, _) = _data[_ourSteps++];
        using var scope = new GraphScope();
        var loss = Functional.CrossEntropy(_ours.Forward(Variable.Constant(clips)), labels);
        _ourOptimizer.ZeroGrad();
        loss.Backward();
        _ourOptimizer.Step();
        return loss.Value.Item();
    }

    /// <summary>One training step of libtorch's; returns the loss.</summary>
    public float TheirStep()
    {
        var (_, _, clips, labels) = _data[_theirSteps++];
        using var scope = torch.NewDisposeScope();
        var loss = F.cross_entropy(_theirs.Forward(clips, training: true), labels);
        _theirOptimizer.zero_grad();
        loss.backward();
        _theirOptimizer.step();
        return loss.item<float>();
    }

    public void Dispose()
    {
        _theirOptimizer.Dispose();
        _theirs.Dispose();
    }
}
