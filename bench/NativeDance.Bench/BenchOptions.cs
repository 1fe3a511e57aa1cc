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
        var parser = new OptionParser(Usage)
            .Flag("--smoke", () => smoke = true)
            .Checked("--layers", text =>
            {
                foreach (string n in OptionParser.List(text))
                {
                    if (!int.TryParse(n, out int number)) return $"--layers expects numbers separated by commas, got '{n}'.";
                    layers.Add(number);
                }
                return null;
            })
            .Text("--out", value => output = value)
            .PassOthersTo(rest);
        return parser.Parse(args.AsSpan(1)) ? new BenchOptions(layers, smoke, output, rest.ToArray()) : null;
    }
}
