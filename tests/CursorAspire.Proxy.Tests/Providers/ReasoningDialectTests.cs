using Microsoft.Extensions.AI;
using System.ClientModel;
using CursorAspire.Proxy.Providers.Anthropic;
using CursorAspire.Proxy.Providers.Ollama;
using CursorAspire.Proxy.Providers.OpenAI;
using CursorAspire.Proxy.Reasoning;

namespace CursorAspire.Proxy.Tests.Providers;

/// <summary>What each provider's tool-call turn carries when the reasoning it wrote is gone, and which refusal asks for it back.</summary>
public sealed class ReasoningDialectTests
{
    [Theory]
    [InlineData("", false, null)]
    [InlineData("", true, "")]
    [InlineData("kept by the client", true, "kept by the client")]
    [InlineData("kept by the client", false, null)]
    public void OpenAICompatibleGetsReasoningContentOnlyOnceKnownToThink(string echo, bool knownToThink, string? expected)
    {
        var standIn = new OpenAIReasoningDialect().WhenGone(new GoneReasoning(echo, knownToThink, Thinking: true, AfterLastUserTurn: true));

        Assert.Equal(expected, standIn.Reasoning?.Text);
        Assert.False(standIn.WithoutThinking);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("kept by the client", "kept by the client")]
    public void OllamaGetsTheEchoOrNothing(string echo, string? expected)
    {
        var standIn = new OllamaReasoningDialect().WhenGone(new GoneReasoning(echo, KnownToThink: true, Thinking: true, AfterLastUserTurn: true));

        Assert.Equal(expected, standIn.Reasoning?.Text);
        Assert.False(standIn.WithoutThinking);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    public void AnthropicGetsNoUnsignedThinkingAndGoesWithoutThinkingOnlyForTheTurnBeingAnswered(bool thinking, bool afterLastUserTurn, bool withoutThinking)
    {
        var standIn = new AnthropicReasoningDialect(adaptive: false).WhenGone(new GoneReasoning("kept by the client", KnownToThink: true, thinking, afterLastUserTurn));

        Assert.Null(standIn.Reasoning);
        Assert.Equal(withoutThinking, standIn.WithoutThinking);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnthropicGetsTheClientsSignedThinkingBackAsItCameAndKeepsThinking(bool adaptive)
    {
        TextReasoningContent[] signed = [new("Read the file first.") { ProtectedData = "c2lnbmF0dXJl" }, new(string.Empty) { ProtectedData = "cmVkYWN0ZWQ=" }];

        var standIn = new AnthropicReasoningDialect(adaptive).WhenGone(new GoneReasoning("Read the file first.", KnownToThink: true, Thinking: true, AfterLastUserTurn: true) { SignedCopy = signed });

        Assert.Equal(signed, standIn.All);
        Assert.False(standIn.WithoutThinking);
    }

    [Fact]
    public void AdaptiveAnthropicKeepsThinkingWhenATurnHasNoThinkingBlock()
    {
        var standIn = new AnthropicReasoningDialect(adaptive: true).WhenGone(new GoneReasoning(string.Empty, KnownToThink: true, Thinking: true, AfterLastUserTurn: true));

        Assert.Empty(standIn.All);
        Assert.False(standIn.WithoutThinking);
    }

    [Theory]
    [InlineData("", false, "")]
    [InlineData("kept by the client", false, "kept by the client")]
    public void KimiAlwaysGetsReasoningContentItThinksWhateverTheAliasSays(string echo, bool knownToThink, string expected) =>
        Assert.Equal(expected, new KimiReasoningDialect().WhenGone(new GoneReasoning(echo, knownToThink, Thinking: false, AfterLastUserTurn: true)).Reasoning?.Text);

    [Theory]
    [InlineData("", null)]
    [InlineData("kept by the client", "kept by the client")]
    public void GlmAndMiniMaxGetTheEchoOrNothing(string echo, string? expected)
    {
        var gone = new GoneReasoning(echo, KnownToThink: true, Thinking: true, AfterLastUserTurn: true);

        Assert.Equal(expected, new GlmReasoningDialect().WhenGone(gone).Reasoning?.Text);
        Assert.Equal(expected, new MiniMaxReasoningDialect().WhenGone(gone).Reasoning?.Text);
    }

    [Fact]
    public void OnlyAnOpenAICompatible400AboutReasoningContentAsksForItBack()
    {
        var refusal = new HttpRequestException("The reasoning_content in the thinking mode must be passed back to the API.", null, System.Net.HttpStatusCode.BadRequest);

        Assert.True(new OpenAIReasoningDialect().AsksForReasoningBack(refusal));
        Assert.False(new OpenAIReasoningDialect().AsksForReasoningBack(new HttpRequestException("messages: invalid", null, System.Net.HttpStatusCode.BadRequest)));
        Assert.False(new OpenAIReasoningDialect().AsksForReasoningBack(new HttpRequestException("reasoning_content", null, System.Net.HttpStatusCode.InternalServerError)));
        Assert.True(new KimiReasoningDialect().AsksForReasoningBack(new HttpRequestException("thinking is enabled but reasoning_content is missing in assistant tool call message at index 2", null, System.Net.HttpStatusCode.BadRequest)));
        Assert.False(((IReasoningDialect)new GlmReasoningDialect()).AsksForReasoningBack(refusal));
        Assert.False(((IReasoningDialect)new AnthropicReasoningDialect(adaptive: false)).AsksForReasoningBack(refusal));
        Assert.False(((IReasoningDialect)new OllamaReasoningDialect()).AsksForReasoningBack(new ClientResultException("reasoning_content")));
    }
}
