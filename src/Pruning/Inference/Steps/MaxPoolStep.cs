using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NativeDance.Tensors.Ops;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>
/// Max pooling. A pending ReLU of the input moves to the output (max and ReLU commute), where it costs an eighth as much
/// or is fused into the next gate's statistics pass. Tiled windows (kernel = stride, no padding, dilation 1) over whole
/// vectors of channels, the C3D pools, take a direct loop on the calling thread: a few microseconds of loads and maxima,
/// where the engine's general pool (any window, argmax, one task per output row) costs several times that.
/// </summary>
internal sealed unsafe class MaxPoolStep(string name, Pool3dGeometry geometry, PlanValue input, PlanValue output) : PlanStep(name)
{
    private readonly bool _tiled = Vector512.IsHardwareAccelerated && geometry.Channels % 16 == 0 && geometry.Kernel == geometry.Stride
        && geometry.Padding == new Tensors.Conv.Dims3(0, 0, 0) && geometry.Dilation == new Tensors.Conv.Dims3(1, 1, 1);

    public Pool3dGeometry Geometry => geometry;

    public PlanValue Input => input;

    public PlanValue Output => output;

    public override IEnumerable<PlanValue> Values => [input, output];

    public override void Run(PlanState state)
    {
        if (_tiled) Tiled(geometry, state.Pointer(input), state.Pointer(output));
        else MaxPool3d.Forward(geometry, state.Span(input), state.Span(output));
    }

    /// <summary>
    /// Every output pixel, per vector of channels, the maximum of its window's pixels. <see cref="Vector512.Max"/>
    /// propagates NaN as the engine's pool does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tiled(in Pool3dGeometry g, float* x, float* y)
    {
        int c = g.Channels, kt = g.Kernel.T, kh = g.Kernel.H, kw = g.Kernel.W;
        long pixel = c, line = (long)g.Input.W * c, frame = g.Input.H * line;
        for (int n = 0; n < g.Batch; n++)
        for (int ot = 0; ot < g.Output.T; ot++)
        for (int oh = 0; oh < g.Output.H; oh++)
        for (int ow = 0; ow < g.Output.W; ow++, y += c)
        {
            float* corner = x + (((long)n * g.Input.T + ot * kt) * g.Input.H + oh * kh) * line + (long)ow * kw * pixel;
            for (int v = 0; v < c; v += 16)
            {
                var best = Vector512.Load(corner + v);
                for (int t = 0; t < kt; t++)
                for (int h = 0; h < kh; h++)
                for (int w = 0; w < kw; w++)
                    best = Vector512.Max(best, Vector512.Load(corner + t * frame + h * line + w * pixel + v));
                best.Store(y + v);
            }
        }
    }
}
