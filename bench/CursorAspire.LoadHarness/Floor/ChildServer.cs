using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CursorAspire.LoadHarness.Floor;

/// <summary>
/// An HTTP server in a process of its own on a free loopback port (the proxy's own executable, the bare hop, the peer
/// gateway), so its resident memory is its own. Started by <see cref="StartAsync"/>, which returns once the server
/// answers; disposing it stops the process: by closing its standard input when it stops on that (the bare hop), else by
/// killing it (nothing of it is measured after that).
/// </summary>
public sealed class ChildServer : IAsyncDisposable
{
    private const int KeptOutputLines = 30;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private readonly bool _stopsWhenInputCloses;

    private ChildServer(string name, Process process, ConcurrentQueue<string> output, Uri baseUri, bool stopsWhenInputCloses)
    {
        Name = name;
        _process = process;
        _output = output;
        BaseUri = baseUri;
        _stopsWhenInputCloses = stopsWhenInputCloses;
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>A free TCP port on 127.0.0.1 (free when asked; the child binds it moments later).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Runs <paramref name="assemblyFileName"/>, an application built next to the harness, with the dotnet host that runs
    /// the harness (each application keeps its own runtimeconfig: GC mode, globalization), from the harness's folder.
    /// </summary>
    public static ProcessStartInfo DotnetApplication(string assemblyFileName, IEnumerable<string> arguments)
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(host) { WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assemblyFileName));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    /// <summary>
    /// Starts <paramref name="start"/>, which must listen on 127.0.0.1:<paramref name="port"/>, and polls
    /// <paramref name="readyPath"/> until any HTTP answer comes back. <paramref name="stopsWhenInputCloses"/>: the
    /// process exits by itself when its standard input closes.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process exited, or did not answer within a minute; the message carries its last output.</exception>
    public static async Task<ChildServer> StartAsync(string name, ProcessStartInfo start, int port, string readyPath, bool stopsWhenInputCloses, CancellationToken cancellationToken)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        var output = new ConcurrentQueue<string>();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ChildServer(name, process, output, new Uri($"http://127.0.0.1:{port}/"), stopsWhenInputCloses);
        try
        {
            await server.WaitUntilAnsweringAsync(readyPath, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The process's resident and peak resident bytes (<see cref="ResidentMemory.Read"/>).</summary>
    public (long Resident, long Peak) ReadMemory() => ResidentMemory.Read(ProcessId);

    private async Task WaitUntilAnsweringAsync(string readyPath, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it answered. Its last output:\n{LastOutput()}");
            }
            try
            {
                using var response = await client.GetAsync(new Uri(BaseUri, readyPath), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < ReadyTimeout)
            {
                // Not listening yet: poll again shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new InvalidOperationException($"{Name} did not answer on {BaseUri} within {ReadyTimeout.TotalSeconds:F0} s ({ex.Message}). Its last output:\n{LastOutput()}", ex);
            }
        }
    }

    private string LastOutput() => string.Join('\n', _output);

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }
        output.Enqueue(line);
        while (output.Count > KeptOutputLines && output.TryDequeue(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_process.HasExited)
            {
                return;
            }
            if (_stopsWhenInputCloses)
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException)
                {
                }
            }
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
