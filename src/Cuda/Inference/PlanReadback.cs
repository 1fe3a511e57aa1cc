using System.Runtime.InteropServices;
using NativeDance.Cuda.Kernels;

namespace NativeDance.Cuda.Inference;

/// <summary>
/// The one device region a GPU plan copies back per clip: every gate's 32-byte <see cref="GateDecision"/> block, every
/// conv layer's executed-MAC counter (u64, written by the masked conv; zero for dense layers) and the logits (fp32):
/// [decisions gates x 32 B][counters layers x 8 B][logits classes x 4 B]. Cleared before every clip.
/// </summary>
internal sealed class PlanReadback(int gates, int layers, int classes)
{
    private const int DecisionBytes = 32;

    public int Bytes => LogitsOffset + classes * sizeof(float);

    public int LogitsOffset => gates * DecisionBytes + layers * sizeof(ulong);

    public int DecisionOffset(int gate) => gate * DecisionBytes;

    public int CounterOffset(int layer) => gates * DecisionBytes + layer * sizeof(ulong);

    public static GateDecision Decision(ReadOnlySpan<byte> readback, int offset) => MemoryMarshal.Read<GateDecision>(readback[offset..]);

    public static long Counter(ReadOnlySpan<byte> readback, int offset) => (long)MemoryMarshal.Read<ulong>(readback[offset..]);

    public ReadOnlySpan<float> Logits(ReadOnlySpan<byte> readback) => MemoryMarshal.Cast<byte, float>(readback.Slice(LogitsOffset, classes * sizeof(float)));
}
