using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeDance.Cuda.Driver;

namespace NativeDance.Tests.Cuda.Driver;

public class LaunchArgumentBufferTests
{
    /// <summary>The parameter list (.u64 x, .u64 y, .s32 n, .f32 alpha, .u64 counter) as a kernel's host side declares it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MixedArgs
    {
        public ulong X;
        public ulong Y;
        public int N;
        public float Alpha;
        public ulong Counter;
    }

    [Fact]
    public unsafe void StructFieldsSitAtTheirNaturalAlignmentLikePtxParams()
    {
        var args = new MixedArgs();
        byte* start = (byte*)&args;
        Assert.Equal(32, sizeof(MixedArgs));
        Assert.Equal(0, (byte*)&args.X - start);
        Assert.Equal(8, (byte*)&args.Y - start);
        Assert.Equal(16, (byte*)&args.N - start);
        Assert.Equal(20, (byte*)&args.Alpha - start);
        Assert.Equal(24, (byte*)&args.Counter - start);
    }

    [Fact]
    public unsafe void ExtraArrayPointsTheDriverAtTheStructAndItsSize()
    {
        var args = new MixedArgs { X = 0x1000, Y = 0x2000, N = -7, Alpha = 2.5f, Counter = 0x3000 };
        nuint size;
        void** extra = stackalloc void*[LaunchArgumentBuffer.Length];
        LaunchArgumentBuffer.Describe(&args, &size, extra);
        Assert.Equal((nuint)32, size);
        Assert.Equal((nint)0x1, (nint)extra[0]);
        Assert.Equal((nint)(&args), (nint)extra[1]);
        Assert.Equal((nint)0x2, (nint)extra[2]);
        Assert.Equal((nint)(&size), (nint)extra[3]);
        Assert.Equal((nint)0x0, (nint)extra[4]);

        // The bytes the driver copies into the kernel's .param space, read at the PTX offsets.
        byte* buffer = (byte*)extra[1];
        Assert.Equal(0x1000UL, Unsafe.ReadUnaligned<ulong>(buffer));
        Assert.Equal(0x2000UL, Unsafe.ReadUnaligned<ulong>(buffer + 8));
        Assert.Equal(-7, Unsafe.ReadUnaligned<int>(buffer + 16));
        Assert.Equal(2.5f, Unsafe.ReadUnaligned<float>(buffer + 20));
        Assert.Equal(0x3000UL, Unsafe.ReadUnaligned<ulong>(buffer + 24));
    }
}
