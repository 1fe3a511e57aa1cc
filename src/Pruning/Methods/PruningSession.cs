using NativeDance.Data.Loading;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;

namespace NativeDance.Pruning.Methods;

/// <summary>
/// What every compared method starts from: the trained dense and AVA checkpoints of one model, the data splits and the
/// training effort allowed. Methods load fresh copies of the models, so no method sees another's changes.
/// </summary>
public sealed class PruningSession
{
    /// <summary>Binds the checkpoints and loaders; the loaders stay owned by the caller.</summary>
    /// <exception cref="FileNotFoundException">A checkpoint does not exist.</exception>
    public PruningSession(ModelSpec spec, string denseCheckpoint, string avaCheckpoint, ClipLoader train, ClipLoader validation, ClipLoader test)
    {
        foreach (var path in new[] { denseCheckpoint, avaCheckpoint })
            if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint not found: {path}", path);
        Spec = spec;
        DenseCheckpoint = denseCheckpoint;
        AvaCheckpoint = avaCheckpoint;
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>The model's architecture, classes and clip size.</summary>
    public ModelSpec Spec { get; }

    /// <summary>The trained dense model.</summary>
    public string DenseCheckpoint { get; }

    /// <summary>The dense model after AVA fine-tuning.</summary>
    public string AvaCheckpoint { get; }

    /// <summary>Training split (shuffled, augmented); the demo may pass a subset to bound training time.</summary>
    public ClipLoader Train { get; }

    /// <summary>Validation split: where methods tune their knobs.</summary>
    public ClipLoader Validation { get; }

    /// <summary>Test split: where results are reported.</summary>
    public ClipLoader Test { get; }

    /// <summary>Epochs a method may spend training or fine-tuning (the demo keeps this small).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Receives one-line progress messages.</summary>
    public Action<string> Progress { get; init; } = _ => { };

    /// <summary>Stops long runs.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>A fresh copy of the dense model, in eval mode.</summary>
    public Module LoadDense() => Load(DenseCheckpoint);

    /// <summary>A fresh copy of the AVA model, in eval mode.</summary>
    public Module LoadAva() => Load(AvaCheckpoint);

    private Module Load(string path)
    {
        var model = ModelZoo.Create(Spec);
        ModelCheckpoint.Load(model, path);
        return model.Eval();
    }
}
