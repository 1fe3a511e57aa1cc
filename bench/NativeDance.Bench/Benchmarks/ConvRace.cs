using System.Globalization;
using NativeDance.Bench.Layers;
using NativeDance.Peers.Torch;

namespace NativeDance.Bench.Benchmarks;

/// <summary>
/// <c>conv-race [--rounds R] [--threads 1,2] [--layers 1,4] [--settle-ms T]</c>: the conv3d comparison of the
/// BenchmarkDotNet suite (forward: ours, libtorch, ONNX Runtime; backward on layers 2, 4 and 6: ours, libtorch), each
/// layer's implementations alternating round by round in one process (<see cref="Race"/>). BenchmarkDotNet times
/// each implementation in a block of its own, and on a shared machine two blocks a minute apart can see loads that
/// differ by 1.5x; here every ratio is taken within a round. Each timed call follows untimed calls of the same side
/// for at least T ms (default 100), so every side runs warm and alone as in a block of its own: worker threads spin
/// on after a call, and at 2 threads our R3D layer4 forward read 15.1 ms a call after one untimed call, 8.2 ms after
/// 30 ms of them and 5.0 ms after 100 or 200 ms. Prints per layer and thread count each side's median and the median
/// over rounds of the speed-ups (peer time / our time; against the faster peer of each round too), then the same as
/// a markdown table.
/// </summary>
internal static class ConvRace
{
    private const string Usage = "usage: conv-race [--rounds R] [--threads 1,2] [--layers 1,2,...] [--settle-ms T]";

    public static int Run(ReadOnlySpan<string> args, string command)
    {
        int rounds = 15, settleMs = 100;
        int[] threadCounts = [1, 2], layers = [];
        bool valid = Race.ParseOptions(args, "conv-race", Usage, (name, value) => name switch
        {
            "--rounds" => Race.Positive(value, out rounds),
            "--threads" => Race.PositiveList(value, out threadCounts),
            "--layers" => Race.PositiveList(value, out layers),
            "--settle-ms" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out settleMs),
            _ => false,
        });
        if (!valid) return 2;
        try
        {
            BenchLayers.Select(layers);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"conv-race: {e.Message}\n{Usage}");
            return 2;
        }

        LibTorch.EnsureLoaded();
        Race.PrintMachine(command);
        var table = new List<string>();
        foreach (int threads in threadCounts)
        {
            foreach (string key in BenchLayers.ForwardKeys)
                table.Add(Forward(BenchLayers.Get(key), threads, rounds, settleMs));
            foreach (string key in BenchLayers.BackwardKeys)
                table.Add(Backward(BenchLayers.Get(key), threads, rounds, settleMs));
        }
        Console.WriteLine();
        Console.WriteLine("| layer | pass | threads | ours ms | libtorch ms | ORT ms | x libtorch | x ORT | x faster peer |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string row in table) Console.WriteLine(row);
        return 0;
    }

    private static string Forward(BenchLayer layer, int threads, int rounds, int settleMs)
    {
        var ours = new Conv3dForwardBenchmarks { Layer = layer.Key, Threads = threads };
        var torchSide = new Conv3dForwardBenchmarks { Layer = layer.Key, Threads = threads };
        var ort = new Conv3dForwardBenchmarks { Layer = layer.Key, Threads = threads };
        try
        {
            ours.SetupOurs();
            torchSide.SetupTorch();
            ort.SetupOnnxRuntime();
            return Report(layer, "fwd", threads, rounds,
                RunSides(rounds, settleMs, ours.Ours, torchSide.Torch, ort.OnnxRuntime));
        }
        finally
        {
            ours.Cleanup();
            torchSide.Cleanup();
            ort.Cleanup();
        }
    }

    private static string Backward(BenchLayer layer, int threads, int rounds, int settleMs)
    {
        var ours = new Conv3dBackwardBenchmarks { Layer = layer.Key, Threads = threads };
        var torchSide = new Conv3dBackwardBenchmarks { Layer = layer.Key, Threads = threads };
        try
        {
            ours.SetupOurs();
            torchSide.SetupTorch();
            return Report(layer, "bwd", threads, rounds, RunSides(rounds, settleMs, ours.Ours, torchSide.Torch));
        }
        finally
        {
            ours.Cleanup();
            torchSide.Cleanup();
        }
    }

    /// <summary>Races the calls (ours first) and returns their sides in the same order.</summary>
    private static Race.Side[] RunSides(int rounds, int settleMs, params Action[] calls)
    {
        var sides = calls.Select(call => new Race.Side(call, rounds, 1, settleMs)).ToArray();
        Race.Run(sides, rounds);
        return sides;
    }

    /// <summary>Prints the layer's line and returns its markdown row.</summary>
    private static string Report(BenchLayer layer, string pass, int threads, int rounds, Race.Side[] sides)
    {
        var ours = sides[0];
        var peers = sides.Skip(1).ToArray();
        string Ms(Race.Side? side) => side is null ? "-" : Race.Median(side.Wall).ToString("0.00", CultureInfo.InvariantCulture);
        string Speedup(Func<int, double> peerMs) =>
            Race.MedianOf(rounds, r => peerMs(r) / ours.Wall[r]).ToString("0.00", CultureInfo.InvariantCulture);
        var torchSide = peers[0];
        var ort = peers.Length > 1 ? peers[1] : null;
        string faster = ort is null ? "-" : Speedup(r => Math.Min(torchSide.Wall[r], ort.Wall[r]));
        Console.WriteLine($"{layer.Name}, {pass}, {threads} thread(s), {rounds} rounds: ours {Ms(ours)} ms, libtorch {Ms(torchSide)} ms" +
            (ort is null ? "" : $", ORT {Ms(ort)} ms") + $"; speed-up per round (median): x libtorch {Speedup(r => torchSide.Wall[r])}" +
            (ort is null ? "" : $", x ORT {Speedup(r => ort.Wall[r])}, x faster peer {faster}"));
        return $"| {layer.Name} | {pass} | {threads} | {Ms(ours)} | {Ms(torchSide)} | {Ms(ort)} | {Speedup(r => torchSide.Wall[r])} | " +
            $"{(ort is null ? "-" : Speedup(r => ort.Wall[r]))} | {faster} |";
    }
}
