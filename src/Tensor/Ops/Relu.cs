using System.Numerics;
using System.Numerics.Tensors;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// The rectifier, elementwise over any layout: y = max(x, 0), with NaN propagated as in PyTorch. Both passes are
/// bandwidth-bound, so large tensors are split into chunks that run on all threads. Chunks are large enough
/// (512 KiB) that TensorPrimitives streams the forward's output with non-temporal stores, which measured about
/// twice as fast as a plain vector loop on a 3.2M-element tensor.
/// </summary>
/// <example><code>Relu.Forward(x, y);
/// Relu.Backward(y, dy, dx); // y or x: both are positive at the same places</code></example>
public static unsafe class Relu
{
    private const int ChunkElements = 1 << 17;

    /// <summary>output = max(input, 0). <paramref name="output"/> may be <paramref name="input"/> itself.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        SameLength(input.Length, nameof(input), output.Length, nameof(output));
        fixed (float* x = input, y = output)
        {
            var body = new Chunks { Values = x, Output = y, Length = input.Length };
            ParallelFor.Run(ChunkCount(input.Length), ref body);
        }
    }

    /// <summary>
    /// inputGrad = outputGrad where the forward value is positive, else 0 (the gradient at 0 is 0, as in PyTorch).
    /// <paramref name="forwardValues"/> is the forward pass's input or its output. <paramref name="inputGrad"/> may be
    /// <paramref name="outputGrad"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Backward(ReadOnlySpan<float> forwardValues, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        SameLength(forwardValues.Length, nameof(forwardValues), outputGrad.Length, nameof(outputGrad));
        SameLength(forwardValues.Length, nameof(forwardValues), inputGrad.Length, nameof(inputGrad));
        fixed (float* x = forwardValues, dy = outputGrad, dx = inputGrad)
        {
            var body = new Chunks { Values = x, OutputGrad = dy, Output = dx, Length = forwardValues.Length };
            ParallelFor.Run(ChunkCount(forwardValues.Length), ref body);
        }
    }

    private static int ChunkCount(int length) => (length + ChunkElements - 1) / ChunkElements;

    private static void SameLength(int a, string aName, int b, string bName)
    {
        if (a != b) throw new ArgumentException($"ReLU {aName} has {a} elements but {bName} has {b}.", bName);
    }

    /// <summary>One task per chunk: the forward when <see cref="OutputGrad"/> is null, else the backward.</summary>
    private struct Chunks : IParallelBody
    {
        public float* Values, OutputGrad, Output;
        public int Length;

        public readonly void Invoke(int chunk)
        {
            int start = chunk * ChunkElements, count = Math.Min(ChunkElements, Length - start);
            float* x = Values + start, y = Output + start;
            if (OutputGrad == null)
            {
                TensorPrimitives.Max(new ReadOnlySpan<float>(x, count), 0f, new Span<float>(y, count));
                return;
            }
            float* dy = OutputGrad + start;
            int i = 0;
            for (; i <= count - Vector<float>.Count; i += Vector<float>.Count)
                Vector.ConditionalSelect(Vector.GreaterThan(Vector.Load(x + i), Vector<float>.Zero), Vector.Load(dy + i), Vector<float>.Zero).Store(y + i);
            for (; i < count; i++) y[i] = x[i] > 0 ? dy[i] : 0;
        }
    }
}
