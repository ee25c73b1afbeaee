namespace Aspire.Hosting.ApplicationModel;

/// <summary>An Ollama server running as a container (<c>ollama/ollama</c>).</summary>
/// <param name="name">The resource name.</param>
public sealed class OllamaResource(string name) : ContainerResource(name), IOllamaServerResource
{
    private EndpointReference? _primaryEndpoint;

    /// <inheritdoc />
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, IOllamaServerResource.PrimaryEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)}");
}
