namespace NativeDance.PtxInterpreter;

/// <summary>One .param of an entry: where its value sits in the argument struct the host passes.</summary>
/// <param name="Name">Parameter name as declared.</param>
/// <param name="Type">PTX type without the dot ("u64", "s32", "f32").</param>
/// <param name="Offset">Byte offset in the parameter buffer (natural alignment, in declaration order).</param>
/// <param name="Size">Bytes of the value.</param>
public sealed record PtxParameter(string Name, string Type, int Offset, int Size);
