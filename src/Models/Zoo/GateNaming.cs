using NativeDance.Models.Layers;
using NativeDance.Models.Modules;

namespace NativeDance.Models.Zoo;

/// <summary>Numbers a network's gates and names each after the dotted name of the conv it controls.</summary>
internal static class GateNaming
{
    public static void Assign(Module network, IReadOnlyList<ActivationGate> gates)
    {
        var names = network.NamedParameters().ToDictionary(p => (object)p.Parameter, p => p.Name, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < gates.Count; i++)
        {
            gates[i].Index = i;
            string weight = names[gates[i].Conv.Weight];
            gates[i].ConvName = weight[..^".weight".Length];
        }
    }
}
