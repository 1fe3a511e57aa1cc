namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>A problem in one statement; the module parser adds the module name, line number and line text.</summary>
internal sealed class PtxSyntaxError(string message) : Exception(message);
