namespace Aspire.Hosting.ApplicationModel;

/// <summary>A <c>redis-server</c> process from the machine's PATH, used when no container runtime is available.</summary>
/// <param name="name">The resource name; also the connection string name.</param>
/// <param name="command">The full path of <c>redis-server</c>.</param>
/// <param name="workingDirectory">The process's working directory.</param>
public sealed class RedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The name of the Redis protocol endpoint.</summary>
    public const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The Redis protocol endpoint.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
