using System.Text;

namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>What a <see cref="Statement"/> is.</summary>
internal enum StatementKind { Text, Label, Open, Close }

/// <summary>One statement of a PTX source: text without comments and its terminator, a label, or a scope brace.</summary>
/// <param name="Text">Statement text (label name for labels), whitespace collapsed at line breaks.</param>
/// <param name="Line">1-based line where the statement starts.</param>
/// <param name="Kind">Statement kind.</param>
internal readonly record struct Statement(string Text, int Line, StatementKind Kind);

/// <summary>
/// Splits PTX source into statements: strips // and /* */ comments, ends statements at ';' (the header directives at their line's end), splits off labels ("L:") and
/// scope braces. A '{' opens a scope when it starts a statement or follows a directive (an entry header); elsewhere it
/// opens a vector operand ({%f1, %f2}).
/// </summary>
internal static class SourceReader
{
    /// <summary>The statements of <paramref name="ptx"/> in order.</summary>
    public static List<Statement> Read(string ptx, Func<int, string, Exception> error)
    {
        var statements = new List<Statement>();
        var text = new StringBuilder();
        int line = 1, startLine = 0, vectorDepth = 0;

        void Emit(StatementKind kind = StatementKind.Text)
        {
            string statement = text.ToString().Trim();
            if (statement.Length > 0)
            {
                statements.Add(new Statement(statement, startLine, kind));
            }

            text.Clear();
            startLine = 0;
        }

        for (int i = 0; i < ptx.Length; i++)
        {
            char c = ptx[i];
            if (c == '/' && i + 1 < ptx.Length && ptx[i + 1] == '/')
            {
                while (i + 1 < ptx.Length && ptx[i + 1] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (c == '/' && i + 1 < ptx.Length && ptx[i + 1] == '*')
            {
                int end = ptx.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw error(line, "unterminated /* comment");
                }

                line += ptx.AsSpan(i, end - i).Count('\n');
                i = end + 1;
                text.Append(' ');
                continue;
            }

            switch (c)
            {
                case '\n':
                    if (EndsAtLineBreak(text))
                    {
                        Emit();
                    }

                    line++;
                    text.Append(' ');
                    continue;
                case ';':
                    if (vectorDepth > 0)
                    {
                        throw error(startLine, "';' inside a vector operand");
                    }

                    Emit();
                    continue;
                case '{' when vectorDepth == 0 && OpensScope(text):
                    Emit();
                    statements.Add(new Statement("{", line, StatementKind.Open));
                    continue;
                case '{':
                    vectorDepth++;
                    break;
                case '}' when vectorDepth > 0:
                    vectorDepth--;
                    break;
                case '}':
                    if (text.ToString().Trim().Length > 0)
                    {
                        throw error(startLine, "statement not terminated by ';'");
                    }

                    statements.Add(new Statement("}", line, StatementKind.Close));
                    continue;
                case ':' when vectorDepth == 0 && IsLabel(text, ptx, i):
                    Emit(StatementKind.Label);
                    continue;
            }

            if (startLine == 0 && !char.IsWhiteSpace(c))
            {
                startLine = line;
            }

            text.Append(c);
        }

        if (text.ToString().Trim().Length > 0)
        {
            throw error(startLine, "statement not terminated by ';'");
        }

        return statements;
    }

    /// <summary>The source lines, trimmed, indexed by line number - 1.</summary>
    public static string[] Lines(string ptx) => ptx.Split('\n').Select(l => l.Trim()).ToArray();

    /// <summary>The module header directives take no ';': they end with their line.</summary>
    private static bool EndsAtLineBreak(StringBuilder text)
    {
        string pending = text.ToString().TrimStart();
        return pending.StartsWith(".version", StringComparison.Ordinal) || pending.StartsWith(".target", StringComparison.Ordinal)
            || pending.StartsWith(".address_size", StringComparison.Ordinal);
    }

    private static bool OpensScope(StringBuilder text)
    {
        string pending = text.ToString().Trim();
        return pending.Length == 0 || pending[0] == '.';
    }

    /// <summary>A ':' ends a label when everything before it in the statement is one identifier and it is not part of "::".</summary>
    private static bool IsLabel(StringBuilder text, string ptx, int colon)
    {
        if ((colon + 1 < ptx.Length && ptx[colon + 1] == ':') || (colon > 0 && ptx[colon - 1] == ':'))
        {
            return false;
        }

        string pending = text.ToString().Trim();
        return pending.Length > 0 && pending.All(ch => char.IsLetterOrDigit(ch) || ch is '_' or '$' or '.');
    }
}
