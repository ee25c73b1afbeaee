using System.Net.Sockets;

namespace CursorAspire.Proxy.Tests.Infrastructure.Redis;

/// <summary>
/// A real loopback TCP relay in front of a Redis-protocol server that can hold the server's replies: commands still
/// reach the server and run there, but the client hears nothing until <see cref="Release"/>. To the client, a script that
/// outlives its timeout, whose effects are nonetheless in Redis (Garnet has no <c>DEBUG SLEEP</c>).
/// </summary>
internal sealed class ReplyHoldingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _pumps = [];
    private readonly Task _acceptLoop;
    private TaskCompletionSource _open = Opened();

    /// <param name="serverPort">The loopback port of the server relayed to.</param>
    public ReplyHoldingRelay(int serverPort)
    {
        _server = new IPEndPoint(IPAddress.Loopback, serverPort);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    /// <summary>A StackExchange.Redis connection string for the relay.</summary>
    public string ConnectionString => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>From now on, replies wait in the relay until <see cref="Release"/>.</summary>
    public void Hold() => Volatile.Write(ref _open, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Lets every held reply go, and the ones after it.</summary>
    public void Release() => Volatile.Read(ref _open).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
        }
        await _acceptLoop;
        Task[] pumps;
        lock (_sockets)
        {
            pumps = [.. _pumps];
        }
        await Task.WhenAll(pumps);
        _stop.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await server.ConnectAsync(_server, _stop.Token);
                lock (_sockets)
                {
                    _sockets.Add(client);
                    _sockets.Add(server);
                    _pumps.Add(PumpAsync(client, server, holding: false));
                    _pumps.Add(PumpAsync(server, client, holding: true));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool holding)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                if (holding)
                {
                    await Volatile.Read(ref _open).Task.WaitAsync(_stop.Token);
                }
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A side closed, or the relay stopped.
        }
    }
}
