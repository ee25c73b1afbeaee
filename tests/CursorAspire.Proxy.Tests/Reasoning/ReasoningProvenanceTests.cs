using CursorAspire.Proxy.Reasoning;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Reasoning;

/// <summary>The provider a stored conversation's reasoning came from survives the store's JSON round trip.</summary>
public sealed class ReasoningProvenanceTests
{
    [Fact]
    public void TheWritingProviderIsKnownAfterTheConversationIsReadBack()
    {
        IReadOnlyList<ChatMessage> messages =
        [
            new(ChatRole.Assistant, [new TextReasoningContent("thinking") { ProtectedData = "sig" }, new FunctionCallContent("call_1", "read_file")]),
        ];
        ReasoningProvenance.Tag(messages, "anthropic");

        var options = AIJsonUtilities.DefaultOptions;
        var json = JsonSerializer.Serialize(messages, options.GetTypeInfo(typeof(IReadOnlyList<ChatMessage>)));
        var read = (IReadOnlyList<ChatMessage>)JsonSerializer.Deserialize(json, options.GetTypeInfo(typeof(IReadOnlyList<ChatMessage>)))!;

        var reasoning = read[0].Contents.OfType<TextReasoningContent>().Single();
        Assert.Equal("anthropic", ReasoningProvenance.Of(reasoning));
        Assert.Equal("sig", reasoning.ProtectedData);
    }
}
