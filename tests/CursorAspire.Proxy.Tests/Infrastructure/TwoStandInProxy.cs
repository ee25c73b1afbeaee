namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// A proxy in front of an Ollama stand-in and an OpenAI stand-in, disposed together; the stand-ins are disposed too when
/// the proxy does not start. What each test host configures is its own.
/// </summary>
public abstract class TwoStandInProxy(OllamaStandIn ollama, OpenAIStandIn openai, ProxyHost proxy) : IAsyncDisposable
{
    public OllamaStandIn Ollama { get; } = ollama;

    public OpenAIStandIn OpenAI { get; } = openai;

    public ProxyHost Proxy { get; } = proxy;

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Ollama.DisposeAsync();
        await OpenAI.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts both stand-ins, then the proxy with the configuration <paramref name="configuration"/> makes from them.</summary>
    /// <param name="configuration">The proxy's configuration, from the stand-ins' addresses.</param>
    /// <param name="create">The host, from the stand-ins and the started proxy.</param>
    /// <param name="configure">Changes to the proxy's builder.</param>
    /// <param name="mapMore">Endpoints a test adds to the proxy.</param>
    /// <param name="upstreamTime">The stand-ins' clock: a fake one holds a reply's <c>DelayBeforeFirstByte</c> until the test advances it.</param>
    protected static async Task<T> StartAsync<T>(
        Func<OllamaStandIn, OpenAIStandIn, Dictionary<string, string?>> configuration,
        Func<OllamaStandIn, OpenAIStandIn, ProxyHost, T> create,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? mapMore = null,
        TimeProvider? upstreamTime = null)
    {
        var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { TimeProvider = upstreamTime ?? TimeProvider.System });
        var openai = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { TimeProvider = upstreamTime ?? TimeProvider.System });
        try
        {
            return create(ollama, openai, await ProxyHost.StartAsync(configuration(ollama, openai), configure, mapMore));
        }
        catch
        {
            await ollama.DisposeAsync();
            await openai.DisposeAsync();
            throw;
        }
    }
}
