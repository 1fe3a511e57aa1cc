using System.Text.Json;
using NativeDance.Pruning.Profiling;

namespace NativeDance.Tests.Profiling;

/// <summary>The CPU plans' trace and folded stacks (<see cref="ChromeTraceChecks"/>).</summary>
public sealed class ChromeTraceTests(ProfileFixture fixture) : ChromeTraceChecks(fixture.Profile), IClassFixture<ProfileFixture>;

/// <summary>
/// The trace must be what Perfetto's JSON importer takes: complete events with pid/tid/ts/dur, named processes and
/// threads, no overlap on a thread; its slices and the folded stacks add up to the measured steps. Every profiled plan
/// (CPU, GPU) runs these checks through a derived class.
/// </summary>
public abstract class ChromeTraceChecks(ModelProfile profile)
{
    private const double Tolerance = 1e-6;

    private readonly ModelProfile _profile = profile;

    private JsonDocument Trace()
    {
        var stream = new MemoryStream();
        ChromeTrace.Write(stream, _profile, ProfileFixture.Roofs, new Dictionary<string, string> { ["model"] = "tiny-c3d" });
        return JsonDocument.Parse(stream.ToArray());
    }

    [Fact]
    public void EveryEventHasTheFieldsItsPhaseNeeds()
    {
        using var trace = Trace();
        var root = trace.RootElement;
        Assert.Equal("tiny-c3d", root.GetProperty("otherData").GetProperty("model").GetString());
        Assert.Equal("test roofs", root.GetProperty("otherData").GetProperty("roofs").GetString());
        var events = root.GetProperty("traceEvents").EnumerateArray().ToList();
        Assert.NotEmpty(events);
        foreach (var e in events)
        {
            string ph = e.GetProperty("ph").GetString()!;
            Assert.Contains(ph, new[] { "X", "M", "C" });
            Assert.True(e.GetProperty("pid").GetInt32() > 0);
            Assert.False(string.IsNullOrEmpty(e.GetProperty("name").GetString()));
            Assert.Equal(JsonValueKind.Object, e.GetProperty("args").ValueKind);
            if (ph == "M") continue;
            Assert.True(e.GetProperty("ts").GetDouble() >= 0);
            if (ph == "C") continue;
            Assert.True(e.GetProperty("tid").GetInt32() > 0);
            Assert.True(e.GetProperty("dur").GetDouble() >= 0);
            Assert.False(string.IsNullOrEmpty(e.GetProperty("cat").GetString()));
        }
        // Every process and every thread with slices is named.
        var named = events.Where(e => e.GetProperty("ph").GetString() == "M")
            .Select(e => (e.GetProperty("name").GetString(), e.GetProperty("pid").GetInt32(), e.GetProperty("tid").GetInt32())).ToHashSet();
        foreach (var slice in Slices(events))
        {
            Assert.Contains(("process_name", slice.Pid, 0), named);
            Assert.Contains(("thread_name", slice.Pid, slice.Tid), named);
        }
    }

    [Fact]
    public void SlicesOnAThreadAreOrderedAndDoNotOverlap()
    {
        using var trace = Trace();
        foreach (var thread in Slices(trace.RootElement.GetProperty("traceEvents").EnumerateArray()).GroupBy(s => (s.Pid, s.Tid)))
        {
            var slices = thread.ToList();
            for (int i = 1; i < slices.Count; i++)
            {
                Assert.True(slices[i].Ts >= slices[i - 1].Ts, $"{slices[i].Name} starts before {slices[i - 1].Name}");
                Assert.True(slices[i - 1].Ts + slices[i - 1].Dur <= slices[i].Ts + Tolerance, $"{slices[i - 1].Name} overlaps {slices[i].Name} on {thread.Key}");
            }
        }
    }

    [Fact]
    public void StepSlicesAddUpToTheMeasuredStepsWithinEachClipSlice()
    {
        using var trace = Trace();
        var slices = Slices(trace.RootElement.GetProperty("traceEvents").EnumerateArray()).ToList();
        int pid = 0;
        foreach (var runs in _profile.Plans)
        {
            pid++;
            var clipSlices = slices.Where(s => s.Pid == pid && s.Tid == 1).ToList();
            var stepSlices = slices.Where(s => s.Pid == pid && s.Tid == 2).ToList();
            var kernelSlices = slices.Where(s => s.Pid == pid && s.Tid == 3).ToList();
            Assert.Equal(runs.Count, clipSlices.Count);
            Assert.Equal(runs.Count * runs.StepNames.Count, stepSlices.Count);
            for (int r = 0; r < runs.Count; r++)
            {
                var clip = clipSlices[r];
                Assert.Equal(runs.ClipSeconds(r) * 1e6, clip.Dur, 0.002);
                var steps = stepSlices.Skip(r * runs.StepNames.Count).Take(runs.StepNames.Count).ToList();
                Assert.Equal(runs.StepNames, steps.Select(s => s.Name));
                double measured = 0;
                foreach (double s in runs.StepSeconds(r)) measured += s * 1e6;
                Assert.Equal(measured, steps.Sum(s => s.Dur), 0.001 * steps.Count);
                Assert.True(steps[0].Ts >= clip.Ts - Tolerance && steps[^1].Ts + steps[^1].Dur <= clip.Ts + clip.Dur + Tolerance);
                // Kernel slices lie inside the step of their conv.
                foreach (var k in kernelSlices.Where(k => k.Ts >= clip.Ts - Tolerance && k.Ts <= clip.Ts + clip.Dur))
                    Assert.Contains(steps, s => k.Ts >= s.Ts - Tolerance && k.Ts + k.Dur <= s.Ts + s.Dur + Tolerance && k.Name.StartsWith(s.Name.Split(' ')[0], StringComparison.Ordinal));
            }
            int convSteps = runs.StepLayers.Count(l => l >= 0);
            int gatedSteps = runs.StepLayers.Count(l => l >= 0 && runs.Layers[l].Gate >= 0);
            Assert.Equal(runs.Count * (convSteps + gatedSteps), kernelSlices.Count);
        }
    }

    [Fact]
    public void ConvSlicesCarryTheirCounters()
    {
        using var trace = Trace();
        var runs = _profile.Gated!;
        var steps = trace.RootElement.GetProperty("traceEvents").EnumerateArray()
            .Where(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("pid").GetInt32() == 2 && e.GetProperty("tid").GetInt32() == 2).ToList();
        for (int s = 0; s < runs.StepNames.Count; s++)
        {
            int layer = runs.StepLayers[s];
            if (layer < 0) continue;
            var args = steps[s].GetProperty("args");
            Assert.Equal(runs.Work(0)[layer].Macs, args.GetProperty("MACs").GetInt64());
            Assert.Equal(runs.Work(0)[layer].TotalBytes, args.GetProperty("bytes").GetInt64());
            Assert.True(args.GetProperty("GFLOP/s").GetDouble() >= 0);
            if (runs.Layers[layer].Gate >= 0) Assert.Equal(runs.Gates(0)[runs.Layers[layer].Gate].FeatureKeep, args.GetProperty("feature keep").GetDouble());
        }
    }

    [Fact]
    public void FoldedStacksAddUpToTheMeasuredClips()
    {
        var text = new StringWriter();
        FoldedStacks.Write(text, _profile);
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var runs in _profile.Plans)
        {
            var mine = lines.Where(l => l.StartsWith(runs.Name + ";", StringComparison.Ordinal)).ToList();
            double micros = mine.Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..]));
            double measured = Enumerable.Range(0, runs.Count).Sum(r => runs.ClipSeconds(r)) * 1e6;
            Assert.Equal(measured, micros, 0.5 * mine.Count + 1e-6);
        }
    }

    private sealed record Slice(int Pid, int Tid, string Name, double Ts, double Dur);

    private static IEnumerable<Slice> Slices(IEnumerable<JsonElement> events) => events
        .Where(e => e.GetProperty("ph").GetString() == "X")
        .Select(e => new Slice(e.GetProperty("pid").GetInt32(), e.GetProperty("tid").GetInt32(), e.GetProperty("name").GetString()!,
            e.GetProperty("ts").GetDouble(), e.GetProperty("dur").GetDouble()));
}
