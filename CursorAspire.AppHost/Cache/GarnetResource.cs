using System.Globalization;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Microsoft Garnet, a Redis-compatible server, run inside the AppHost process on a loopback port. The fallback when
/// neither a container runtime nor <c>redis-server</c> is available, so the proxy still has a real distributed cache.
/// Like a Redis container it requires a password; its connection string is <c>127.0.0.1:port,password=…</c>.
/// </summary>
/// <param name="name">The resource name; also the connection string name.</param>
/// <param name="port">The loopback port it listens on, chosen while the model is built.</param>
/// <param name="password">The secret parameter holding the password clients must give.</param>
public sealed class GarnetResource(string name, int port, ParameterResource password) : Resource(name), IResourceWithConnectionString
{
    /// <summary>The loopback port Garnet listens on.</summary>
    public int Port { get; } = port;

    /// <summary>The address Garnet binds to.</summary>
    public const string Host = "127.0.0.1";

    /// <summary>The password clients must give (<c>AUTH</c>): a secret parameter, generated once and kept in user secrets.</summary>
    public ParameterResource PasswordParameter { get; } = password ?? throw new ArgumentNullException(nameof(password));

    /// <summary>Where it keeps its checkpoints, append-only log and what does not fit in memory: deleting the folder wipes the cache.</summary>
    public string DataPath { get; init; } = string.Empty;

    /// <summary>The most memory its data may take in memory (<c>--memory</c>), e.g. <c>512mb</c>.</summary>
    public string MaxMemory { get; init; } = CacheOptions.DefaultMaxMemory;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Host}:{Port.ToString(CultureInfo.InvariantCulture)},password={PasswordParameter}");
}
