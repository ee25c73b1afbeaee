namespace CursorAspire.Proxy.Tests.Routing;

/// <summary>Which route a model name takes: an alias, a <c>provider/model</c> name, or the default for anything else.</summary>
public class ModelRoutingTests
{
    [Theory]
    [InlineData("please-enable-some-models")]
    [InlineData("gpt-3.5-turbo")]
    public async Task UnknownModelNamesGoToTheDefaultAndAreLogged(string model)
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));

        var (response, _) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(model, stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(proxy.Logs.Lines, l => l.Contains($"Model {model} is not configured; routed to the default model local"));
    }

    [Fact]
    public async Task ProviderSlashModelRoutesStraightToThatProvider()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri)
            .With("Proxy:Providers:ollama:AllowAnyModel", "true"));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("ollama/llama3.2:3b", stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SseChunks.AssertContract(body, "ollama/llama3.2:3b");
        Assert.Equal("llama3.2:3b", ollama.ChatRequests.Single().Model);
    }
}
