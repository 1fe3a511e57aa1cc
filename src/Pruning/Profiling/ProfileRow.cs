namespace NativeDance.Pruning.Profiling;

/// <summary>
/// One step of a plan, summarised over a profile's runs. Times are medians over the runs; work (MACs, bytes) and keep
/// ratios are means per clip; rates are the mean work over the median time of the step's compute part (for a gated
/// conv, the step without its masks). A figure a step does not have (MACs of a pooling pass, keep ratios of a dense
/// conv) is NaN.
/// </summary>
/// <param name="Step">The step's name, e.g. <c>conv2</c> or <c>conv2 gated</c>.</param>
/// <param name="Layer">Index of the conv it runs in the plan's layers, or -1.</param>
/// <param name="Milliseconds">Median time of the whole step.</param>
/// <param name="MaskMilliseconds">Median time of a gated conv's masks (statistics, thresholds, masking).</param>
/// <param name="KernelMilliseconds">Median time of the compute part: the whole step, or a gated conv's step less its masks.</param>
/// <param name="Macs">Executed multiply-adds per clip (the conv's counters; the controller's MLP).</param>
/// <param name="Bytes">Bytes the conv kernel moved per clip (its own count, re-reads included, whether they hit a cache or
/// not: a layer whose operands stay in cache can exceed 100% of the streaming bandwidth).</param>
/// <param name="Gflops">2 x <see cref="Macs"/> / <see cref="KernelMilliseconds"/>, in GFLOP/s.</param>
/// <param name="PeakPercent">100 x <see cref="Gflops"/> / the roofs' GFLOP/s.</param>
/// <param name="GBs"><see cref="Bytes"/> / <see cref="KernelMilliseconds"/>, in GB/s.</param>
/// <param name="BandwidthPercent">100 x <see cref="GBs"/> / the roofs' GB/s.</param>
/// <param name="FrameKeep">Mean kept fraction of the input frames.</param>
/// <param name="ChannelKeep">Mean kept fraction of the input channels.</param>
/// <param name="FeatureKeep">Mean kept fraction of the features in the kept frames and channels.</param>
/// <param name="Kernel">The conv kernel a gated step chose, with how often when it varied (e.g. <c>sparse-input 5/8</c>), or null.</param>
/// <param name="DenseMilliseconds">For a conv of a gated plan: the median time of the same conv in the dense plan.</param>
public sealed record ProfileRow(string Step, int Layer, double Milliseconds, double MaskMilliseconds, double KernelMilliseconds,
    double Macs, double Bytes, double Gflops, double PeakPercent, double GBs, double BandwidthPercent,
    double FrameKeep, double ChannelKeep, double FeatureKeep, string? Kernel, double DenseMilliseconds)
{
    /// <summary>The dense conv's time over this one (NaN where there is no dense counterpart).</summary>
    public double Speedup => DenseMilliseconds / Milliseconds;
}

/// <summary>A plan's whole clip, summarised over a profile's runs.</summary>
/// <param name="Milliseconds">Median wall time per clip (every step plus the plan's overhead).</param>
/// <param name="MinMilliseconds">Fastest clip.</param>
/// <param name="StepMilliseconds">Median over the runs of the sum of their steps' times (the rest of a run is the plan's overhead).</param>
/// <param name="Macs">Executed conv MACs plus the controller's, mean per clip.</param>
/// <param name="Bytes">Bytes the conv kernels moved, mean per clip.</param>
/// <param name="Gflops">2 x <see cref="Macs"/> / <see cref="Milliseconds"/>, in GFLOP/s.</param>
/// <param name="PeakPercent">100 x <see cref="Gflops"/> / the roofs' GFLOP/s.</param>
/// <param name="MaskedMacRatio">Mean R(x) (1 for a dense plan).</param>
public sealed record ProfileTotals(double Milliseconds, double MinMilliseconds, double StepMilliseconds, double Macs, double Bytes,
    double Gflops, double PeakPercent, double MaskedMacRatio);
