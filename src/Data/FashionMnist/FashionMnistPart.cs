namespace NativeDance.Data.FashionMnist;

/// <summary>Which pair of Fashion-MNIST files: the 60,000 training images or the 10,000 test images.</summary>
public enum FashionMnistPart
{
    /// <summary><c>train-images-idx3-ubyte</c> and <c>train-labels-idx1-ubyte</c>.</summary>
    Train,
    /// <summary><c>t10k-images-idx3-ubyte</c> and <c>t10k-labels-idx1-ubyte</c>.</summary>
    Test,
}
