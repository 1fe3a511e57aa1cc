using System.Runtime.InteropServices;
using NativeDance.Cuda;

namespace NativeDance.Tests.Cuda.Driver;

/// <summary>The test kernel y[i] = a * x[i] + y[i] (one fused multiply-add per element), its arguments and launch shape.</summary>
internal static class SaxpyKernel
{
    public const string Entry = "saxpy";

    public const string Ptx = """
        .version 7.8
        .target sm_80
        .address_size 64

        // y[i] = a * x[i] + y[i] for i < n; one thread per element, 1-D grid.
        .visible .entry saxpy(
            .param .u64 saxpy_x,
            .param .u64 saxpy_y,
            .param .u32 saxpy_n,
            .param .f32 saxpy_a
        )
        {
            .reg .pred %p<2>;
            .reg .b32 %r<6>;
            .reg .f32 %f<5>;
            .reg .b64 %rd<6>;

            ld.param.u64 %rd1, [saxpy_x];
            ld.param.u64 %rd2, [saxpy_y];
            ld.param.u32 %r1, [saxpy_n];
            ld.param.f32 %f1, [saxpy_a];
            mov.u32 %r2, %ctaid.x;
            mov.u32 %r3, %ntid.x;
            mov.u32 %r4, %tid.x;
            mad.lo.s32 %r5, %r2, %r3, %r4;
            setp.ge.u32 %p1, %r5, %r1;
            @%p1 bra DONE;
            cvta.to.global.u64 %rd1, %rd1;
            cvta.to.global.u64 %rd2, %rd2;
            mul.wide.u32 %rd3, %r5, 4;
            add.s64 %rd4, %rd1, %rd3;
            add.s64 %rd5, %rd2, %rd3;
            ld.global.f32 %f2, [%rd4];
            ld.global.f32 %f3, [%rd5];
            fma.rn.f32 %f4, %f1, %f2, %f3;
            st.global.f32 [%rd5], %f4;
        DONE:
            ret;
        }
        """;

    /// <summary>The same kernel with an operand that names no register: the JIT must reject it.</summary>
    public static string BrokenPtx => Ptx.Replace("fma.rn.f32 %f4, %f1, %f2, %f3;", "fma.rn.f32 %f4, %f1, %f2, %undeclared_register;");

    public static LaunchShape Shape(int n, uint block = 256) => new(new Dim3(((uint)n + block - 1) / block), new Dim3(block));

    [StructLayout(LayoutKind.Sequential)]
    public readonly record struct Args(ulong X, ulong Y, uint N, float A);
}
