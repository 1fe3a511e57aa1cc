using System.Numerics;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>
/// Global average pooling of one clip [positions, C] to [C], with the input's pending ReLU fused in (each value is read
/// through max(x, 0)): per block of positions a float sum per channel, folded into double totals.
/// </summary>
internal sealed class GlobalPoolStep(string name, PlanValue input, PlanValue output, bool rectify) : PlanStep(name)
{
    private const int BlockPositions = 256;
    private readonly double[] _totals = new double[output.Length];
    private readonly float[] _block = new float[output.Length];

    public PlanValue Input => input;

    public PlanValue Output => output;

    /// <summary>Whether the input is read through max(x, 0).</summary>
    public bool Rectify => rectify;

    public override IEnumerable<PlanValue> Values => [input, output];

    public override void Run(PlanState state)
    {
        ReadOnlySpan<float> x = state.Span(input);
        var y = state.Span(output);
        int channels = y.Length, positions = x.Length / channels;
        int width = Vector<float>.Count, vectorEnd = channels - channels % width;
        Array.Clear(_totals);
        for (int start = 0; start < positions; start += BlockPositions)
        {
            Array.Clear(_block);
            var block = _block.AsSpan();
            int end = Math.Min(positions, start + BlockPositions);
            for (int p = start; p < end; p++)
            {
                var row = x.Slice(p * channels, channels);
                int c = 0;
                for (; c < vectorEnd; c += width)
                {
                    var v = new Vector<float>(row.Slice(c));
                    if (rectify) v = Vector.Max(v, Vector<float>.Zero);
                    (new Vector<float>(block.Slice(c)) + v).CopyTo(block.Slice(c));
                }
                for (; c < channels; c++) block[c] += rectify ? MathF.Max(row[c], 0f) : row[c];
            }
            for (int c = 0; c < channels; c++) _totals[c] += block[c];
        }
        for (int c = 0; c < channels; c++) y[c] = (float)(_totals[c] / positions);
    }
}
