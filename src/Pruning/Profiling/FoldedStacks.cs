namespace NativeDance.Pruning.Profiling;

/// <summary>
/// Writes a profile as folded stacks, the text flamegraph tools read (flamegraph.pl, inferno, speedscope): one line
/// per stack, frames joined by ';', then the total microseconds spent there over all runs, e.g.
/// <c>gated;conv2 gated;sparse-input 1234</c>. Stacks: plan; step; for a gated conv its masks and its kernel. The
/// time a run spent outside its steps is the plan's <c>(overhead)</c>.
/// </summary>
public static class FoldedStacks
{
    /// <summary>Writes every plan of <paramref name="profile"/>.</summary>
    public static void Write(TextWriter writer, ModelProfile profile)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(profile);
        foreach (var runs in profile.Plans)
        {
            var micros = new Dictionary<string, double>();
            void Add(string stack, double seconds) => micros[stack] = micros.GetValueOrDefault(stack) + seconds * 1e6;
            for (int r = 0; r < runs.Count; r++)
            {
                var steps = runs.StepSeconds(r);
                double inSteps = 0;
                for (int s = 0; s < steps.Length; s++)
                {
                    string stack = $"{runs.Name};{Frame(runs.StepNames[s])}";
                    int layer = runs.StepLayers[s];
                    int gate = layer < 0 ? -1 : runs.Layers[layer].Gate;
                    if (gate < 0) Add(stack, steps[s]);
                    else
                    {
                        double mask = Math.Min(steps[s], runs.MaskSeconds(r)[gate]);
                        Add($"{stack};masks", mask);
                        Add($"{stack};{ProfileSummary.KernelName(runs.Gates(r)[gate].Path)}", steps[s] - mask);
                    }
                    inSteps += steps[s];
                }
                Add($"{runs.Name};(overhead)", Math.Max(0, runs.ClipSeconds(r) - inSteps));
            }
            foreach (var (stack, us) in micros) writer.WriteLine($"{stack} {(long)Math.Round(us)}");
        }
    }

    /// <summary>A step name as one frame: ';' separates frames, so it becomes '_' (tools split the count off at the last space).</summary>
    private static string Frame(string name) => name.Replace(';', '_');
}
