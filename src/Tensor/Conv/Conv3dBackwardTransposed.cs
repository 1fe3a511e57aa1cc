using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// The input gradient of a unit-stride conv is itself a unit-stride conv: gradInput = conv(gradOutput, W') with the
/// kernel flipped along every axis, input and output channels swapped, and padding d * (k - 1) - p. Running it through
/// the forward's implicit GEMM (no im2col, no scatter) makes the input gradient as fast as a forward pass; the flipped
/// weight is a small transposed copy, rebuilt per call because training changes the weights.
/// </summary>
internal static unsafe class Conv3dBackwardTransposed
{
    public static bool Applies(in Conv3dGeometry g) =>
        g.Groups == 1 && g.Stride == Dims3.Cube(1) &&
        TransposedPadding(g.Kernel.T, g.Padding.T, g.Dilation.T) >= 0 &&
        TransposedPadding(g.Kernel.H, g.Padding.H, g.Dilation.H) >= 0 &&
        TransposedPadding(g.Kernel.W, g.Padding.W, g.Dilation.W) >= 0;

    public static void Input(in Conv3dGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput)
    {
        var transposed = Conv3dGeometry.Create(g.Batch, g.OutChannels, g.Output, g.InChannels, g.Kernel,
            padding: new Dims3(TransposedPadding(g.Kernel.T, g.Padding.T, g.Dilation.T), TransposedPadding(g.Kernel.H, g.Padding.H, g.Dilation.H),
                TransposedPadding(g.Kernel.W, g.Padding.W, g.Dilation.W)),
            dilation: g.Dilation);
        var (buffer, capacity) = NativeBufferPool.Rent(g.WeightLength);
        try
        {
            fixed (float* w = weight)
            {
                var body = new FlipTaps(g, w, (float*)buffer);
                ParallelFor.Run((int)g.Kernel.Volume, ref body);
            }
            Conv3d.Forward(transposed, gradOutput, new ReadOnlySpan<float>((void*)buffer, g.WeightLength), default, gradInput);
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    private static int TransposedPadding(int k, int p, int d) => d * (k - 1) - p;

    /// <summary>W'[tap'][co][ci] = W[tap][ci][co] with tap' the tap mirrored along every axis.</summary>
    private readonly struct FlipTaps(Conv3dGeometry g, float* weight, float* flipped) : IParallelBody
    {
        public void Invoke(int tap)
        {
            int cin = g.InChannels, cout = g.OutChannels;
            int mirrored = (int)g.Kernel.Volume - 1 - tap;
            BlockTranspose.Run(weight + (long)tap * cin * cout, cout, cin, cout, flipped + (long)mirrored * cin * cout, cin);
        }
    }
}
