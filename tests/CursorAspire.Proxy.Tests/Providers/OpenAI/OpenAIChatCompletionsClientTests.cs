using CursorAspire.Proxy.Providers.OpenAI;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>
/// The proxy's own Chat Completions client (<see cref="OpenAIChatCompletionsClient"/>) over real HTTP to the OpenAI stand-in: what
/// it says about itself and its key on the wire, and where it posts.
/// </summary>
public sealed class OpenAIChatCompletionsClientTests
{
    [Theory]
    [InlineData("sk-upstream")]
    [InlineData(null)]
    public async Task EveryCallNamesTheProxyAndCarriesTheKeyOnlyWhenOneIsConfigured(string? apiKey)
    {
        await using var upstream = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { ApiKey = apiKey });
        using var http = new HttpClient();
        using var client = new OpenAIChatCompletionsClient(http, upstream.ApiBaseUri, apiKey, OpenAIAnswerReading.Model);
        upstream.Enqueue(StandInReply.FromText("one"));
        upstream.Enqueue(StandInReply.FromText("two"));

        var whole = await client.GetResponseAsync(OpenAIAnswerReading.Question);
        var streamed = await client.GetStreamingResponseAsync(OpenAIAnswerReading.Question).ToListAsync();

        Assert.Equal("one", whole.Text);
        Assert.Equal("two", streamed.ToChatResponse().Text);
        Assert.Equal(2, upstream.ChatRequests.Count);
        Assert.All(upstream.ChatRequests, request =>
        {
            Assert.Equal("/v1/chat/completions", request.Path);
            Assert.StartsWith("CursorAspire/", request.Headers["User-Agent"], StringComparison.Ordinal);
            if (apiKey is null)
            {
                Assert.False(request.Headers.ContainsKey("Authorization"));
            }
            else
            {
                Assert.Equal("Bearer " + apiKey, request.Headers["Authorization"]);
            }
        });
    }
}
