using NativeDance.Cuda;
using NativeDance.PtxInterpreter;

namespace NativeDance.Tests.Cuda.Interpreter;

/// <summary>The parser: syntax variants of the dialect, parameter layout, launch-shape directives, module-scope errors.</summary>
public sealed class InterpreterParserTests
{
    [Fact]
    public void SyntaxVariantsDecodeToTheSameProgram()
    {
        var kernel = TestPrograms.Kernel("syntax", "syntax_mix");
        var device = new PtxDevice();
        ulong output = device.Allocate(8 * sizeof(uint));

        device.Launch(kernel, TestPrograms.Linear(8, 8), output);

        Assert.Equal(Enumerable.Range(30, 8).Select(v => (uint)v), device.Download<uint>(output, 8));
        Assert.Equal(34, kernel.InstructionCount);
        Assert.Equal(8 * 32, device.LastLaunch!.Instructions);
        Assert.Equal(1, device.LastLaunch.Blocks);
        Assert.Equal(8, device.LastLaunch.Threads);
    }

    [Fact]
    public void MaxntidLimitsTheBlock()
    {
        var device = new PtxDevice();
        ulong output = device.Allocate(16 * sizeof(uint));

        var error = Assert.Throws<ArgumentException>(() => device.Launch(TestPrograms.Kernel("syntax", "syntax_mix"), TestPrograms.Linear(16, 16), output));

        Assert.Contains(".maxntid of 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParametersSitAtNaturalAlignmentAndTheBufferEndsAtTheLastOne()
    {
        var saxpy = TestPrograms.Kernel("saxpy", "saxpy");
        var blockSum = TestPrograms.Kernel("collectives", "block_sum");

        Assert.Equal([0, 8, 16, 20], saxpy.Parameters.Select(p => p.Offset));
        Assert.Equal(["u64", "u64", "u32", "f32"], saxpy.Parameters.Select(p => p.Type));
        Assert.Equal(System.Runtime.CompilerServices.Unsafe.SizeOf<SaxpyArgs>(), saxpy.ParameterBytes);
        Assert.Equal(System.Runtime.CompilerServices.Unsafe.SizeOf<InOutCountArgs>(), blockSum.ParameterBytes);
        Assert.Equal(20, blockSum.ParameterBytes);
        Assert.Equal(512, blockSum.StaticSharedBytes);
    }

    [Fact]
    public void ModuleScopeDeclarationsOutsideTheDialectNameTheirLine()
    {
        const string ptx = """
            .version 7.8
            .target sm_80
            .address_size 64
            .global .align 4 .u32 module_counter;

            .visible .entry uses_global(
                .param .u64 uses_global_out
            )
            {
                ret;
            }
            """;

        var error = Assert.Throws<PtxParseException>(() => PtxModule.Parse(ptx, "globals.ptx"));

        Assert.Equal(4, error.Line);
        Assert.Equal(".global .align 4 .u32 module_counter;", error.LineText);
        Assert.Contains("'.global' at module scope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALaunchShapeWithAnEmptyExtentIsRejected()
    {
        var device = new PtxDevice();
        var shape = new LaunchShape(new Dim3(0), new Dim3(32));

        var error = Assert.Throws<ArgumentException>(() => device.Launch(TestPrograms.Kernel("faults", "shared_rotate"), shape, 0UL));

        Assert.Contains("every extent >= 1", error.Message, StringComparison.Ordinal);
    }
}
