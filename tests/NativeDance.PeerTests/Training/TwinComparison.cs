using NativeDance.Models.Modules;
using NativeDance.Tensors;
using TorchSharp;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Training;

/// <summary>Compares our model's parameters, gradients and buffers with a libtorch twin's, name by name, in PyTorch's layouts.</summary>
internal static class TwinComparison
{
    /// <summary>||ours - theirs|| / ||theirs||, in double.</summary>
    public static double RelativeError(ReadOnlySpan<float> ours, ReadOnlySpan<double> theirs)
    {
        Assert.Equal(theirs.Length, ours.Length);
        double error = 0, norm = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            double d = ours[i] - theirs[i];
            error += d * d;
            norm += theirs[i] * theirs[i];
        }
        return Math.Sqrt(error / Math.Max(norm, 1e-300));
    }

    /// <summary>The elements of a libtorch tensor as doubles, row-major.</summary>
    public static double[] Values(torch.Tensor t)
    {
        using var detached = t.detach();
        using var wide = detached.to(ScalarType.Float64);
        using var dense = wide.contiguous();
        return dense.data<double>().ToArray();
    }

    /// <summary>A copy of <paramref name="value"/> in PyTorch's layout (conv weights [Cout, Cin/groups, kT, kH, kW]).</summary>
    public static float[] TorchLayoutValues(Tensor value, TorchLayout layout)
    {
        if (layout != TorchLayout.ConvWeight) return value.ToArray();
        using var torchLayout = value.ConvWeightToTorch();
        return torchLayout.ToArray();
    }

    /// <summary>Asserts ||ours - theirs|| / ||theirs|| &lt;= <paramref name="tolerance"/>.</summary>
    public static void AssertRelative(ReadOnlySpan<float> ours, ReadOnlySpan<double> theirs, double tolerance, string context)
    {
        double error = RelativeError(ours, theirs);
        Assert.True(error <= tolerance, $"{context}: relative error {error:E3} > {tolerance:E1}.");
    }
}
