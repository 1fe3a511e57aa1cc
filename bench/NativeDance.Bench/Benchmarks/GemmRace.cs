using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using NativeDance.Bench.Reporting;
using NativeDance.Peers.Torch;
using NativeDance.Tensors;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;
using TorchSharp;

namespace NativeDance.Bench.Benchmarks;

/// <summary>
/// <c>gemm-race [--rounds R] [--threads 1,2] [--size N] [--settle S]</c>: our sgemm and libtorch's matmul on the same
/// n x n x n problem, alternating side by side in one process (which side goes first alternates too), so both see the
/// same machine state on a shared, noisy machine. Each timed call follows S untimed calls of the same side (default 1):
/// after a matmul, libtorch's OpenMP threads spin on for milliseconds, and a call of ours right after it shares the
/// second core with them (at 2 threads our median was 10.2-10.8 ms that way and 7.4-7.8 ms one call later, libtorch's
/// 7.2-9.2 ms either way); an application that uses one library never pays that. Prints, per thread count, both sides'
/// medians and minima and the ratio ours/libtorch of throughput (above 1: ours is faster), and that ratio over the rounds
/// a <see cref="CoreContention"/> probe found quiet and over those it found contended. At one thread it also times each
/// call by the calling thread's CPU time, which leaves out the time the thread waited for a core.
/// </summary>
internal static class GemmRace
{
    private const string Usage = "usage: gemm-race [--rounds R] [--threads 1,2] [--size N] [--settle S]";

    public static int Run(ReadOnlySpan<string> args, string command)
    {
        int rounds = 25, size = GemmBenchmarks.Size, settle = 1;
        int[] threadCounts = [1, 2];
        for (int i = 0; i < args.Length; i += 2)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            bool valid = (args[i], value) switch
            {
                ("--rounds", { } v) => Positive(v, out rounds),
                ("--size", { } v) => Positive(v, out size),
                ("--threads", { } v) => PositiveList(v, out threadCounts),
                ("--settle", { } v) => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out settle),
                _ => false,
            };
            if (!valid)
            {
                Console.Error.WriteLine($"gemm-race: invalid option '{args[i]}'{(value is null ? " (no value)" : $" with value '{value}'")}.\n{Usage}");
                return 2;
            }
        }

        LibTorch.EnsureLoaded();
        var machine = MachineDescription.Current();
        Console.WriteLine($"{machine.Cpu}, {machine.LogicalCores} logical cores; {machine.Os}; {machine.DotNet}; libtorch {machine.LibTorch} (TorchSharp-cpu)");
        Console.WriteLine($"{machine.MeasuredUtc:yyyy-MM-dd HH:mm} UTC: {command}");
        using var a = Tensor.RandomNormal(new Shape(size, size), seed: 1);
        using var b = Tensor.RandomNormal(new Shape(size, size), seed: 2);
        using var c = Tensor.Zeros(new Shape(size, size));
        using var torchA = TorchConversions.ToTorch(a);
        using var torchB = TorchConversions.ToTorch(b);
        void Ours() => Gemm.Multiply(false, false, size, size, size, 1f, a.Span, size, b.Span, size, 0f, c.Span, size);
        void Theirs()
        {
            using var product = torch.matmul(torchA, torchB);
        }

        using var probe = CoreContention.IsSupported ? new CoreContention() : null;
        double flop = 2.0 * size * size * size;
        foreach (int threads in threadCounts)
        {
            ParallelFor.Threads = threads;
            torch.set_num_threads(threads);
            for (int w = 0; w < 3; w++)
            {
                Ours();
                Theirs();
            }
            var ours = new Samples(rounds, settle);
            var theirs = new Samples(rounds, settle);
            var contended = new bool[rounds];
            for (int r = 0; r < rounds; r++)
            {
                if (probe is not null) contended[r] = probe.Ratio() < CoreContention.Threshold;
                if (r % 2 == 0)
                {
                    ours.Measure(r, Ours);
                    theirs.Measure(r, Theirs);
                }
                else
                {
                    theirs.Measure(r, Theirs);
                    ours.Measure(r, Ours);
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sgemm {size}^3, {threads} thread(s), {rounds} rounds, wall time: ours median {Median(ours.Wall):F3} ms ({flop / Median(ours.Wall) / 1e6:F1} GFLOP/s), min {ours.Wall.Min():F3} ms; " +
                $"libtorch median {Median(theirs.Wall):F3} ms ({flop / Median(theirs.Wall) / 1e6:F1} GFLOP/s), min {theirs.Wall.Min():F3} ms; " +
                $"ours/libtorch throughput: median {Median(theirs.Wall) / Median(ours.Wall):F3}, min {theirs.Wall.Min() / ours.Wall.Min():F3}"));
            if (probe is not null) Console.WriteLine(ContendedSplit(ours.Wall, theirs.Wall, contended));
            if (threads == 1)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  thread CPU time: ours median {Median(ours.Cpu):F3} ms, min {ours.Cpu.Min():F3} ms; libtorch median {Median(theirs.Cpu):F3} ms, min {theirs.Cpu.Min():F3} ms; " +
                    $"ours/libtorch throughput: median {Median(theirs.Cpu) / Median(ours.Cpu):F3}, min {theirs.Cpu.Min() / ours.Cpu.Min():F3}"));
            }
        }
        return 0;
    }

    /// <summary>Wall and calling-thread CPU time of each round, in ms, each timed call after <paramref name="settle"/> untimed ones.</summary>
    private sealed class Samples(int rounds, int settle)
    {
        public double[] Wall { get; } = new double[rounds];

        public double[] Cpu { get; } = new double[rounds];

        public void Measure(int round, Action action)
        {
            for (int i = 0; i < settle; i++) action();
            double cpu = ThreadCpuMs();
            long start = Stopwatch.GetTimestamp();
            action();
            Wall[round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Cpu[round] = ThreadCpuMs() - cpu;
        }
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

    /// <summary>Ours/libtorch per round, as medians over the rounds the probe found quiet and those it found contended.</summary>
    private static string ContendedSplit(double[] ours, double[] theirs, bool[] contended)
    {
        string Part(bool which)
        {
            var ratios = Enumerable.Range(0, ours.Length).Where(r => contended[r] == which).Select(r => theirs[r] / ours[r]).ToArray();
            return ratios.Length == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{ratios.Length} rounds, median {Median(ratios):F3}");
        }

        return $"  ours/libtorch per round, split by a probe of this core's L1 before each round (another guest's thread on the core " +
               $"slows its loads): quiet {Part(false)}; contended {Part(true)}";
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static bool Positive(string text, out int value) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out value) && value > 0;

    private static bool PositiveList(string text, out int[] values)
    {
        var parsed = text.Split(',').Select(t => Positive(t, out int n) ? n : 0).ToArray();
        values = parsed;
        return parsed.All(n => n > 0);
    }
}
