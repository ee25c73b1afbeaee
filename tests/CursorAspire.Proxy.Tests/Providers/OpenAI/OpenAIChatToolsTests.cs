using Microsoft.Extensions.AI;
using System.ClientModel;
using CursorAspire.Proxy.Providers.OpenAI;
using OpenAI;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>
/// The tools converted once per declaration (<see cref="OpenAIChatTools"/>) reach the upstream as exactly the bytes
/// M.E.AI's own per-request conversion sends, for every tool mode: the same request through M.E.AI's OpenAI client
/// alone and through the compatibility stage, recorded by the stand-in and compared byte for byte.
/// </summary>
public sealed class OpenAIChatToolsTests
{
    [Theory]
    [MemberData(nameof(ProviderToolSets.Modes), MemberType = typeof(ProviderToolSets))]
    public async Task ConvertedOnceTheToolsAreTheBytesMEAISends(string mode)
    {
        await using var upstream = await OpenAIStandIn.StartAsync();
        using var library = new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = upstream.ApiBaseUri })
            .GetChatClient("gpt-4o-mini").AsIChatClient();
        using var adapted = new OpenAICompatibilityChatClient(library, sendPromptCacheKey: false);
        ChatMessage[] messages = [new(ChatRole.User, "look")];

        foreach (var client in new IChatClient[] { library, adapted, adapted })
        {
            upstream.Enqueue(StandInReply.FromText("ok"));
            await client.GetResponseAsync(messages, ProviderToolSets.Options(mode));
        }

        var sent = upstream.ChatRequests.Select(r => r.Body).ToList();
        Assert.Contains("\"tools\"", sent[0], StringComparison.Ordinal);
        Assert.Equal(sent[0], sent[1]);
        Assert.Equal(sent[0], sent[2]); // the second request takes the kept tools
    }
}
