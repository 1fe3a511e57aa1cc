namespace NativeDance.Models.Training;

/// <summary>Optimiser, schedule and bookkeeping settings of a training run.</summary>
public sealed record TrainingOptions
{
    /// <summary>Epochs to train (in total, counting those a resumed run already completed).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Peak learning rate.</summary>
    public float LearningRate { get; init; } = 0.05f;

    /// <summary><c>sgd</c> (momentum, Nesterov) or <c>adamw</c>.</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>SGD momentum.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Weight decay (L2 for SGD, decoupled for AdamW).</summary>
    public float WeightDecay { get; init; } = 5e-4f;

    /// <summary><c>cosine</c>, <c>step</c> (x0.1 every third of the run) or <c>constant</c>.</summary>
    public string Schedule { get; init; } = "cosine";

    /// <summary>Steps of linear warm-up.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Label smoothing of the cross-entropy.</summary>
    public float LabelSmoothing { get; init; }

    /// <summary>Folder for per-epoch checkpoints, the latest model and the history.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Checks the values; throws one clear <see cref="ArgumentException"/> per problem.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, got {Epochs}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"The learning rate must be positive, got {LearningRate}.");
        if (Optimizer is not ("sgd" or "adamw")) throw new ArgumentException($"Unknown optimizer '{Optimizer}'; use sgd or adamw.");
        if (Schedule is not ("cosine" or "step" or "constant")) throw new ArgumentException($"Unknown schedule '{Schedule}'; use cosine, step or constant.");
        if (WarmupSteps < 0) throw new ArgumentException($"Warm-up steps must not be negative, got {WarmupSteps}.");
        if (LabelSmoothing is < 0 or >= 1) throw new ArgumentException($"Label smoothing must lie in [0, 1), got {LabelSmoothing}.");
    }
}

/// <summary>Progress inside an epoch, reported after every step.</summary>
/// <param name="Epoch">Epoch, from 1.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="StepsPerEpoch">Steps in an epoch.</param>
/// <param name="Loss">Mean training loss so far this epoch.</param>
/// <param name="Accuracy">Training accuracy so far this epoch.</param>
/// <param name="ClipsPerSecond">Training throughput this epoch (forward, backward and update).</param>
/// <param name="Remaining">Estimated time to the end of the run.</param>
public sealed record StepProgress(int Epoch, int Step, int StepsPerEpoch, double Loss, double Accuracy, double ClipsPerSecond, TimeSpan Remaining);

/// <summary>The outcome of one epoch.</summary>
/// <param name="Epoch">Epoch, from 1.</param>
/// <param name="TrainLoss">Mean training loss.</param>
/// <param name="TrainAccuracy">Training accuracy (on augmented clips, in training mode).</param>
/// <param name="ValidationAccuracy">Accuracy on the validation split, or NaN without one.</param>
/// <param name="ClipsPerSecond">Training throughput.</param>
/// <param name="Seconds">Wall time of the epoch including validation.</param>
/// <param name="LearningRate">Learning rate at the epoch's last step.</param>
public sealed record EpochSummary(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationAccuracy, double ClipsPerSecond, double Seconds, float LearningRate);
