namespace NativeDance.Bench;

/// <summary>
/// The command line: <c>conv3d [--layers 1,2,...] [--smoke] [--out DIR] [BenchmarkDotNet options]</c>.
/// Options this program does not know (for example <c>--filter '*Forward*'</c>) go to BenchmarkDotNet.
/// </summary>
internal sealed record BenchOptions(IReadOnlyList<int> Layers, bool Smoke, string? ResultsDirectory, string[] BenchmarkDotNetArgs)
{
    public const string Usage = """
        usage: conv3d [--layers 1,2,...] [--smoke] [--out DIR] [BenchmarkDotNet options, e.g. --filter '*Forward*']
               train [options]  (training throughput against libtorch; `train --help` lists its options)
               gated [--layers 2,3,4] [--repeats N] [--smoke] [--out DIR]   (see gated --help)
               e2e [--demo DIR] [--models ...] [--threads 1,2] [--rounds N] [--smoke] [--out DIR]   (see e2e --help)
          conv3d      GEMM 1024^3, conv3d forward on the 7 layers and backward on layers 2, 4, 6, at 1 and 2 threads:
                      ours, libtorch and ONNX Runtime in one run; writes conv3d-cpu.json and conv3d-cpu.md
          --layers    only these layers (numbers 1-7)
          --smoke     one iteration, no warm-up: checks the pipeline, numbers mean nothing
          --out       results folder (default: bench/results of the repository)
        """;

    /// <summary>Parses the arguments; null (after printing why) when they are not a valid command.</summary>
    public static BenchOptions? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != "conv3d")
        {
            Console.Error.WriteLine(Usage);
            return null;
        }
        var layers = new List<int>();
        bool smoke = false;
        string? output = null;
        var rest = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke":
                    smoke = true;
                    break;
                case "--layers" when i + 1 < args.Length:
                    foreach (string n in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!int.TryParse(n, out int number))
                        {
                            Console.Error.WriteLine($"--layers expects numbers separated by commas, got '{n}'.\n{Usage}");
                            return null;
                        }
                        layers.Add(number);
                    }
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        return new BenchOptions(layers, smoke, output, rest.ToArray());
    }
}
