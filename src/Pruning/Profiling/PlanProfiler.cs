using System.Diagnostics;
using NativeDance.Pruning.Dance;

namespace NativeDance.Pruning.Profiling;

/// <summary>How many times the profiler runs every clip.</summary>
public sealed record ProfileSettings
{
    /// <summary>Timed passes over the clips (default 3); each pass times every clip once on every plan.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>
    /// Untimed runs of every plan before timing (default 40): the JIT promotes a method to optimised code after 30
    /// calls, and most steps are called once per clip.
    /// </summary>
    public int WarmupRuns { get; init; } = 40;

    /// <summary>
    /// Keep warming up for at least this many seconds (default 1): the JIT starts counting calls only after about 100 ms
    /// without new methods and then compiles in the background, so 40 runs of a small model (a few milliseconds) would
    /// end with steps still unoptimised, and the first timed runs would measure them (10 times slower).
    /// </summary>
    public double MinWarmupSeconds { get; init; } = 1;

    /// <summary>Stop warming up after this many seconds even before <see cref="WarmupRuns"/> (default 5; large models are slow per clip).</summary>
    public double WarmupSeconds { get; init; } = 5;
}

/// <summary>
/// Runs plans on clips with per-step timing: a dense plan and optionally a gated one, taking turns repeat by repeat
/// (each runs every clip, then the other does) so both see the same machine state, recording every run
/// (<see cref="PlanRuns"/>). For a gated plan it can also pick
/// the calibration scale that meets a MAC budget on the profiled clips.
/// </summary>
/// <example><code>var compile = ProfiledPlan.CpuFactory(model, 16, 32, 32);
/// using var dense = compile(null, 1f);
/// using var gated = compile(controller, scale);
/// var profile = PlanProfiler.Profile(dense, gated, clips, new ProfileSettings());
/// var rows = ProfileSummary.Rows(profile.Gated!, profile.Dense, roofs);</code></example>
public static class PlanProfiler
{
    /// <summary>
    /// Warms every plan up, then runs every clip of <paramref name="clips"/> (back to back) on the dense plan and then on
    /// the gated one, <see cref="ProfileSettings.Repeats"/> times over, recording each run.
    /// </summary>
    /// <exception cref="ArgumentException">The plans take different clips, the gated plan is not gated (or the dense one
    /// is), the clips do not divide into whole clips, or a setting is out of range; the message names the values.</exception>
    public static ModelProfile Profile(ProfiledPlan dense, ProfiledPlan? gated, ReadOnlySpan<float> clips, ProfileSettings settings)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(settings);
        var (densePlan, gatedPlan) = (dense.Plan, gated?.Plan);
        if (densePlan.IsGated) throw new ArgumentException("The dense plan of a profile must not be gated.", nameof(dense));
        if (gatedPlan is not null && (!gatedPlan.IsGated || gatedPlan.ClipLength != densePlan.ClipLength || gatedPlan.Classes != densePlan.Classes))
            throw new ArgumentException($"The gated plan must be gated and take the dense plan's clips ({densePlan.ClipLength} values, {densePlan.Classes} classes); "
                + $"it is {(gatedPlan.IsGated ? "" : "not ")}gated and takes {gatedPlan.ClipLength} values, {gatedPlan.Classes} classes.", nameof(gated));
        int count = ClipCount(clips, densePlan.ClipLength);
        if (settings.Repeats < 1 || settings.WarmupRuns < 0 || !(settings.WarmupSeconds >= 0) || !(settings.MinWarmupSeconds >= 0))
            throw new ArgumentException($"Profiling needs at least one repeat and no negative warm-up, got {settings.Repeats} repeats, "
                + $"{settings.WarmupRuns} warm-up runs, {settings.MinWarmupSeconds} to {settings.WarmupSeconds} warm-up seconds.", nameof(settings));
        ProfiledPlan[] plans = gated is null ? [dense] : [dense, gated];
        var logits = new float[densePlan.Classes];
        long warmup = Stopwatch.GetTimestamp();
        for (int i = 0; ; i++)
        {
            double elapsed = Stopwatch.GetElapsedTime(warmup).TotalSeconds;
            bool done = i >= settings.WarmupRuns && elapsed >= settings.MinWarmupSeconds;
            if (done || i > 0 && elapsed >= settings.WarmupSeconds) break;
            foreach (var plan in plans) plan.Plan.Run(Clip(clips, i % count, densePlan.ClipLength), logits);
        }
        int runs = count * settings.Repeats;
        var records = plans.Select(p => new PlanRuns(p.Plan.IsGated ? "gated" : "dense", p, runs)).ToArray();
        long origin = Stopwatch.GetTimestamp();
        // Each repeat runs every clip through one plan, then through the next, as a deployed plan runs clip after clip:
        // interleaving the plans clip by clip would time each with the other plan's data in the caches.
        for (int r = 0; r < settings.Repeats; r++)
        for (int p = 0; p < plans.Length; p++)
        for (int i = 0; i < count; i++)
        {
            var clip = Clip(clips, i, densePlan.ClipLength);
            var plan = plans[p].Plan;
            long start = Stopwatch.GetTimestamp();
            plan.Run(clip, logits);
            long end = Stopwatch.GetTimestamp();
            records[p].Record(plan.Counters, Stopwatch.GetElapsedTime(origin, start).TotalMicroseconds, Stopwatch.GetElapsedTime(start, end).TotalSeconds, logits);
        }
        return new ModelProfile(records[0], gated is null ? null : records[1], count, settings.Repeats);
    }

    /// <summary>
    /// The calibration scale of <paramref name="controller"/> whose mean R(x) over <paramref name="clips"/> is closest to
    /// <paramref name="budget"/> (<see cref="Calibration.ChooseMacRatio"/>; accuracy against <paramref name="labels"/>
    /// breaks ties), compiling one plan per candidate scale.
    /// </summary>
    /// <exception cref="ArgumentException">The budget lies outside (0, 1], the labels do not match the clips, or the
    /// controller does not fit the model; the message names the values.</exception>
    public static (CalibrationPoint Chosen, IReadOnlyList<CalibrationPoint> Points) CalibrateBudget(
        PlanFactory compile, AapController controller, double budget, ReadOnlySpan<float> clips, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(compile);
        ArgumentNullException.ThrowIfNull(controller);
        if (!(budget > 0 && budget <= 1)) throw new ArgumentException($"The MAC budget must lie in (0, 1], got {budget}.", nameof(budget));
        float[] values = clips.ToArray();
        int[] classes = labels.ToArray();
        return Calibration.ChooseMacRatio(scale =>
        {
            using var profiled = compile(controller, scale);
            var plan = profiled.Plan;
            int count = ClipCount(values, plan.ClipLength);
            if (classes.Length != count) throw new ArgumentException($"{classes.Length} labels for {count} clips.", nameof(labels));
            var logits = new float[plan.Classes];
            double ratio = 0;
            int correct = 0;
            for (int i = 0; i < count; i++)
            {
                plan.Run(Clip(values, i, plan.ClipLength), logits);
                ratio += plan.Counters.MaskedMacRatio;
                if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits) == classes[i]) correct++;
            }
            return ((double)correct / count, ratio / count);
        }, budget);
    }

    private static int ClipCount(ReadOnlySpan<float> clips, int clipLength) => clips.Length > 0 && clips.Length % clipLength == 0 ? clips.Length / clipLength
        : throw new ArgumentException($"{clips.Length} values are not a positive number of clips of {clipLength}.", nameof(clips));

    private static ReadOnlySpan<float> Clip(ReadOnlySpan<float> clips, int index, int length) => clips.Slice(index * length, length);
}

/// <summary>The runs of one profile.</summary>
/// <param name="Dense">Every run of the dense plan.</param>
/// <param name="Gated">Every run of the gated plan, or null when only the dense plan was profiled.</param>
/// <param name="Clips">Distinct clips.</param>
/// <param name="Repeats">Timed passes over them.</param>
public sealed record ModelProfile(PlanRuns Dense, PlanRuns? Gated, int Clips, int Repeats)
{
    /// <summary>The profiled plans: dense, then gated if any.</summary>
    public IEnumerable<PlanRuns> Plans => Gated is null ? [Dense] : [Dense, Gated];
}
