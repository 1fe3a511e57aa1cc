using NativeDance.Cuda.Kernels;
using NativeDance.Cuda.Kernels.Conv;
using NativeDance.PtxInterpreter;
using NativeDance.Tensors.Conv;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>Operands of one conv: random input, weight and (optionally empty) bias in the engine's layouts.</summary>
internal sealed record Conv3dOperands(Conv3dGeometry Geometry, float[] Input, float[] Weight, float[] Bias)
{
    /// <summary>Values in [-1, 1); a share <paramref name="zeroFraction"/> of the input set to exactly 0.</summary>
    public static Conv3dOperands Random(in Conv3dGeometry g, Random random, bool hasBias = true, double zeroFraction = 0)
    {
        var x = Values(g.InputLength, random);
        for (int i = 0; i < x.Length; i++)
            if (random.NextDouble() < zeroFraction) x[i] = 0;
        return new Conv3dOperands(g, x, Values(g.WeightLength, random), hasBias ? Values(g.OutChannels, random) : []);
    }

    /// <summary>The engine's CPU conv of these operands (under <paramref name="mask"/>), then ReLU when asked.</summary>
    public float[] Reference(bool relu, Conv3dInputMask? mask = null)
    {
        var y = new float[Geometry.OutputLength];
        Conv3d.Forward(Geometry, Input, Weight, Bias, y, mask);
        if (relu)
            for (int i = 0; i < y.Length; i++) y[i] = Math.Max(y[i], 0f);
        return y;
    }

    private static float[] Values(int length, Random random)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}

/// <summary>What one interpreted conv produced: the output and, for the masked entries, the executed-MAC counter (0 when not counted).</summary>
internal sealed record Conv3dKernelResult(float[] Output, ulong ExecutedMacs);

/// <summary>
/// Runs a <see cref="Conv3dLaunchPlan"/> through the PTX interpreter exactly as the GPU executor will: the conv entry with
/// the plan's argument struct and launch shape, then, for split-K, the reduction. The output starts as NaN, so an element
/// the kernels miss fails the comparison; the interpreter faults any access outside the buffers (so a masked entry told
/// not to count, with counter address 0, faults if it writes one). <c>countExcess</c> overstates the device-side list counts.
/// </summary>
internal static class Conv3dKernelRunner
{
    public static Conv3dKernelResult Run(Conv3dLaunchPlan plan, Conv3dOperands op, bool relu, Conv3dInputMask? mask = null, bool countMacs = true,
        int countExcess = 0)
    {
        var g = plan.Geometry;
        var device = new PtxDevice();
        ulong x = device.Upload<float>(op.Input), w = device.Upload<float>(op.Weight);
        ulong b = op.Bias.Length == 0 ? 0 : device.Upload<float>(op.Bias);
        var nans = new float[g.OutputLength];
        Array.Fill(nans, float.NaN);
        ulong y = device.Upload<float>(nans);
        ulong workspace = plan.Splits > 1 ? device.Allocate(plan.WorkspaceBytes) : 0;
        ulong macs = 0;
        if (plan.Masked)
        {
            var m = mask ?? Conv3dInputMask.All(g);
            var deviceMask = new Conv3dDeviceMask(
                UploadList(device, m.KeptFrames), device.Upload<int>([m.KeptFrames.Length + countExcess]),
                UploadList(device, m.KeptChannels), device.Upload<int>([m.KeptChannels.Length + countExcess]));
            macs = countMacs ? device.Upload<ulong>([0UL]) : 0;
            var kernel = Load(plan.Module).Kernel(plan.Entry);
            device.Launch(kernel, plan.Conv, plan.MaskedArgs(x, w, b, y, workspace, deviceMask, macs, relu));
        }
        else
        {
            device.Launch(Load(plan.Module).Kernel(plan.Entry), plan.Conv, plan.ForwardArgs(x, w, b, y, workspace, relu));
        }
        if (plan.Splits > 1)
            device.Launch(Load(Conv3dLaunchPlan.ReduceModule).Kernel(Conv3dLaunchPlan.ReduceEntry), plan.Reduce, plan.ReduceArgs(workspace, b, y, relu));
        return new Conv3dKernelResult(device.Download<float>(y, g.OutputLength), macs != 0 ? device.Download<ulong>(macs, 1)[0] : 0);
    }

    /// <summary>The tile configuration named "64x64" or "32x32".</summary>
    public static Conv3dTile Tile(string name) => Conv3dTile.All.Single(t => t.Name == name);

    public static PtxModule Load(string module) => PtxModule.Parse(PtxSources.Read(module), module);

    /// <summary>An empty list still gets an address: 4 bytes never written, so a kernel that reads past the count faults.</summary>
    private static ulong UploadList(PtxDevice device, int[] list) =>
        list.Length == 0 ? device.Allocate(sizeof(int)) : device.Upload<int>(list);
}
