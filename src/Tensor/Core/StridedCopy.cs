namespace NativeDance.Tensors;

/// <summary>Copies between strided views and dense row-major buffers.</summary>
internal static unsafe class StridedCopy
{
    /// <summary>Writes the elements of the strided view (<paramref name="src"/>, dims, strides) densely into <paramref name="dst"/>.</summary>
    public static void Gather(float* src, ReadOnlySpan<int> dims, ReadOnlySpan<int> strides, float* dst)
    {
        if (dims.Length == 0)
        {
            *dst = *src;
            return;
        }
        GatherRecursive(src, dims, strides, ref dst);
    }

    private static void GatherRecursive(float* src, ReadOnlySpan<int> dims, ReadOnlySpan<int> strides, ref float* dst)
    {
        int n = dims[0];
        int s = strides[0];
        if (dims.Length == 1)
        {
            if (s == 1)
            {
                new ReadOnlySpan<float>(src, n).CopyTo(new Span<float>(dst, n));
            }
            else
            {
                for (int i = 0; i < n; i++) dst[i] = src[(long)i * s];
            }
            dst += n;
            return;
        }
        for (int i = 0; i < n; i++)
            GatherRecursive(src + (long)i * s, dims[1..], strides[1..], ref dst);
    }
}
