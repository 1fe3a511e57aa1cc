using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;

namespace NativeDance.Cli.Commands;

/// <summary>Prints what every gate of a gated evaluation kept: frames, channels, features and the conv's MAC share.</summary>
internal static class GateTable
{
    public static void Print(IGatedNetwork network, GatedEvaluation evaluation)
    {
        Console.WriteLine($"{"gated conv",-22} {"frames",7} {"channels",9} {"features",9} {"MACs",6}");
        foreach (var g in evaluation.Gates)
            Console.WriteLine($"{network.Gates[g.Gate].ConvName,-22} {g.Frames,7:P0} {g.Channels,9:P0} {g.Features,9:P0} {g.Macs,6:P0}");
    }
}
