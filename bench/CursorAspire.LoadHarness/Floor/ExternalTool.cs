using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace CursorAspire.LoadHarness.Floor;

/// <summary>Runs a command to its end (<c>node --version</c>, <c>npm install</c>) and returns its exit code and output.</summary>
public static class ExternalTool
{
    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/>; <see langword="null"/> when no such program
    /// is on the PATH. The process is killed when <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task<(int ExitCode, string Output)?> RunAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (Win32Exception)
        {
            return null;
        }
        using (process)
        {
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                // Returns once the process has exited and both redirected streams are read to their end.
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return (-1, $"{fileName} did not finish within {timeout.TotalSeconds:F0} s and was stopped. {output}");
            }
            lock (output)
            {
                return (process.ExitCode, output.ToString().Trim());
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
