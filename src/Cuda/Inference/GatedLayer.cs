using NativeDance.Pruning.Inference;
using NativeDance.Tensors.Conv;

namespace NativeDance.Cuda.Inference;

/// <summary>A gated conv of a GPU plan: where its decision and MAC counter are read back, and what turns them into counters.</summary>
/// <param name="Layer">Index in the plan's layers.</param>
/// <param name="Gate">Gate index.</param>
/// <param name="Geometry">The convolution.</param>
/// <param name="DenseExecutedMacs">The gate's METHOD.md MACs for a fully kept input.</param>
internal sealed record GatedLayer(int Layer, int Gate, Conv3dGeometry Geometry, double DenseExecutedMacs)
{
    /// <summary>What the gate kept, from its decision block (kept features and reach counted by gate_mask).</summary>
    public GateCounts Counts(in Kernels.GateDecision decision) => new(Geometry.Input.T, (int)decision.KeptFrames, Geometry.InChannels,
        (int)decision.KeptChannels, Geometry.Input.H * Geometry.Input.W, (long)decision.KeptFeatures,
        (long)decision.Reach * Geometry.OutChannels, DenseExecutedMacs, GatedConvPath.DenseCompacted);

    /// <summary>
    /// The conv's work: the masked kernel's executed-MAC count, and the bytes of the compacted problem (kept frames and
    /// channels of the input, their weights, the whole output), as GatedConvCost.DenseCompacted counts them.
    /// </summary>
    public ConvWorkCounters Work(in GateCounts gate, long executedMacs) => new()
    {
        Macs = executedMacs,
        ActivationBytesRead = (long)gate.KeptFrames * gate.Pixels * gate.KeptChannels * sizeof(float),
        WeightBytesRead = gate.KeptFrames == 0 ? 0 : Geometry.Kernel.Volume * gate.KeptChannels * Geometry.OutChannels * sizeof(float),
        OutputBytesWritten = (long)Geometry.OutputLength * sizeof(float),
    };
}
