namespace NativeDance.Tests.Testing;

/// <summary>
/// An output buffer followed by a sentinel region: a kernel handed <see cref="Span"/> that writes past its
/// end overwrites the sentinels, which <see cref="AssertGuardIntact"/> detects.
/// </summary>
internal sealed class GuardedBuffer
{
    private const int GuardLength = 64;
    private static readonly float Sentinel = BitConverter.Int32BitsToSingle(0x7FC0DEAD);
    private readonly float[] _data;

    public GuardedBuffer(int length, float fill = float.NaN)
    {
        _data = new float[length + GuardLength];
        _data.AsSpan(0, length).Fill(fill);
        _data.AsSpan(length).Fill(Sentinel);
        Length = length;
    }

    public int Length { get; }

    /// <summary>The usable part.</summary>
    public Span<float> Span => _data.AsSpan(0, Length);

    /// <summary>Asserts that nothing was written after the usable part.</summary>
    public void AssertGuardIntact(string context)
    {
        for (int i = Length; i < _data.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(_data[i]) != BitConverter.SingleToInt32Bits(Sentinel))
                Assert.Fail($"{context}: out-of-bounds write {i - Length} elements past the end of a {Length}-element output.");
        }
    }
}
