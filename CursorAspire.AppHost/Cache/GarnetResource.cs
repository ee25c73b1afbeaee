namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Microsoft Garnet, a Redis-compatible server, run inside the AppHost process on a loopback port. The fallback when
/// neither a container runtime nor <c>redis-server</c> is available, so the proxy still has a real distributed cache.
/// Its connection string is <c>127.0.0.1:port</c>, exactly like a Redis resource's.
/// </summary>
/// <param name="name">The resource name; also the connection string name.</param>
/// <param name="port">The loopback port it listens on, chosen while the model is built.</param>
public sealed class GarnetResource(string name, int port) : Resource(name), IResourceWithConnectionString
{
    /// <summary>The loopback port Garnet listens on.</summary>
    public int Port { get; } = port;

    /// <summary>The address Garnet binds to.</summary>
    public const string Host = "127.0.0.1";

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Host}:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}
