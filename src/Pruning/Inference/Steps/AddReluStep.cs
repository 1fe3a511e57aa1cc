using System.Numerics;
using NativeDance.Tensors.Threading;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>A residual block's end, relu(main + shortcut), written over the main path's buffer in one pass.</summary>
internal sealed unsafe class AddReluStep(string name, PlanValue main, PlanValue shortcut) : PlanStep(name)
{
    private const int ChunkElements = 1 << 15;

    /// <summary>The main path's output, overwritten with the result.</summary>
    public PlanValue Main => main;

    public PlanValue Shortcut => shortcut;

    public override IEnumerable<PlanValue> Values => [main, shortcut];

    public override void Run(PlanState state)
    {
        var body = new Chunks { Main = state.Pointer(main), Shortcut = state.Pointer(shortcut), Length = main.Length };
        ParallelFor.Run((main.Length + ChunkElements - 1) / ChunkElements, ref body);
    }

    private struct Chunks : IParallelBody
    {
        public float* Main, Shortcut;
        public int Length;

        public readonly void Invoke(int chunk)
        {
            int start = chunk * ChunkElements, end = Math.Min(Length, start + ChunkElements);
            var y = new Span<float>(Main + start, end - start);
            var s = new ReadOnlySpan<float>(Shortcut + start, end - start);
            int i = 0, width = Vector<float>.Count;
            for (; i + width <= y.Length; i += width)
                Vector.Max(new Vector<float>(y.Slice(i)) + new Vector<float>(s.Slice(i)), Vector<float>.Zero).CopyTo(y.Slice(i));
            for (; i < y.Length; i++) y[i] = MathF.Max(y[i] + s[i], 0f);
        }
    }
}
