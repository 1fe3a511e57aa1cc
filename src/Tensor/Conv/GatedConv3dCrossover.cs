using System.Collections.Concurrent;
using System.Diagnostics;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// The input density below which <see cref="SparseInputConv3d"/> beats the dense-compacted conv, per geometry, measured
/// once on this machine and cached. Calibration: the layer with batch 1 and its frames cut to the kernel's temporal span
/// plus three strides (the cost per frame is what matters), random weights, inputs with non-zeros at random positions
/// at densities 2, 5, 10, 20, ... 90%; at each, the fastest of three runs of each kernel after a warm-up (the fastest
/// run is the one least disturbed by other work on the machine). It stops at
/// the first density where the sparse kernel is slower and interpolates linearly between that density and the one
/// before; the crossover is 1 when the sparse kernel wins everywhere. A few dense-conv times of the cut layer in all.
/// Measured separately for weights prepared once (<see cref="GatedConv3dWeights"/>) or passed per call in place
/// (64-byte aligned, Cout a multiple of 16, row form), which the sparse kernel reads as they are, and for weights it
/// must copy first on every call (see <see cref="SparseInputWeights"/> and <see cref="SparseInputPlaneWeights"/>),
/// since the copy moves the crossover.
/// </summary>
/// <example><code>GatedConv3dCrossover.Set(g, 0.35); // deterministic choice, e.g. in tests
/// double measured = GatedConv3dCrossover.Measure(g);</code></example>
public static unsafe class GatedConv3dCrossover
{
    private static readonly double[] Densities = [0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    private static readonly ConcurrentDictionary<(Conv3dGeometry, bool WeightsInPlace), double> Cache = new();

    /// <summary>The crossover of <paramref name="g"/> with prepared weights (<see cref="GatedConv3dWeights"/>): the value set or measured before, else measured now and cached.</summary>
    public static double Get(in Conv3dGeometry g) => Get(g, weightsInPlace: true);

    /// <summary>The crossover of <paramref name="g"/> for weights read in place or copied per call.</summary>
    internal static double Get(in Conv3dGeometry g, bool weightsInPlace) =>
        Cache.TryGetValue((g, weightsInPlace), out double density) ? density : Cache.GetOrAdd((g, weightsInPlace), Measure(g, weightsInPlace));

    /// <summary>Fixes the crossover of <paramref name="g"/> (0: always dense; above 1: always sparse), replacing any measured one.</summary>
    /// <exception cref="ArgumentException"><paramref name="density"/> is negative or not a number.</exception>
    public static void Set(in Conv3dGeometry g, double density)
    {
        if (!(density >= 0))
            throw new ArgumentException($"A crossover density must be non-negative, got {density}.", nameof(density));
        Cache[(g, true)] = density;
        Cache[(g, false)] = density;
    }

    /// <summary>Forgets every set and measured crossover.</summary>
    public static void Clear() => Cache.Clear();

    /// <summary>Times both kernels on <paramref name="g"/> with prepared weights (see the class summary) and returns the crossover density; caches nothing.</summary>
    public static double Measure(in Conv3dGeometry g) => Measure(g, weightsInPlace: true);

    /// <summary>
    /// <see cref="Measure(in Conv3dGeometry)"/> with weights prepared once (<see cref="GatedConv3dWeights"/>) when
    /// <paramref name="weightsInPlace"/>, else passed per call one float past a cache line.
    /// </summary>
    internal static double Measure(in Conv3dGeometry g, bool weightsInPlace)
    {
        var cut = Conv3dGeometry.Create(1, g.InChannels, g.Input with { T = Math.Min(g.Input.T, (g.Kernel.T - 1) * g.Dilation.T + 1 + 3 * g.Stride.T) },
            g.OutChannels, g.Kernel, g.Stride, g.Padding, g.Dilation, g.Groups);
        var random = new Random(17);
        var prepared = new GatedConv3dWeights(cut, Filled(cut.WeightLength, random), Filled(cut.OutChannels, random));
        if (weightsInPlace)
            return Measure(cut, random, (input, output) => SparseInputConv3d.Forward(cut, input, prepared, output, null, out _), prepared);
        var (weights, capacity) = NativeBufferPool.Rent(cut.WeightLength + 1);
        try
        {
            nint weight = weights + sizeof(float);
            prepared.Weight.CopyTo(new Span<float>((void*)weight, cut.WeightLength));
            return Measure(cut, random,
                (input, output) => SparseInputConv3d.Forward(cut, input, new ReadOnlySpan<float>((void*)weight, cut.WeightLength), prepared.Bias, output, null, out _),
                prepared);
        }
        finally
        {
            NativeBufferPool.Return(weights, capacity);
        }
    }

    /// <summary>The crossover of <paramref name="cut"/>: <paramref name="sparse"/> against the dense conv with <paramref name="prepared"/>'s weights.</summary>
    private static double Measure(Conv3dGeometry cut, Random random, Action<float[], float[]> sparse, GatedConv3dWeights prepared)
    {
        var values = Filled(cut.InputLength, random);
        var input = new float[cut.InputLength];
        var output = new float[cut.OutputLength];
        // A plan measures its crossovers while it compiles, often the first calls of either kernel in the process:
        // a few untimed runs first, so neither is timed before the JIT has optimised it.
        for (int i = 0; i < input.Length; i++) input[i] = random.NextDouble() < 0.1 ? values[i] : 0f;
        for (int i = 0; i < WarmupRuns; i++)
        {
            sparse(input, output);
            Conv3d.Forward(cut, input, prepared.Weight, prepared.Bias, output);
        }
        double previousDensity = 0, previousGap = double.NegativeInfinity;
        foreach (double density in Densities)
        {
            for (int i = 0; i < input.Length; i++) input[i] = random.NextDouble() < density ? values[i] : 0f;
            double sparseSeconds = Fastest(() => sparse(input, output));
            double dense = Fastest(() => Conv3d.Forward(cut, input, prepared.Weight, prepared.Bias, output));
            double gap = sparseSeconds - dense;
            if (gap >= 0)
                return double.IsNegativeInfinity(previousGap) ? density * dense / sparseSeconds
                    : previousDensity + (density - previousDensity) * -previousGap / (gap - previousGap);
            (previousDensity, previousGap) = (density, gap);
        }
        return 1;
    }

    private static float[] Filled(int length, Random random)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>Untimed runs of each kernel before the first density is timed.</summary>
    private const int WarmupRuns = 4;

    /// <summary>Seconds of the fastest of three runs after one warm-up.</summary>
    private static double Fastest(Action run)
    {
        run();
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }
}
