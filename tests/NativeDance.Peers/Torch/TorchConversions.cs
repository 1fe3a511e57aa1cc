using NativeDance.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace NativeDance.Peers.Torch;

/// <summary>
/// Copies between engine tensors and libtorch tensors, converting layouts: engine activations are channels-last
/// [N, T, H, W, C] where torch's are [N, C, T, H, W]; engine conv weights are [kT, kH, kW, Cin/groups, Cout] where
/// torch's are [Cout, Cin/groups, kT, kH, kW]. Every result is a new, contiguous tensor the caller disposes.
/// </summary>
public static class TorchConversions
{
    /// <summary>A torch tensor of the same shape and element order, of type <paramref name="dtype"/>.</summary>
    public static torch.Tensor ToTorch(NativeDance.Tensors.Tensor tensor, ScalarType dtype = ScalarType.Float32)
    {
        LibTorch.EnsureLoaded();
        var dims = tensor.Shape.Dims.ToArray().Select(d => (long)d).ToArray();
        using var single = torch.tensor(tensor.ToArray(), dims);
        return single.to(dtype);
    }

    /// <summary>An engine tensor (fp32) of the same shape and element order.</summary>
    public static NativeDance.Tensors.Tensor FromTorch(torch.Tensor tensor)
    {
        using var detached = tensor.detach();
        using var single = detached.to(ScalarType.Float32);
        using var dense = single.contiguous();
        var shape = new Shape(dense.shape.Select(d => checked((int)d)).ToArray());
        return NativeDance.Tensors.Tensor.FromData(shape, dense.data<float>().ToArray());
    }

    /// <summary>Channels-last [N, T, H, W, C] engine activation to a torch [N, C, T, H, W] tensor.</summary>
    public static torch.Tensor ActivationToTorch(NativeDance.Tensors.Tensor channelsLast, ScalarType dtype = ScalarType.Float32)
    {
        using var channelsFirst = channelsLast.ToChannelsFirst();
        return ToTorch(channelsFirst, dtype);
    }

    /// <summary>Torch [N, C, T, H, W] activation to a channels-last [N, T, H, W, C] engine tensor.</summary>
    public static NativeDance.Tensors.Tensor ActivationFromTorch(torch.Tensor channelsFirst)
    {
        using var copy = FromTorch(channelsFirst);
        return copy.ToChannelsLast();
    }

    /// <summary>Engine conv weight [kT, kH, kW, Cin/groups, Cout] to a torch [Cout, Cin/groups, kT, kH, kW] tensor.</summary>
    public static torch.Tensor ConvWeightToTorch(NativeDance.Tensors.Tensor weight, ScalarType dtype = ScalarType.Float32)
    {
        using var torchLayout = weight.ConvWeightToTorch();
        return ToTorch(torchLayout, dtype);
    }

    /// <summary>Torch conv weight [Cout, Cin/groups, kT, kH, kW] to the engine's [kT, kH, kW, Cin/groups, Cout].</summary>
    public static NativeDance.Tensors.Tensor ConvWeightFromTorch(torch.Tensor weight)
    {
        using var copy = FromTorch(weight);
        return copy.ConvWeightFromTorch();
    }
}
