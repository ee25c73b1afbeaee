using System.Net.Sockets;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CursorAspire.AppHost.Cache;

/// <summary>Healthy when the server at the resource's <c>host:port</c> connection string answers <c>PING</c> with <c>+PONG</c>.</summary>
/// <param name="resource">A resource whose connection string is <c>host:port</c>.</param>
internal sealed class RedisPingHealthCheck(IResourceWithConnectionString resource) : IHealthCheck
{
    private static readonly byte[] Ping = Encoding.ASCII.GetBytes("*1\r\n$4\r\nPING\r\n");

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{resource.Name} has no connection string yet.");
            var hostPort = connectionString.Split(',')[0];
            var colon = hostPort.LastIndexOf(':');
            using var client = new TcpClient();
            await client.ConnectAsync(hostPort[..colon], int.Parse(hostPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(Ping, timeout.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            return reply.StartsWith("+PONG", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{resource.Name} answered PING with '{reply.TrimEnd()}'.");
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException or InvalidOperationException or FormatException)
        {
            return HealthCheckResult.Unhealthy($"{resource.Name} did not answer PING: {ex.Message}", ex);
        }
    }
}
