namespace Aspire.Hosting.ApplicationModel;

/// <summary>An Ollama server running as a local process (<c>ollama serve</c>, listening where <c>OLLAMA_HOST</c> says).</summary>
/// <param name="name">The resource name.</param>
/// <param name="command">The Ollama executable (or a compatible stand-in).</param>
/// <param name="workingDirectory">The process's working directory.</param>
public sealed class OllamaExecutableResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IOllamaServerResource
{
    private EndpointReference? _primaryEndpoint;

    /// <inheritdoc />
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, IOllamaServerResource.PrimaryEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)}");
}
