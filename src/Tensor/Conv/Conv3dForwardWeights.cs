using NativeDance.Tensors.Gemm;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Row r = tap * channels + c of one group's B for the implicit GEMM: the weight row of that tap and of the group's
/// c-th kept input channel, from column group * Cout/groups. Packed once per call with
/// <see cref="RowPanelPacking{TOps, TVec, TRows}"/>, which gathers the kept channels' rows and pads the last panel.
/// Packing costs one sequential pass over the weights; it is not cached across calls because training updates
/// weights in place.
/// </summary>
internal readonly unsafe struct Conv3dForwardWeights : IPanelRows
{
    private readonly float* _weight;
    private readonly int _channels, _channelsPerGroup, _outChannels, _channelBase;
    private readonly int* _keptChannels;

    /// <param name="weight">[taps, Cin/groups, Cout], pointing at the group's first output channel.</param>
    /// <param name="g">The convolution.</param>
    /// <param name="group">The group.</param>
    /// <param name="channels">Kept input channels of the group.</param>
    /// <param name="keptChannels">The group's kept channels (absolute indices), or null when all are kept.</param>
    public Conv3dForwardWeights(float* weight, in Conv3dGeometry g, int group, int channels, int* keptChannels)
    {
        _weight = weight;
        _channels = channels;
        _channelsPerGroup = g.InChannelsPerGroup;
        _outChannels = g.OutChannels;
        _channelBase = group * g.InChannelsPerGroup;
        _keptChannels = keptChannels;
    }

    public float* Row(int k)
    {
        int tap = k / _channels, c = k - tap * _channels;
        int channel = _keptChannels == null ? c : _keptChannels[c] - _channelBase;
        return _weight + ((nint)tap * _channelsPerGroup + channel) * _outChannels;
    }
}
