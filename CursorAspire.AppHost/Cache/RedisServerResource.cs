using CursorAspire.AppHost.Cache;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A <c>redis-server</c> process from the machine's PATH, used when no container runtime is available. Like a Redis
/// container it requires a password; its connection string is <c>host:port,password=…</c>.
/// </summary>
/// <param name="name">The resource name; also the connection string name.</param>
/// <param name="command">The full path of <c>redis-server</c>.</param>
/// <param name="workingDirectory">The process's working directory.</param>
/// <param name="password">The secret parameter holding the password clients must give.</param>
public sealed class RedisServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The name of the Redis protocol endpoint.</summary>
    public const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The Redis protocol endpoint.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>The password clients must give (<c>AUTH</c>): a secret parameter, generated once and kept in user secrets.</summary>
    public ParameterResource PasswordParameter { get; } = password ?? throw new ArgumentNullException(nameof(password));

    /// <summary>The private configuration file that hands <c>redis-server</c> its password, never its command line.</summary>
    internal RedisServerConfigFile ConfigFile { get; } = new(name);

    /// <summary>Where it keeps its append-only file (<c>--dir</c>): deleting the folder wipes the cache.</summary>
    public string DataPath { get; init; } = string.Empty;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");
}
