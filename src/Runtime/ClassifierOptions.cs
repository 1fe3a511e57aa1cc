namespace NativeDance.Runtime;

/// <summary>How <see cref="VideoClassifier.Load"/> sets a classifier up. Every property has a sensible default.</summary>
/// <example><code>var options = new ClassifierOptions { Budget = 0.5f, Device = ComputeDevice.Cpu, MaxConcurrency = 2 };</code></example>
public sealed record ClassifierOptions
{
    /// <summary>
    /// The pruning budget: the share of the dense network's conv MACs a clip may use on average, in (0, 1] (METHOD.md's
    /// R(x), the quantity the controller was trained to keep under its own budget B). Null (the default) runs the
    /// controller at the calibration scale <c>dance aap</c> chose and saved with it. 1 runs the dense network, controller or
    /// not. Below 1 it needs a controller: loading searches the one global scale s on every threshold multiplier (the
    /// deployment knob of METHOD.md) whose mean R(x) over the calibration clips is closest to the budget, so a budget
    /// below the controller's trained one prunes harder than it was trained for, at some cost in accuracy.
    /// </summary>
    public float? Budget { get; init; }

    /// <summary>CPU, GPU or automatic (the default).</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <summary>
    /// Most clips classified at once. Each concurrent caller holds one compiled plan (its own activation arena) while its
    /// clip runs; plans are compiled on demand up to this bound and reused, and further callers wait for a free one.
    /// Default: the processor count, at most 4.
    /// </summary>
    public int MaxConcurrency { get; init; } = Math.Min(Environment.ProcessorCount, 4);

    /// <summary>
    /// Clips ([T, H, W, 3] at the model's clip size, values in [0, 1]) to fit the <see cref="Budget"/> on: clips like
    /// those the app will classify. Null: 32 validation clips rendered from the model's dataset where that needs no
    /// files (the procedural dataset); for any other dataset a budget below 1 then needs these clips.
    /// </summary>
    public IReadOnlyList<float[]>? CalibrationClips { get; init; }

    /// <summary>Folder holding ffmpeg and ffprobe for <see cref="VideoClassifier.ClassifyVideo"/>; null searches PATH.</summary>
    public string? FfmpegDirectory { get; init; }
}
