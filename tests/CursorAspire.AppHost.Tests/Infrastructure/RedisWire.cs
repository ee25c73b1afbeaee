using System.Net.Sockets;

namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>Speaks the Redis protocol on a bare socket, so a test sees exactly what a client without a password gets.</summary>
internal static class RedisWire
{
    /// <summary>
    /// Connects to the <c>host:port</c> at the start of <paramref name="connectionString"/>, ignoring any password in
    /// it, sends <paramref name="command"/> without authenticating, and returns the first reply line (e.g.
    /// <c>-NOAUTH Authentication required.</c>).
    /// </summary>
    public static async Task<string> SendWithoutPasswordAsync(string connectionString, CancellationToken cancellationToken, params string[] command)
    {
        var hostPort = connectionString.Split(',')[0];
        var colon = hostPort.LastIndexOf(':');
        using var client = new TcpClient();
        await client.ConnectAsync(hostPort[..colon], int.Parse(hostPort[(colon + 1)..], CultureInfo.InvariantCulture), cancellationToken);
        var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var part in command)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);
        var reply = new StringBuilder();
        var buffer = new byte[256];
        while (!reply.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            reply.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return reply.ToString().Split("\r\n")[0];
    }
}
