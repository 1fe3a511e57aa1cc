using System.Diagnostics;

namespace NativeDance.Cli.Demo;

/// <summary>Announces each demo stage with its number and the elapsed time, and records how long every stage took.</summary>
internal sealed class DemoStages(int count)
{
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly List<(string Name, double Seconds)> _timings = [];
    private int _started;

    /// <summary>Seconds since the demo started.</summary>
    public double ElapsedSeconds => _total.Elapsed.TotalSeconds;

    /// <summary>Every finished stage with its duration.</summary>
    public IReadOnlyList<(string Name, double Seconds)> Timings => _timings;

    /// <summary>Runs one stage and returns its result.</summary>
    public T Run<T>(string name, Func<T> stage)
    {
        _started++;
        Console.WriteLine($"[{_started}/{count}] {name} (at {ElapsedSeconds:F0} s)");
        var clock = Stopwatch.StartNew();
        var result = stage();
        _timings.Add((name, clock.Elapsed.TotalSeconds));
        Console.WriteLine($"      done in {clock.Elapsed.TotalSeconds:F1} s");
        return result;
    }
}
