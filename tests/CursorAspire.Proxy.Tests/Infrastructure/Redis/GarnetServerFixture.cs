using System.Net.Sockets;
using Garnet;

namespace CursorAspire.Proxy.Tests.Infrastructure.Redis;

/// <summary>
/// A real Redis-protocol server (Microsoft Garnet) embedded in the test process on a free loopback port.
/// Use it as an xunit class fixture for shared use, or create one per test (<see cref="StartNew"/>) when the test
/// stops it (<see cref="Stop"/>) to simulate an outage and maybe brings it back (<see cref="Start"/>) on the same port.
/// </summary>
public sealed class GarnetServerFixture : IAsyncLifetime, IDisposable
{
    private readonly Lock _gate = new();
    private GarnetServer? _server;

    /// <summary>Chooses a free port; the server starts in <see cref="InitializeAsync"/> or <see cref="Start"/>.</summary>
    public GarnetServerFixture()
    {
        Port = GetFreeLoopbackPort();
    }

    /// <summary>The loopback port the server listens on (stable across <see cref="Stop"/>/<see cref="Start"/>).</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for the server, e.g. <c>127.0.0.1:50123</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// <see cref="ConnectionString"/> for a server a test will stop: one short connection attempt, no retries, so the
    /// proxy notices the outage at once.
    /// </summary>
    public string FailFastConnectionString => ConnectionString + ",connectTimeout=500,connectRetry=0";

    /// <summary>Whether the server is currently listening.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _server is not null;
            }
        }
    }

    /// <summary>Creates a fixture and starts its server.</summary>
    public static GarnetServerFixture StartNew()
    {
        var fixture = new GarnetServerFixture();
        fixture.Start();
        return fixture;
    }

    /// <summary>Starts the server (no-op if running).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_server is not null)
            {
                return;
            }

            // Small memory settings: several servers may run at once on a shared build machine.
            var server = new GarnetServer(
            [
                "--port", Port.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--lua", "true",
                // Scripts run alone, as in Redis: admission checks and reserves a budget in one step.
                "--lua-transaction-mode", "true",
                "--memory", "64m",
                "--page", "1m",
                "--index", "1m",
            ]);
            server.Start();
            _server = server;
        }
    }

    /// <summary>Stops the server, closing its listener and client connections (no-op if stopped).</summary>
    public void Stop()
    {
        GarnetServer? server;
        lock (_gate)
        {
            server = _server;
            _server = null;
        }

        server?.Dispose();
    }

    /// <inheritdoc />
    public Task InitializeAsync()
    {
        Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => Stop();

    private static int GetFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
