namespace NativeDance.Models.Modules;

/// <summary>
/// How a parameter's engine layout maps to PyTorch's, so checkpoints carry torchvision's layouts and names
/// while the kernels keep theirs.
/// </summary>
public enum TorchLayout
{
    /// <summary>Same layout in both.</summary>
    Same,
    /// <summary>Conv weight: engine [kT, kH, kW, Cin/groups, Cout], PyTorch [Cout, Cin/groups, kT, kH, kW].</summary>
    ConvWeight,
}
