using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Providers.Ollama;
using OllamaSharp;
using OllamaChatRequest = OllamaSharp.Models.Chat.ChatRequest;

namespace CursorAspire.Proxy.Tests.Providers.Ollama;

/// <summary>
/// The tools written once per declaration (<see cref="OllamaTools"/>) reach Ollama as exactly the bytes OllamaSharp's own
/// per-request conversion sends: the same request through OllamaSharp alone and with the kept tools on the request it
/// starts from, recorded by the stand-in and compared byte for byte.
/// </summary>
public sealed class OllamaToolsTests
{
    [Fact]
    public async Task WrittenOnceTheToolsAreTheBytesOllamaSharpSends()
    {
        await using var upstream = await OllamaStandIn.StartAsync();
        using var http = new HttpClient { BaseAddress = upstream.BaseUri };
        using var library = new OllamaApiClient(http, "qwen2.5-coder:7b");
        ChatMessage[] messages = [new(ChatRole.User, "look")];

        upstream.Enqueue(StandInReply.FromText("ok"));
        await ((IChatClient)library).GetResponseAsync(messages, ProviderToolSets.Options("auto"));
        for (var i = 0; i < 2; i++)
        {
            var options = ProviderToolSets.Options("auto");
            var tools = OllamaTools.Take(options, library.OutgoingJsonSerializerOptions);
            Assert.Null(options.Tools);
            options.RawRepresentationFactory = _ => new OllamaChatRequest { Tools = tools };
            upstream.Enqueue(StandInReply.FromText("ok"));
            await ((IChatClient)library).GetResponseAsync(messages, options);
        }

        var sent = upstream.ChatRequests.Select(r => r.Body).ToList();
        Assert.Contains("\"tools\"", sent[0], StringComparison.Ordinal);
        Assert.Equal(sent[0], sent[1]);
        Assert.Equal(sent[0], sent[2]); // the second request takes the kept tools
    }
}
