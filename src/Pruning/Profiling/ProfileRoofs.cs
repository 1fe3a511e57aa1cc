using NativeDance.Tensors.Diagnostics;

namespace NativeDance.Pruning.Profiling;

/// <summary>The roofs percent-of-peak figures divide by: measured compute and memory peaks of the device a plan ran on.</summary>
/// <param name="Gflops">Peak fp32 GFLOP/s.</param>
/// <param name="GBs">Peak bandwidth in GB/s (10^9 bytes).</param>
/// <param name="Description">How they were measured, one line.</param>
public sealed record ProfileRoofs(double Gflops, double GBs, string Description)
{
    /// <summary>The CPU's roofs from <see cref="PeakProbe"/>: its FMA peak and its streaming read bandwidth (convs mostly read).</summary>
    public static ProfileRoofs Of(MachinePeak peak)
    {
        ArgumentNullException.ThrowIfNull(peak);
        return new ProfileRoofs(peak.Gflops, peak.ReadGBs, peak.ToString());
    }
}
