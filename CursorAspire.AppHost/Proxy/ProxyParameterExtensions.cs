namespace Aspire.Hosting;

/// <summary>The AppHost parameters the proxy needs.</summary>
public static class ProxyParameterExtensions
{
    /// <summary>The parameter holding the key Cursor must send.</summary>
    public const string ApiKeyParameterName = "proxy-api-key";

    /// <summary>
    /// Adds the secret <c>proxy-api-key</c> parameter. If the user set none (<c>Parameters:proxy-api-key</c>), a random
    /// 40-character key is generated on first run and saved to the AppHost's user secrets, so it stays the same
    /// across runs and Cursor keeps working.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The parameter's builder.</returns>
    public static IResourceBuilder<ParameterResource> AddProxyApiKey(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Letters and digits only: the key is pasted into Cursor by hand.
        var generated = new GenerateParameterDefault { MinLength = 40, Special = false };
        return builder.AddParameter(ApiKeyParameterName, generated, secret: true, persist: true);
    }

    /// <summary>
    /// Adds a secret parameter only when the user supplied a value (<c>Parameters:{name}</c>); returns null otherwise,
    /// so an unused provider does not leave the dashboard asking for a value.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The parameter's name, e.g. <c>openai-api-key</c>.</param>
    /// <returns>The parameter's builder, or <see langword="null"/> when no value was given.</returns>
    public static IResourceBuilder<ParameterResource>? AddOptionalSecretParameter(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return string.IsNullOrWhiteSpace(builder.Configuration[$"Parameters:{name}"])
            ? null
            : builder.AddParameter(name, secret: true);
    }
}
