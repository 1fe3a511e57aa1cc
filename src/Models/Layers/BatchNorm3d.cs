using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Tensors;
using NativeDance.Tensors.Ops;

namespace NativeDance.Models.Layers;

/// <summary>
/// Batch normalisation over the channels of a channels-last activation, with PyTorch's parameter and buffer names
/// (weight, bias, running_mean, running_var, num_batches_tracked) and semantics (momentum 0.1, eps 1e-5).
/// </summary>
public sealed class BatchNorm3d : Module
{
    private readonly BatchNormState _state;
    private readonly Tensor _batchesTracked;

    /// <summary>Creates the layer for <paramref name="channels"/> channels.</summary>
    public BatchNorm3d(int channels, BatchNormOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        Channels = channels;
        Options = options ?? BatchNormOptions.Default;
        Weight = AddParameter("weight", Tensor.Ones(new Shape(channels)));
        Bias = AddParameter("bias", Tensor.Zeros(new Shape(channels)));
        _state = new BatchNormState(AddBuffer("running_mean", Tensor.Zeros(new Shape(channels))), AddBuffer("running_var", Tensor.Ones(new Shape(channels))));
        _batchesTracked = AddBuffer("num_batches_tracked", Tensor.Zeros(new Shape()), isCounter: true);
    }

    /// <summary>Channels normalised.</summary>
    public int Channels { get; }

    /// <summary>Epsilon and momentum.</summary>
    public BatchNormOptions Options { get; }

    /// <summary>Scale (gamma).</summary>
    public Variable Weight { get; }

    /// <summary>Shift (beta).</summary>
    public Variable Bias { get; }

    /// <summary>Running mean and variance.</summary>
    public BatchNormState State => _state;

    /// <inheritdoc />
    public override Variable Forward(Variable input)
    {
        RequireChannels(input.Shape);
        if (IsTraining) _batchesTracked.Span[0] += 1;
        return Functional.BatchNorm(input, Weight, Bias, _state, IsTraining, Options);
    }

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "")
    {
        RequireChannels(input);
        costs.Add(new LayerCost(path, nameof(BatchNorm3d), 0, 2L * Channels, input));
        return input;
    }

    private void RequireChannels(Shape input)
    {
        if (input.Rank < 2 || input[-1] != Channels)
            throw new ArgumentException($"BatchNorm3d over {Channels} channels got an input of shape {input}.", nameof(input));
    }
}
