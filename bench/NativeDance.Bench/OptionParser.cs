using System.Globalization;

namespace NativeDance.Bench;

/// <summary>
/// The <c>--name value</c> and <c>--flag</c> arguments of a benchmark command: its options class declares each option
/// with a handler, then <see cref="Parse"/> walks the arguments in order. A value option given as the last argument (no
/// value after it) counts as unknown. <c>--help</c> or <c>-h</c> prints the usage; an unknown option, or a value a
/// handler rejects, prints the handler's message and the usage to stderr.
/// </summary>
/// <param name="usage">The command's usage text.</param>
internal sealed class OptionParser(string usage)
{
    private readonly Dictionary<string, Func<string, string?>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Action> _flags = new(StringComparer.Ordinal);
    private List<string>? _others;

    /// <summary>Declares <c>NAME VALUE</c>, any text.</summary>
    public OptionParser Text(string name, Action<string> set) => Checked(name, value =>
    {
        set(value);
        return null;
    });

    /// <summary>Declares <c>NAME N</c> with N a positive integer.</summary>
    public OptionParser Positive(string name, Action<int> set) => Checked(name, value =>
    {
        if (PositiveInt(value) is not { } n) return $"{name} takes a positive number, got '{value}'.";
        set(n);
        return null;
    });

    /// <summary>Declares <c>NAME VALUE</c> whose handler returns null when it takes the value, else why not.</summary>
    public OptionParser Checked(string name, Func<string, string?> take)
    {
        _values.Add(name, take);
        return this;
    }

    /// <summary>Declares <c>NAME</c> without a value.</summary>
    public OptionParser Flag(string name, Action set)
    {
        _flags.Add(name, set);
        return this;
    }

    /// <summary>
    /// Hands every argument not declared here to <paramref name="others"/> in order, <c>--help</c> included, instead of
    /// rejecting it: for a command whose remaining options belong to another program.
    /// </summary>
    public OptionParser PassOthersTo(List<string> others)
    {
        _others = others;
        return this;
    }

    /// <summary>Runs the handlers over <paramref name="args"/>; false (after printing the usage, and why) when the command should not run.</summary>
    public bool Parse(ReadOnlySpan<string> args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (_flags.TryGetValue(arg, out var flag))
            {
                flag();
            }
            else if (i + 1 < args.Length && _values.TryGetValue(arg, out var take))
            {
                if (take(args[++i]) is { } error)
                {
                    Fail(error);
                    return false;
                }
            }
            else if (_others is not null)
            {
                _others.Add(arg);
            }
            else if (arg is "--help" or "-h")
            {
                Console.WriteLine(usage);
                return false;
            }
            else
            {
                Fail($"Unknown option '{arg}'.");
                return false;
            }
        }
        return true;
    }

    /// <summary>Prints <paramref name="message"/> and the usage to stderr: for a check across options after <see cref="Parse"/>.</summary>
    public void Fail(string message) => Console.Error.WriteLine($"{message}\n{usage}");

    /// <summary>The comma-separated items of <paramref name="text"/>, trimmed, empty ones dropped.</summary>
    public static List<string> List(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary><paramref name="text"/> as a positive integer, or null.</summary>
    public static int? PositiveInt(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : null;
}
