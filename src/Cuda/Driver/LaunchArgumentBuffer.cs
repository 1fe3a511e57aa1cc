namespace NativeDance.Cuda.Driver;

/// <summary>
/// The <c>extra</c> array of cuLaunchKernel that hands a kernel its parameters as one byte buffer:
/// { CU_LAUNCH_PARAM_BUFFER_POINTER, &amp;args, CU_LAUNCH_PARAM_BUFFER_SIZE, &amp;size, CU_LAUNCH_PARAM_END }.
/// The buffer is the caller's blittable argument struct as it is: PTX lays <c>.param</c>s out in order, each at its
/// natural alignment, which is exactly how a sequential struct of ulong (pointers), uint/int/float fields is laid out.
/// </summary>
internal static unsafe class LaunchArgumentBuffer
{
    /// <summary>Entries of the <c>extra</c> array.</summary>
    public const int Length = 5;

    private const nint BufferPointer = 0x1, BufferSize = 0x2, End = 0x0;

    /// <summary>Fills <paramref name="extra"/> (<see cref="Length"/> entries, typically on the stack) to describe
    /// <paramref name="args"/>; <paramref name="size"/> receives sizeof(<typeparamref name="TArgs"/>) and must stay
    /// alive until the launch call returns, like <paramref name="args"/>.</summary>
    public static void Describe<TArgs>(TArgs* args, nuint* size, void** extra) where TArgs : unmanaged
    {
        *size = (nuint)sizeof(TArgs);
        extra[0] = (void*)BufferPointer;
        extra[1] = args;
        extra[2] = (void*)BufferSize;
        extra[3] = size;
        extra[4] = (void*)End;
    }
}
