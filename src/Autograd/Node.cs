using NativeDance.Tensors;

namespace NativeDance.Autograd;

/// <summary>
/// Given the gradient of an operation's output, returns the gradient for each input (null where an input needs
/// none). Returned tensors belong to the caller: new tensors or views, never the incoming gradient object itself.
/// </summary>
public delegate Tensor?[] BackwardFunction(Tensor gradOutput);

/// <summary>The record of one operation in the graph: its name, inputs and vector-Jacobian product.</summary>
internal sealed class Node(string operation, Variable[] inputs, BackwardFunction backward)
{
    public string Operation { get; } = operation;
    public Variable[] Inputs { get; } = inputs;
    public BackwardFunction Backward { get; } = backward;
}
