namespace NativeDance.Cli.Commands;

/// <summary>
/// A single status line redrawn in place on a terminal; where output is redirected (CI logs) it prints a line at
/// most every few seconds instead, so logs stay readable.
/// </summary>
internal sealed class ProgressLine
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private DateTime _lastLog = DateTime.MinValue;
    private int _width;

    public void Update(string text)
    {
        if (_interactive)
        {
            Console.Write($"\r{text.PadRight(_width)}");
            _width = text.Length;
        }
        else if (DateTime.UtcNow - _lastLog >= LogInterval)
        {
            Console.WriteLine(text);
            _lastLog = DateTime.UtcNow;
        }
    }

    public void Clear()
    {
        if (!_interactive || _width == 0) return;
        Console.Write($"\r{new string(' ', _width)}\r");
        _width = 0;
    }
}
