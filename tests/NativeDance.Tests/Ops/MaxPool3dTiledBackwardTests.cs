using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

/// <summary>
/// Max-pool backward when the windows tile the input (stride = kernel, no padding or dilation), which writes each
/// input element once instead of scattering into a cleared gradient: against the reference scatter, with input sizes
/// that leave a remainder past the last window on each axis, ties (which only the first maximum may receive) and
/// channel counts on both sides of the vector width.
/// </summary>
public class MaxPool3dTiledBackwardTests
{
    public static TheoryData<int, int, int, int, int, int> Cases => new()
    {
        { 2, 32, 8, 6, 6, 2 },
        { 1, 1, 5, 7, 9, 2 },
        { 2, 19, 4, 5, 7, 3 },
        { 1, 33, 3, 3, 3, 1 },
        { 1, 8, 3, 5, 4, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardEqualsReferenceScatter(int batch, int channels, int t, int h, int w, int kernel)
    {
        var g = Pool3dGeometry.Create(batch, channels, new Dims3(t, h, w), kernel == 1 ? new Dims3(1, 2, 1) : Dims3.Cube(kernel));
        var x = OpsTestData.Normal(g.InputLength, 31);
        for (int i = 0; i < x.Length; i += 5) x[i] = 0.5f;
        var dy = OpsTestData.Normal(g.OutputLength, 32);
        var index = new int[g.OutputLength];
        MaxPool3d.Forward(g, x, new float[g.OutputLength], index);
        var dx = new GuardedBuffer(g.InputLength);
        dx.Span.Fill(float.NaN);
        MaxPool3d.Backward(g, dy, index, dx.Span);
        dx.AssertGuardIntact(g.ToString());
        Numerics.AssertClose(dx.Span, Pool3dReference.MaxBackward(g, index, dy), 1e-12, g.ToString());
    }
}
