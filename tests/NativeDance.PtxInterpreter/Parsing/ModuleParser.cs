using System.Globalization;
using System.Text.RegularExpressions;
using NativeDance.Cuda;
using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>
/// Parses a PTX module: the .version / .target / .address_size header and every .entry with its parameters, performance
/// directives (.reqntid, .maxntid, .minnctapersm, .maxnreg) and body.
/// </summary>
internal static partial class ModuleParser
{
    /// <summary>The decoded entries of <paramref name="ptx"/>, in declaration order.</summary>
    public static List<KernelProgram> Parse(string ptx, string moduleName)
    {
        string[] lines = SourceReader.Lines(ptx);
        Exception Error(int line, string message)
        {
            int index = Math.Clamp(line, 1, lines.Length);
            return new PtxParseException(moduleName, index, lines[index - 1], message);
        }

        var statements = SourceReader.Read(ptx, Error);
        var kernels = new List<KernelProgram>();
        var moduleVariables = new List<Statement>();
        bool sawVersion = false, sawTarget = false;
        EntryBuilder? entry = null;
        int depth = 0;
        for (int i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            try
            {
                if (entry is null)
                {
                    if (statement.Kind != StatementKind.Text)
                    {
                        throw new PtxSyntaxError($"'{statement.Text}' outside an entry");
                    }

                    if (IsEntryHeader(statement.Text))
                    {
                        if (i + 1 >= statements.Count || statements[i + 1].Kind != StatementKind.Open)
                        {
                            throw new PtxSyntaxError("entry header without a '{' body (declarations without a body are not supported)");
                        }

                        entry = Header(statement.Text, moduleName, lines);
                        if (kernels.Exists(k => k.Name == entry.Name))
                        {
                            throw new PtxSyntaxError($"entry '{entry.Name}' is defined twice");
                        }

                        foreach (var variable in moduleVariables)
                        {
                            try
                            {
                                entry.Add(variable.Text, variable.Line);
                            }
                            catch (PtxSyntaxError syntax)
                            {
                                throw Error(variable.Line, syntax.Message);
                            }
                        }

                        i++;
                        depth = 1;
                    }
                    else if (IsSharedDeclaration(statement.Text))
                    {
                        moduleVariables.Add(statement);
                    }
                    else
                    {
                        Directive(statement.Text, ref sawVersion, ref sawTarget);
                    }

                    continue;
                }

                switch (statement.Kind)
                {
                    case StatementKind.Open:
                        depth++;
                        break;
                    case StatementKind.Close when --depth == 0:
                        kernels.Add(entry.Build(statement.Line, Error));
                        entry = null;
                        break;
                    case StatementKind.Close:
                        break;
                    case StatementKind.Label:
                        entry.AddLabel(statement.Text);
                        break;
                    default:
                        entry.Add(statement.Text, statement.Line);
                        break;
                }
            }
            catch (PtxSyntaxError syntax)
            {
                throw Error(statement.Line, syntax.Message);
            }
        }

        if (entry is not null)
        {
            throw Error(lines.Length, $"entry '{entry.Name}' is not closed by '}}'");
        }

        if (!sawVersion || !sawTarget)
        {
            throw Error(1, "the module needs .version and .target directives");
        }

        return kernels;
    }

    /// <summary>Module-scope .shared and .extern .shared variables; every later entry sees them (as its own per-block copy).</summary>
    private static bool IsSharedDeclaration(string text) =>
        text.StartsWith(".shared", StringComparison.Ordinal) || text.StartsWith(".extern .shared", StringComparison.Ordinal);

    private static bool IsEntryHeader(string text) => EntryHeader().IsMatch(text) || text.StartsWith(".entry", StringComparison.Ordinal);

    private static void Directive(string text, ref bool sawVersion, ref bool sawTarget)
    {
        string[] words = text.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string argument = words.Length > 1 ? words[1] : "";
        switch (words[0])
        {
            case ".version" when VersionNumber().IsMatch(argument):
                sawVersion = true;
                break;
            case ".target" when argument.StartsWith("sm_", StringComparison.Ordinal):
                sawTarget = true;
                break;
            case ".address_size" when argument == "64":
                break;
            case ".address_size":
                throw new PtxSyntaxError("only .address_size 64 is supported");
            default:
                throw new PtxSyntaxError($"'{words[0]}' at module scope is outside the supported PTX dialect (.version, .target, .address_size and .entry only)");
        }
    }

    private static EntryBuilder Header(string text, string moduleName, string[] lines)
    {
        var match = EntryHeader().Match(text);
        if (!match.Success)
        {
            throw new PtxSyntaxError("entry header must be '.visible .entry name(.param .type name, ...)'");
        }

        var parameters = new List<PtxParameter>();
        int offset = 0;
        string list = match.Groups[2].Value.Trim();
        foreach (string declaration in list.Length == 0 ? [] : list.Split(',', StringSplitOptions.TrimEntries))
        {
            var parameter = ParameterDeclaration().Match(declaration);
            var type = parameter.Success ? PtxTypes.Parse(parameter.Groups[1].Value) : PtxType.None;
            if (type is PtxType.None or PtxType.Pred)
            {
                throw new PtxSyntaxError($"parameter '{declaration}' must be '.param .type name' with a scalar type (.u64 for pointers)");
            }

            int size = type.Size();
            offset = (offset + size - 1) / size * size;
            parameters.Add(new PtxParameter(parameter.Groups[2].Value, type.Name(), offset, size));
            offset += size;
        }

        Dim3? required = null;
        ulong maxThreads = 0;
        foreach (Match directive in PerformanceDirective().Matches(match.Groups[3].Value))
        {
            uint[] values = directive.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries)
                .Select(v => uint.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var extent = new Dim3(values[0], values.Length > 1 ? values[1] : 1, values.Length > 2 ? values[2] : 1);
            switch (directive.Groups[1].Value)
            {
                case "reqntid":
                    required = extent;
                    break;
                case "maxntid":
                    maxThreads = extent.Count;
                    break;
            }
        }

        if (PerformanceDirective().Replace(match.Groups[3].Value, "").Trim().Length > 0)
        {
            throw new PtxSyntaxError("after the parameter list only .reqntid, .maxntid, .minnctapersm and .maxnreg are supported");
        }

        return new EntryBuilder(moduleName, match.Groups[1].Value, lines, [.. parameters], required, maxThreads);
    }

    [GeneratedRegex(@"^(?:\.visible\s+)?\.entry\s+([A-Za-z_$][\w$]*)\s*\((.*)\)\s*(.*)$", RegexOptions.Singleline)]
    private static partial Regex EntryHeader();

    [GeneratedRegex(@"^\.param\s+\.(\w+)\s+(?:\.ptr\s+(?:\.(?:global|shared|const|local)\s+)?(?:\.align\s+\d+\s+)?)?([A-Za-z_$][\w$]*)$")]
    private static partial Regex ParameterDeclaration();

    [GeneratedRegex(@"\.(reqntid|maxntid|minnctapersm|maxnreg)\s+(\d+(?:\s*,\s*\d+)*)")]
    private static partial Regex PerformanceDirective();

    [GeneratedRegex(@"^\d+\.\d+$")]
    private static partial Regex VersionNumber();
}
