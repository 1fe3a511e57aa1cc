using System.Diagnostics;
using System.Globalization;

namespace NativeDance.Data.Video;

/// <summary>
/// Runs one ffmpeg or ffprobe invocation for a clip source: stdout is read by the caller, stderr is drained in the
/// background (last lines kept for the error message), the process is killed when the timeout passes, and every
/// failure (start, timeout, non-zero exit) becomes a <see cref="ClipReadException"/> naming the source.
/// </summary>
internal sealed class FfmpegProcess : IDisposable
{
    private const int KeptErrorLines = 6;
    private readonly Process _process;
    private readonly string _sourcePath;
    private readonly Queue<string> _errorLines = new();
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenRegistration _kill;

    private FfmpegProcess(Process process, string sourcePath, TimeSpan timeout)
    {
        _process = process;
        _sourcePath = sourcePath;
        _timeout = new CancellationTokenSource(timeout);
        _kill = _timeout.Token.Register(KillQuietly);
    }

    /// <summary>The process's standard output.</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/>, feeding <paramref name="input"/> to stdin if given.</summary>
    public static FfmpegProcess Start(string executable, IEnumerable<string> arguments, string sourcePath, TimeSpan timeout, string? input = null)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new ClipReadException(sourcePath, $"could not start {executable}: {e.Message}", e);
        }
        var run = new FfmpegProcess(process, sourcePath, timeout);
        process.ErrorDataReceived += run.OnErrorLine;
        process.BeginErrorReadLine();
        if (input is not null)
        {
            // ffmpeg reads its whole input list before writing any frame, so writing it here cannot deadlock.
            try
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // ffmpeg quit before reading its input; Finish reports the exit code and its error lines.
            }
        }
        return run;
    }

    /// <summary>Discards what is left on stdout, waits for the exit and throws if the run timed out or failed.</summary>
    /// <exception cref="ClipReadException">The process was killed for the timeout or exited with a non-zero code.</exception>
    public void Finish()
    {
        Output.CopyTo(Stream.Null);
        _process.WaitForExit();
        if (_timeout.IsCancellationRequested)
            throw Fail($"{Path.GetFileName(_process.StartInfo.FileName)} did not finish within the decode timeout");
        if (_process.ExitCode != 0)
            throw Fail($"{Path.GetFileName(_process.StartInfo.FileName)} exited with code {_process.ExitCode.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A <see cref="ClipReadException"/> for this source with <paramref name="detail"/> and ffmpeg's last error lines.</summary>
    public ClipReadException Fail(string detail)
    {
        string errors;
        lock (_errorLines) errors = string.Join(" | ", _errorLines);
        return new ClipReadException(_sourcePath, errors.Length > 0 ? $"{detail}: {errors}" : detail);
    }

    /// <summary>Kills the process if it still runs and releases it.</summary>
    public void Dispose()
    {
        _kill.Dispose();
        KillQuietly();
        _timeout.Dispose();
        _process.Dispose();
    }

    private void OnErrorLine(object sender, DataReceivedEventArgs e)
    {
        if (string.IsNullOrWhiteSpace(e.Data)) return;
        lock (_errorLines)
        {
            _errorLines.Enqueue(e.Data.Trim());
            if (_errorLines.Count > KeptErrorLines) _errorLines.Dequeue();
        }
    }

    private void KillQuietly()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited or never started: nothing to stop.
        }
    }
}
