using System.CommandLine;
using NativeDance.Cli.Commands;
using NativeDance.Cli.Demo;

var root = new RootCommand("NativeDance: input-aware dynamic pruning of 3D CNNs (DANCE) on its own tensor engine.")
{
    DemoCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    AvaCommand.Create(),
    AapCommand.Create(),
    BenchCommand.Create(),
    GpuCommand.Create(),
    ProfileCommand.Create(),
    ClassifyCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
