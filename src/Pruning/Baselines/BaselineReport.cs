using System.Diagnostics;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Baselines;

/// <summary>The last step every baseline shares: evaluation on the test split and the result row.</summary>
internal static class BaselineReport
{
    public static MethodResult Test(PruningSession session, string name, Module model, GatePolicy policy, MacMeter meter, Stopwatch clock, string note)
    {
        var test = PolicyEvaluation.Measure(model, policy, meter, LabeledBatch.Stream(session.Test, session.Cancellation));
        double seconds = clock.Elapsed.TotalSeconds;
        session.Progress($"{name}: test accuracy {test.Accuracy:P2} at MAC ratio {test.MeanMacRatio:F3} ({seconds:F1} s)");
        return new MethodResult(name, MethodKind.Baseline, test.Accuracy, test.MeanMacRatio, Note: $"{note}; {seconds:F1} s");
    }

    /// <summary>The search's trail for progress lines, e.g. <c>0.50->0.612 0.31->0.405</c>.</summary>
    public static string Trail(IEnumerable<KnobPoint> points) => string.Join(' ', points.Select(p => $"{p.Knob:F3}->{p.MacRatio:F3}"));
}
