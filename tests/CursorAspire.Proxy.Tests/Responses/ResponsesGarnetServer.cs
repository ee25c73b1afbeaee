using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;

namespace CursorAspire.Proxy.Tests.Responses;

/// <summary>
/// A real Redis-protocol server (Microsoft Garnet) embedded in the test process on a free loopback port: the store
/// behind stored conversations is tested against it, never against a mock of the cache.
/// </summary>
public sealed class ResponsesGarnetServer : IDisposable
{
    private readonly GarnetServer _server;

    public ResponsesGarnetServer()
    {
        Port = FreePort();
        // Small memory settings: other agents' tests may run servers on the same machine at the same time.
        _server = new GarnetServer(
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--lua", "true",
            "--memory", "64m",
            "--page", "1m",
            "--index", "1m",
        ]);
        _server.Start();
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string, e.g. <c>127.0.0.1:50123</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public void Dispose() => _server.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
