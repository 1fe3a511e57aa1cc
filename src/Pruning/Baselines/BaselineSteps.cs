using System.Diagnostics;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Baselines;

/// <summary>The steps every baseline shares: tuning its knob on validation clips, and the final evaluation on the test split.</summary>
internal static class BaselineSteps
{
    /// <summary>
    /// Searches the knob in [<paramref name="low"/>, <paramref name="high"/>] for the target MAC ratio (see <see cref="KnobSearch"/>),
    /// reporting the trail and the chosen point's accuracy on the tuning clips.
    /// </summary>
    public static KnobPoint Tune(PruningSession session, BaselineOptions options, string label, Func<double, PolicyEvaluation> evaluate,
        double target, double low, double high)
    {
        var accuracy = new Dictionary<double, double>();
        var (best, points) = KnobSearch.Find(knob =>
        {
            session.Cancellation.ThrowIfCancellationRequested();
            var e = evaluate(knob);
            accuracy[knob] = e.Accuracy;
            return e.MeanMacRatio;
        }, target, low, high, options.Tolerance, options.MaxSearchEvaluations);
        string trail = string.Join(' ', points.Select(p => $"{p.Knob:F3}->{p.MacRatio:F3}"));
        session.Progress($"{label} -> MAC ratio {trail}; chose {best.Knob:F3} (tuning accuracy {accuracy[best.Knob]:P1})");
        return best;
    }

    /// <summary>Evaluates <paramref name="model"/> under <paramref name="policy"/> on the test split and builds the result row.</summary>
    public static MethodResult Test(PruningSession session, string name, Module model, GatePolicy policy, MacMeter meter, Stopwatch clock, string note)
    {
        var test = PolicyEvaluation.Measure(model, policy, meter, LabeledBatch.Stream(session.Test, session.Cancellation));
        double seconds = clock.Elapsed.TotalSeconds;
        session.Progress($"{name}: test accuracy {test.Accuracy:P2} at MAC ratio {test.MeanMacRatio:F3} ({seconds:F1} s)");
        return new MethodResult(name, MethodKind.Baseline, test.Accuracy, test.MeanMacRatio, Note: $"{note}; {seconds:F1} s");
    }
}
