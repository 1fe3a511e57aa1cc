namespace NativeDance.Cli.Demo;

/// <summary>
/// How much work each demo stage may do. The full demo is sized to finish in about six minutes on two cores with the
/// tiny C3D on the procedural dataset; the quick one (CI) in under a minute, trading accuracy for time.
/// </summary>
internal sealed record DemoSettings
{
    /// <summary>Training clips (procedural: rendered; other datasets: a seeded subset).</summary>
    public required int TrainClips { get; init; }

    /// <summary>Validation and test clips each.</summary>
    public required int EvalClips { get; init; }

    /// <summary>Epochs of dense training.</summary>
    public required int DenseEpochs { get; init; }

    /// <summary>Epochs of AVA fine-tuning.</summary>
    public required int AvaEpochs { get; init; }

    /// <summary>Epochs of DANCE's controller training.</summary>
    public required int AapEpochs { get; init; }

    /// <summary>Training clips each baseline and ablation may use (a seeded subset of the training split).</summary>
    public required int MethodTrainClips { get; init; }

    /// <summary>Epochs each baseline and ablation may train.</summary>
    public required int MethodEpochs { get; init; }

    /// <summary>Test clips timed for the latency comparison.</summary>
    public required int LatencyClips { get; init; }

    /// <summary>The full demo.</summary>
    public static DemoSettings Full { get; } = new()
    {
        TrainClips = 2000, EvalClips = 500, DenseEpochs = 3, AvaEpochs = 1, AapEpochs = 3,
        MethodTrainClips = 800, MethodEpochs = 1, LatencyClips = 64,
    };

    /// <summary>The quick demo: every stage runs, on little data.</summary>
    public static DemoSettings Quick { get; } = new()
    {
        TrainClips = 320, EvalClips = 64, DenseEpochs = 2, AvaEpochs = 1, AapEpochs = 1,
        MethodTrainClips = 96, MethodEpochs = 1, LatencyClips = 16,
    };
}
