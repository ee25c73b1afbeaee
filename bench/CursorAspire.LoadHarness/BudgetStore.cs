using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CursorAspire.LoadHarness;

/// <summary>
/// A <c>redis-server</c> from PATH on a free loopback port, without persistence, for <c>--budget</c>: the proxy counts
/// its named key's daily budget there, as it does under the AppHost. Stopped (and its folder removed) when disposed.
/// </summary>
public sealed class BudgetStore : IDisposable
{
    /// <summary>The named key's budget: far more than any run spends, so no request is refused.</summary>
    public const long TokensPerDay = 1_000_000_000_000;

    private readonly Process _server;
    private readonly string _directory;

    private BudgetStore(Process server, string directory, int port)
    {
        _server = server;
        _directory = directory;
        ConnectionString = $"127.0.0.1:{port}";
    }

    /// <summary>The proxy's <c>ConnectionStrings:cache</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts <c>redis-server</c> and waits until it answers PING.</summary>
    /// <exception cref="InvalidOperationException">redis-server is not on PATH or did not answer.</exception>
    public static async Task<BudgetStore> StartAsync(CancellationToken cancellationToken)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var directory = Directory.CreateTempSubdirectory("cursoraspire-harness-redis-").FullName;
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory })
        {
            start.ArgumentList.Add(arg);
        }
        Process server;
        try
        {
            server = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"--budget needs redis-server on PATH ({ex.Message}).", ex);
        }
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var store = new BudgetStore(server, directory, port);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (!await AnswersPingAsync(port, deadline.Token).ConfigureAwait(false))
        {
            await Task.Delay(50, deadline.Token).ConfigureAwait(false);
        }
        return store;
    }

    public void Dispose()
    {
        if (!_server.HasExited)
        {
            _server.Kill();
            _server.WaitForExit(5000);
        }
        _server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<bool> AnswersPingAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
