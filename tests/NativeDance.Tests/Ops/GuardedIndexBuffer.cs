namespace NativeDance.Tests.Ops;

/// <summary>An int output (argmax indices) followed by sentinels that catch writes past its end.</summary>
internal sealed class GuardedIndexBuffer
{
    private const int GuardLength = 64;
    private const int Sentinel = unchecked((int)0xDEADC0DE);
    private readonly int[] _data;

    public GuardedIndexBuffer(int length)
    {
        _data = new int[length + GuardLength];
        _data.AsSpan(0, length).Fill(int.MinValue);
        _data.AsSpan(length).Fill(Sentinel);
        Length = length;
    }

    public int Length { get; }

    public Span<int> Span => _data.AsSpan(0, Length);

    public void AssertGuardIntact(string context)
    {
        for (int i = Length; i < _data.Length; i++)
        {
            if (_data[i] != Sentinel)
                Assert.Fail($"{context}: out-of-bounds write {i - Length} elements past the end of a {Length}-element index output.");
        }
    }
}
