using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CursorAspire.AppHost.Cache;

/// <summary>
/// Healthy when the server at the resource's connection string (<c>host:port[,password=…]</c>) accepts the password
/// (<c>AUTH</c> answered <c>+OK</c>) and then answers <c>PING</c> with <c>+PONG</c>: the same login the proxy makes.
/// </summary>
/// <param name="resource">A resource whose connection string is <c>host:port</c>, optionally with <c>,password=…</c>.</param>
internal sealed class RedisPingHealthCheck(IResourceWithConnectionString resource) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{resource.Name} has no connection string yet.");
            var parts = connectionString.Split(',');
            var hostPort = parts[0];
            var password = parts.Skip(1).Select(p => p.Split('=', 2)).FirstOrDefault(kv => kv.Length == 2 && kv[0].Trim().Equals("password", StringComparison.OrdinalIgnoreCase))?[1];
            var colon = hostPort.LastIndexOf(':');
            using var client = new TcpClient();
            await client.ConnectAsync(hostPort[..colon], int.Parse(hostPort[(colon + 1)..], CultureInfo.InvariantCulture), timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();

            // Pipelined: AUTH (when there is a password) and PING, then one reply line each.
            var request = password is null ? Command("PING") : Command("AUTH", password) + Command("PING");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request), timeout.Token).ConfigureAwait(false);
            var replies = await ReadLinesAsync(stream, password is null ? 1 : 2, timeout.Token).ConfigureAwait(false);
            if (password is not null && replies[0] != "+OK")
            {
                return HealthCheckResult.Unhealthy($"{resource.Name} refused the password from its connection string: '{replies[0]}'.");
            }

            var pong = replies[^1];
            return pong.StartsWith("+PONG", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{resource.Name} answered PING with '{pong}'.");
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException or InvalidOperationException or FormatException)
        {
            return HealthCheckResult.Unhealthy($"{resource.Name} did not answer PING: {ex.Message}", ex);
        }
    }

    /// <summary>A command as a RESP array of bulk strings, so any password bytes travel as they are.</summary>
    private static string Command(params string[] parts)
    {
        var text = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>Reads until <paramref name="count"/> CRLF-terminated reply lines have arrived (simple replies and errors are one line).</summary>
    private static async Task<string[]> ReadLinesAsync(NetworkStream stream, int count, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        var buffer = new byte[256];
        while (CountLines(received) < count)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"the connection closed after '{received.ToString().TrimEnd()}'");
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return received.ToString().Split("\r\n")[..count];
    }

    private static int CountLines(StringBuilder text)
    {
        var lines = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i - 1] == '\r' && text[i] == '\n')
            {
                lines++;
            }
        }

        return lines;
    }
}
