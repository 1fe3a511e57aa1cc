using NativeDance.Pruning.Dance;

namespace NativeDance.Pruning.Reports;

/// <summary>One PNG per gated conv: the |x| histograms of its input before and after AVA, overlaid.</summary>
public static class VariabilityHistograms
{
    /// <summary>Writes <c>magnitudes-{conv}.png</c> into <paramref name="folder"/> for each gate; returns the file names.</summary>
    public static IReadOnlyList<string> Save(IReadOnlyList<GateVariability> before, IReadOnlyList<GateVariability> after, string folder)
    {
        var files = new List<string>();
        foreach (var (b, a) in before.Zip(after))
        {
            string file = $"magnitudes-{b.Conv.Replace('.', '-')}.png";
            new HistogramChart { Title = $"|x| entering {b.Conv}", XLabel = "activation magnitude", YLabel = "share of activations", LogY = true, Normalize = true, Bins = 60 }
                .AddSeries("before AVA", b.Magnitudes.Select(v => (double)v).ToArray())
                .AddSeries("after AVA", a.Magnitudes.Select(v => (double)v).ToArray())
                .SavePng(Path.Combine(folder, file));
            files.Add(file);
        }
        return files;
    }
}
