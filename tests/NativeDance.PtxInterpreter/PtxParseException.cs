namespace NativeDance.PtxInterpreter;

/// <summary>PTX outside the supported dialect, or malformed: names the module, the line number and the line's text.</summary>
public sealed class PtxParseException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="moduleName">Module being parsed.</param>
    /// <param name="line">1-based line number.</param>
    /// <param name="lineText">Text of that line.</param>
    /// <param name="reason">What is wrong.</param>
    public PtxParseException(string moduleName, int line, string lineText, string reason)
        : base($"{moduleName}:{line}: {reason}\n    {lineText}")
    {
        ModuleName = moduleName;
        Line = line;
        LineText = lineText;
        Reason = reason;
    }

    /// <summary>Module being parsed.</summary>
    public string ModuleName { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>Text of the offending line.</summary>
    public string LineText { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }
}
