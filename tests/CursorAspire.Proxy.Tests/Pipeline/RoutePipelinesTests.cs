using CursorAspire.Proxy.Pipeline;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Pipeline;

/// <summary>Every route's pipeline has the stages the composition site names, one pipeline per alias.</summary>
public sealed class RoutePipelinesTests
{
    [Theory]
    [InlineData("Ollama")]
    [InlineData("OpenAI")]
    [InlineData("Anthropic")]
    public async Task EveryRouteHasTelemetryTheCacheReasoningAndTheContextBoundary(string kind)
    {
        var upstream = new Uri("http://127.0.0.1:9/");
        await using var proxy = await ProxyHost.StartAsync(kind switch
        {
            "Ollama" => ProxyHost.OllamaConfig(upstream),
            "OpenAI" => ProxyHost.OpenAIConfig(upstream),
            _ => ProxyHost.AnthropicConfig(upstream),
        });
        var router = proxy.Services.GetRequiredService<ModelRouter>();
        var pipelines = proxy.Services.GetRequiredService<RoutePipelines>();
        var route = router.Resolve(router.Aliases.First());

        var pipeline = pipelines.Get(route);

        Assert.Same(pipeline, pipelines.Get(route));
        Assert.NotNull(pipeline.GetService<OpenTelemetryChatClient>());
        Assert.NotNull(pipeline.GetService<ResponseCachingChatClient>());
        Assert.NotNull(pipeline.GetService<ReasoningContinuityChatClient>());
        Assert.NotNull(pipeline.GetService<CallContextBoundaryChatClient>());
    }
}
