namespace NativeDance.Tensors.Ops;

/// <summary>
/// Batch normalisation per channel of channels-last activations: input and output are [M, C] where M = N * T * H * W
/// (any leading dimensions work), and gamma, beta, running and saved statistics are [C]. Semantics follow PyTorch:
/// training normalises with the batch mean and biased variance and moves the running mean and the running
/// <em>unbiased</em> variance toward the batch's by the momentum; inference uses the running statistics.
/// Statistics are accumulated in blocked double precision around a per-channel shift (the first row), so they stay
/// accurate on large tensors and on channels whose mean is large against their spread.
/// </summary>
/// <example><code>BatchNorm.ForwardTraining(x, y, channels, gamma, beta, mean, invStd, runningMean, runningVar);
/// BatchNorm.Backward(x, dy, channels, gamma, mean, invStd, dx, dGamma, dBeta);</code></example>
public static unsafe class BatchNorm
{
    /// <summary>
    /// Training forward: y = (x - mean) * invStd * gamma + beta with the batch statistics, which are also written to
    /// <paramref name="savedMean"/> and <paramref name="savedInvStd"/> (1 / sqrt(biased variance + epsilon)) for
    /// <see cref="Backward"/>. Empty <paramref name="gamma"/> / <paramref name="beta"/> mean 1 / 0 (no affine);
    /// empty running buffers are left alone (no tracking).
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match, or there is a single row (the unbiased variance needs two).</exception>
    public static void ForwardTraining(ReadOnlySpan<float> input, Span<float> output, int channels,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> savedMean, Span<float> savedInvStd,
        Span<float> runningMean, Span<float> runningVar, BatchNormOptions? options = null)
    {
        var o = options ?? BatchNormOptions.Default;
        int rows = Rows(input.Length, output.Length, channels, gamma, beta);
        if (rows < 2)
            throw new ArgumentException($"Batch norm in training needs more than one value per channel; input has {input.Length} elements for {channels} channels.", nameof(input));
        OpsArguments.Length(savedMean.Length, channels, nameof(savedMean), $"batch norm over {channels} channels");
        OpsArguments.Length(savedInvStd.Length, channels, nameof(savedInvStd), $"batch norm over {channels} channels");
        OpsArguments.OptionalLength(runningMean.Length, channels, nameof(runningMean));
        if (runningVar.Length != runningMean.Length)
            throw new ArgumentException($"runningVar has {runningVar.Length} elements but runningMean has {runningMean.Length}; both must be empty or hold {channels}.", nameof(runningVar));

        var (buffer, capacity) = NativeBufferPool.Rent(6 * channels);
        try
        {
            double* sum = (double*)buffer, squares = sum + channels;
            float* scale = (float*)(squares + channels), offset = scale + channels;
            fixed (float* x = input, y = output, mean = savedMean)
            {
                ChannelMoments.Sum(x, x, x, x, 1, rows, channels, sum, squares);
                for (int c = 0; c < channels; c++)
                {
                    double shift = sum[c] / rows;
                    double variance = Math.Max(squares[c] / rows - shift * shift, 0);
                    double batchMean = x[c] + shift;
                    double invStd = 1 / Math.Sqrt(variance + o.Epsilon);
                    mean[c] = (float)batchMean;
                    savedInvStd[c] = (float)invStd;
                    scale[c] = (float)(invStd * (gamma.IsEmpty ? 1 : gamma[c]));
                    offset[c] = beta.IsEmpty ? 0 : beta[c];
                    if (!runningMean.IsEmpty)
                    {
                        runningMean[c] = (float)((1 - (double)o.Momentum) * runningMean[c] + o.Momentum * batchMean);
                        runningVar[c] = (float)((1 - (double)o.Momentum) * runningVar[c] + o.Momentum * variance * rows / (rows - 1));
                    }
                }
                ChannelAffine.Apply(rows, channels, x, mean, scale, offset, null, null, null, y);
            }
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    /// <summary>Inference forward: y = (x - runningMean) / sqrt(runningVar + epsilon) * gamma + beta.</summary>
    /// <exception cref="ArgumentException">A length does not match; the message names it.</exception>
    public static void ForwardInference(ReadOnlySpan<float> input, Span<float> output, int channels,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        BatchNormOptions? options = null)
    {
        var o = options ?? BatchNormOptions.Default;
        int rows = Rows(input.Length, output.Length, channels, gamma, beta);
        OpsArguments.Length(runningMean.Length, channels, nameof(runningMean), $"batch norm over {channels} channels");
        OpsArguments.Length(runningVar.Length, channels, nameof(runningVar), $"batch norm over {channels} channels");
        var (buffer, capacity) = NativeBufferPool.Rent(2 * channels);
        try
        {
            float* scale = (float*)buffer, offset = scale + channels;
            for (int c = 0; c < channels; c++)
            {
                scale[c] = (float)((gamma.IsEmpty ? 1 : gamma[c]) / Math.Sqrt((double)runningVar[c] + o.Epsilon));
                offset[c] = beta.IsEmpty ? 0 : beta[c];
            }
            fixed (float* x = input, y = output, mean = runningMean)
                ChannelAffine.Apply(rows, channels, x, mean, scale, offset, null, null, null, y);
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    /// <summary>
    /// Training-mode backward, given the forward's input and saved statistics:
    /// dBeta = Σ dy, dGamma = Σ dy * x̂, dx = gamma * invStd * (dy - mean(dy) - x̂ * mean(dy * x̂)) with x̂ = (x - mean) * invStd.
    /// All gradients are overwritten; empty <paramref name="gammaGrad"/> / <paramref name="betaGrad"/> are skipped, and
    /// empty <paramref name="gamma"/> means 1.
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match; the message names it.</exception>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, int channels, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, Span<float> inputGrad, Span<float> gammaGrad, Span<float> betaGrad)
    {
        int rows = Rows(input.Length, outputGrad.Length, channels, gamma, default);
        OpsArguments.Length(inputGrad.Length, input.Length, nameof(inputGrad), $"the input of batch norm over {channels} channels");
        OpsArguments.Length(savedMean.Length, channels, nameof(savedMean), $"batch norm over {channels} channels");
        OpsArguments.Length(savedInvStd.Length, channels, nameof(savedInvStd), $"batch norm over {channels} channels");
        OpsArguments.OptionalLength(gammaGrad.Length, channels, nameof(gammaGrad));
        OpsArguments.OptionalLength(betaGrad.Length, channels, nameof(betaGrad));

        var (buffer, capacity) = NativeBufferPool.Rent(8 * channels);
        try
        {
            double* sum = (double*)buffer, products = sum + channels;
            float* gradMean = (float*)(products + channels), gradScale = gradMean + channels, inputScale = gradScale + channels, zero = inputScale + channels;
            fixed (float* x = input, dy = outputGrad, dx = inputGrad, mean = savedMean)
            {
                ChannelMoments.Sum(dy, null, x, mean, 1, rows, channels, sum, products);
                for (int c = 0; c < channels; c++)
                {
                    double invStd = savedInvStd[c], g = gamma.IsEmpty ? 1 : gamma[c];
                    if (!betaGrad.IsEmpty) betaGrad[c] = (float)sum[c];
                    if (!gammaGrad.IsEmpty) gammaGrad[c] = (float)(products[c] * invStd);
                    gradMean[c] = (float)(sum[c] / rows);
                    gradScale[c] = (float)(g * invStd);
                    inputScale[c] = (float)(-g * invStd * invStd * invStd * products[c] / rows);
                    zero[c] = 0;
                }
                ChannelAffine.Apply(rows, channels, dy, gradMean, gradScale, zero, x, mean, inputScale, dx);
            }
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    private static int Rows(int inputLength, int otherLength, int channels, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
    {
        int rows = OpsArguments.Rows(inputLength, channels, "input", nameof(channels));
        if (otherLength != inputLength)
            throw new ArgumentException($"Batch norm input has {inputLength} elements but its output (or gradient) has {otherLength}.");
        OpsArguments.OptionalLength(gamma.Length, channels, nameof(gamma));
        OpsArguments.OptionalLength(beta.Length, channels, nameof(beta));
        return rows;
    }
}
