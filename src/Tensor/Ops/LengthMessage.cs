using System.Runtime.CompilerServices;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// An interpolated-string handler that formats only when a length check fails (as <c>Debug.Assert</c>'s handler
/// does), so the descriptive messages of argument checks cost nothing — and allocate nothing — on the hot path.
/// </summary>
[InterpolatedStringHandler]
internal ref struct LengthMessage
{
    private DefaultInterpolatedStringHandler _text;

    public LengthMessage(int literalLength, int formattedCount, int actual, int expected, out bool failed)
    {
        failed = actual != expected;
        _text = failed ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public string ToStringAndClear() => _text.ToStringAndClear();
}
