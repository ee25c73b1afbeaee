namespace Aspire.Hosting.ApplicationModel;

/// <summary>Records on the proxy resource which parameter holds its API key.</summary>
/// <param name="Parameter">The secret parameter.</param>
public sealed record ProxyApiKeyAnnotation(ParameterResource Parameter) : IResourceAnnotation;
