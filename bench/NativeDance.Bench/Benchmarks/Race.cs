using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using NativeDance.Bench.Reporting;

namespace NativeDance.Bench.Benchmarks;

/// <summary>
/// Side-by-side timing on a shared, noisy machine: the implementations run round by round in one process, the one
/// that goes first rotating, so each round's times saw the same machine state and their ratio means something even
/// when whole rounds run slow. Each timed call follows untimed calls of the same side (see <see cref="Side"/>).
/// </summary>
internal static class Race
{
    /// <summary>
    /// One implementation in a race: what a call does, and its wall and calling-thread CPU time per round (ms). Before
    /// each timed call it makes <paramref name="settle"/> untimed calls, and more until <paramref name="settleMs"/>
    /// have passed.
    /// </summary>
    public sealed class Side(Action call, int rounds, int settle, double settleMs = 0)
    {
        public double[] Wall { get; } = new double[rounds];

        public double[] Cpu { get; } = new double[rounds];

        /// <summary>
        /// Times one call after the untimed ones: a peer's worker threads spin on for milliseconds after it returns
        /// (libtorch's OpenMP, ONNX Runtime's pool), and the next side's first calls would share a core with them.
        /// </summary>
        public void Measure(int round)
        {
            long settleStart = Stopwatch.GetTimestamp();
            for (int i = 0; i < settle || Stopwatch.GetElapsedTime(settleStart).TotalMilliseconds < settleMs; i++) call();
            double cpu = ThreadCpuMs();
            long start = Stopwatch.GetTimestamp();
            call();
            Wall[round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Cpu[round] = ThreadCpuMs() - cpu;
        }
    }

    /// <summary>Warms every side up, then runs the rounds; <paramref name="beforeRound"/> runs before each round's calls.</summary>
    public static void Run(IReadOnlyList<Side> sides, int rounds, Action<int>? beforeRound = null)
    {
        for (int w = 0; w < 3; w++)
            foreach (var side in sides) side.Measure(0);
        for (int r = 0; r < rounds; r++)
        {
            beforeRound?.Invoke(r);
            for (int i = 0; i < sides.Count; i++) sides[(r + i) % sides.Count].Measure(r);
        }
    }

    /// <summary>The median over rounds of a per-round value.</summary>
    public static double MedianOf(int rounds, Func<int, double> perRound) => Median(Enumerable.Range(0, rounds).Select(perRound).ToArray());

    public static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Prints the machine and the command, the header of every race's output.</summary>
    public static void PrintMachine(string command)
    {
        var machine = MachineDescription.Current();
        Console.WriteLine($"{machine.Cpu}, {machine.LogicalCores} logical cores; {machine.Os}; {machine.DotNet}; libtorch {machine.LibTorch} (TorchSharp-cpu); ONNX Runtime {machine.OnnxRuntime}");
        Console.WriteLine($"{machine.MeasuredUtc:yyyy-MM-dd HH:mm} UTC: {command}");
    }

    /// <summary>
    /// Reads <c>--name value</c> pairs, each through <paramref name="option"/> (false: unknown name or bad value); on the
    /// first bad pair prints which one and <paramref name="usage"/> to stderr and returns false.
    /// </summary>
    public static bool ParseOptions(ReadOnlySpan<string> args, string race, string usage, Func<string, string, bool> option)
    {
        for (int i = 0; i < args.Length; i += 2)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is not null && option(args[i], value)) continue;
            Console.Error.WriteLine($"{race}: invalid option '{args[i]}'{(value is null ? " (no value)" : $" with value '{value}'")}.\n{usage}");
            return false;
        }
        return true;
    }

    public static bool Positive(string text, out int value) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out value) && value > 0;

    public static bool PositiveList(string text, out int[] values)
    {
        var parsed = text.Split(',').Select(t => Positive(t, out int n) ? n : 0).ToArray();
        values = parsed;
        return parsed.All(n => n > 0);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private const int ClockThreadCpuTime = 3; // Linux CLOCK_THREAD_CPUTIME_ID

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>CPU time of the calling thread in ms; NaN where the clock is not available (not Linux).</summary>
    private static double ThreadCpuMs()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ClockThreadCpuTime, out var t) != 0) return double.NaN;
        return t.Seconds * 1e3 + t.Nanoseconds * 1e-6;
    }
}
