using System.Globalization;
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
        bool valid = Race.ParseOptions(args, "gemm-race", Usage, (name, value) => name switch
        {
            "--rounds" => Race.Positive(value, out rounds),
            "--size" => Race.Positive(value, out size),
            "--threads" => Race.PositiveList(value, out threadCounts),
            "--settle" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out settle),
            _ => false,
        });
        if (!valid) return 2;

        LibTorch.EnsureLoaded();
        Race.PrintMachine(command);
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
            var ours = new Race.Side(Ours, rounds, settle);
            var theirs = new Race.Side(Theirs, rounds, settle);
            var contended = new bool[rounds];
            Race.Run([ours, theirs], rounds, r => contended[r] = probe is not null && probe.Ratio() < CoreContention.Threshold);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sgemm {size}^3, {threads} thread(s), {rounds} rounds, wall time: ours median {Race.Median(ours.Wall):F3} ms ({flop / Race.Median(ours.Wall) / 1e6:F1} GFLOP/s), min {ours.Wall.Min():F3} ms; " +
                $"libtorch median {Race.Median(theirs.Wall):F3} ms ({flop / Race.Median(theirs.Wall) / 1e6:F1} GFLOP/s), min {theirs.Wall.Min():F3} ms; " +
                $"ours/libtorch throughput: median {Race.Median(theirs.Wall) / Race.Median(ours.Wall):F3}, min {theirs.Wall.Min() / ours.Wall.Min():F3}"));
            if (probe is not null) Console.WriteLine(ContendedSplit(ours.Wall, theirs.Wall, contended));
            if (threads == 1)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  thread CPU time: ours median {Race.Median(ours.Cpu):F3} ms, min {ours.Cpu.Min():F3} ms; libtorch median {Race.Median(theirs.Cpu):F3} ms, min {theirs.Cpu.Min():F3} ms; " +
                    $"ours/libtorch throughput: median {Race.Median(theirs.Cpu) / Race.Median(ours.Cpu):F3}, min {theirs.Cpu.Min() / ours.Cpu.Min():F3}"));
            }
        }
        return 0;
    }

    /// <summary>Ours/libtorch per round, as medians over the rounds the probe found quiet and those it found contended.</summary>
    private static string ContendedSplit(double[] ours, double[] theirs, bool[] contended)
    {
        string Part(bool which)
        {
            var ratios = Enumerable.Range(0, ours.Length).Where(r => contended[r] == which).Select(r => theirs[r] / ours[r]).ToArray();
            return ratios.Length == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{ratios.Length} rounds, median {Race.Median(ratios):F3}");
        }

        return $"  ours/libtorch per round, split by a probe of this core's L1 before each round (another guest's thread on the core " +
               $"slows its loads): quiet {Part(false)}; contended {Part(true)}";
    }
}
