using System.Runtime.InteropServices;
using NativeDance.Cuda;
using NativeDance.PtxInterpreter;

namespace NativeDance.Tests.Cuda.Interpreter;

/// <summary>The hand-written PTX test programs (Programs/*.ptx, copied next to the test assembly), parsed once each.</summary>
internal static class TestPrograms
{
    private static readonly Dictionary<string, PtxModule> Modules = [];

    /// <summary>The kernel <paramref name="entry"/> of Programs/<paramref name="module"/>.ptx.</summary>
    public static PtxKernel Kernel(string module, string entry)
    {
        lock (Modules)
        {
            if (!Modules.TryGetValue(module, out var parsed))
            {
                string path = Path.Combine(AppContext.BaseDirectory, "Cuda", "Interpreter", "Programs", module + ".ptx");
                parsed = PtxModule.Parse(File.ReadAllText(path), module);
                Modules.Add(module, parsed);
            }

            return parsed.Kernel(entry);
        }
    }

    /// <summary>A 1D launch of <paramref name="threads"/> threads in blocks of <paramref name="block"/>.</summary>
    public static LaunchShape Linear(int threads, int block, uint dynamicSharedBytes = 0) =>
        new(new Dim3((uint)((threads + block - 1) / block)), new Dim3((uint)block), dynamicSharedBytes);
}

/// <summary>Arguments of saxpy / saxpy_off_by_one.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct SaxpyArgs(ulong X, ulong Y, uint N, float A);

/// <summary>Arguments of kernels taking an input, an output and a count. Pack = 4 (here and below) leaves out the tail
/// padding: the driver takes a buffer exactly as long as the parameters.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct InOutCountArgs(ulong X, ulong Out, uint N);

/// <summary>Arguments of kernels taking an input and an output.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct InOutArgs(ulong X, ulong Out);

/// <summary>Arguments of kernels taking two inputs, an output and a count.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct BinaryArgs(ulong A, ulong B, ulong Out, uint N);

/// <summary>Arguments of scale_v4.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct ScaleV4Args(ulong X, ulong Y, ulong Offset, uint N, float Scale);

/// <summary>Arguments of matmul.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct MatmulArgs(ulong A, ulong B, ulong C, uint M, uint N, uint K);

/// <summary>Arguments of exit_before_barrier.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct OutLimitArgs(ulong Out, uint Limit);
