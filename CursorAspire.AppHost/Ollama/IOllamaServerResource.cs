namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// An Ollama server, whichever way it runs (container or local <c>ollama serve</c>). Its connection string is
/// <c>Endpoint=http://host:port</c>, the form the proxy and OllamaSharp-based clients read.
/// </summary>
public interface IOllamaServerResource : IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>The name of the HTTP endpoint Ollama's API listens on.</summary>
    const string PrimaryEndpointName = "http";

    /// <summary>The HTTP endpoint Ollama's API listens on.</summary>
    EndpointReference PrimaryEndpoint { get; }
}
