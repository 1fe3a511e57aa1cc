using System.Diagnostics;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// The frame every baseline runs in: checks the target and options, starts the clock, loads a fresh dense model and
/// caches the validation clips its knob is tuned on, with the network's MAC geometry; the method does the rest.
/// </summary>
public abstract class BaselineMethod(BaselineOptions? options) : IPruningMethod
{
    private protected BaselineOptions Options { get; } = options ?? new BaselineOptions();

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public MethodKind Kind => MethodKind.Baseline;

    /// <inheritdoc />
    public MethodResult Run(PruningSession session, double targetMacRatio)
    {
        ArgumentNullException.ThrowIfNull(session);
        TargetRatio.Require(targetMacRatio);
        Options.Validate();
        var clock = Stopwatch.StartNew();
        var model = session.LoadDense();
        using var tuning = new CachedBatches(session.Validation, Options.TuningClips, session.Cancellation);
        var macs = NetworkMacs.For(model, tuning.Batches[0].Clips.Shape);
        return Run(new BaselineRun(session, model, tuning, macs, clock), targetMacRatio);
    }

    /// <summary>Prunes, tunes, fine-tunes and tests, from the prepared <paramref name="run"/>.</summary>
    private protected abstract MethodResult Run(BaselineRun run, double targetMacRatio);
}

/// <summary>What <see cref="BaselineMethod"/> prepared for one run.</summary>
internal sealed record BaselineRun(PruningSession Session, Module Model, CachedBatches Tuning, NetworkMacs Macs, Stopwatch Clock);
