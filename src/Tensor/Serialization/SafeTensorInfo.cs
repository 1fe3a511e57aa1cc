namespace NativeDance.Tensors.Serialization;

/// <summary>One tensor of a safetensors file: its name, element type, shape and byte range within the data section.</summary>
/// <param name="Name">The tensor's key, e.g. <c>layer1.0.conv1.weight</c>.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions as stored (PyTorch order for PyTorch-made files).</param>
/// <param name="Begin">First byte, relative to the start of the data section.</param>
/// <param name="End">One past the last byte.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, Shape Shape, long Begin, long End)
{
    /// <summary>Size of the tensor's data in bytes.</summary>
    public long ByteLength => End - Begin;
}
