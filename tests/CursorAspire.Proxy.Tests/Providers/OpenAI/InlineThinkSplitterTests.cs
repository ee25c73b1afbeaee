using CursorAspire.Proxy.Providers.OpenAI;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>MiniMax's <c>&lt;think&gt;</c> block read out of content however the stream cuts it, and written back as it was.</summary>
public sealed class InlineThinkSplitterTests
{
    private const string Content = "<think>\nI should read cart.py.\n</think>\n\nReading it.";

    private static (string Reasoning, string Text) Split(IEnumerable<string> pieces)
    {
        var splitter = new InlineThinkSplitter();
        var contents = new List<AIContent>();
        foreach (var piece in pieces)
        {
            splitter.Split(piece, contents);
        }
        splitter.Flush(contents);
        return (string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text)), string.Concat(contents.OfType<TextContent>().Select(t => t.Text)));
    }

    public static TheoryData<int> Cuts() => [.. Enumerable.Range(1, Content.Length)];

    [Theory]
    [MemberData(nameof(Cuts))]
    public void EveryCutGivesTheSameReasoningAndText(int size)
    {
        var pieces = Enumerable.Range(0, (Content.Length + size - 1) / size).Select(i => Content.Substring(i * size, Math.Min(size, Content.Length - (i * size))));

        var (reasoning, text) = Split(pieces);

        Assert.Equal("\nI should read cart.py.\n", reasoning);
        Assert.Equal("Reading it.", text);
        Assert.Equal(Content, InlineThinkSplitter.Wrap(reasoning, text)); // back as MiniMax wrote it
    }

    [Theory]
    [InlineData("Plain <think> in the middle.")]
    [InlineData("<thin")]
    [InlineData("")]
    public void ContentThatDoesNotOpenWithTheBlockIsText(string content)
    {
        var (reasoning, text) = Split([content]);

        Assert.Equal(string.Empty, reasoning);
        Assert.Equal(content, text);
    }

    [Fact]
    public void ABlockCutOffWhileThinkingIsReasoningToTheEnd() =>
        Assert.Equal(("half a thought </thi", string.Empty), Split(["<think>half a thought ", "</thi"]));

    [Theory]
    [InlineData("moonshotai/kimi-k2-thinking", OpenAIThinkingFamily.Kimi)]
    [InlineData("kimi-k2.5", OpenAIThinkingFamily.Kimi)]
    [InlineData("glm-4.6", OpenAIThinkingFamily.Glm)]
    [InlineData("z-ai/GLM-4.5-Air", OpenAIThinkingFamily.Glm)]
    [InlineData("MiniMax-M2", OpenAIThinkingFamily.MiniMax)]
    [InlineData("deepseek-reasoner", OpenAIThinkingFamily.Other)]
    [InlineData("o4-mini", OpenAIThinkingFamily.Other)]
    public void TheFamilyComesFromTheModelsName(string model, OpenAIThinkingFamily family) =>
        Assert.Equal(family, OpenAIThinkingFamilies.Of(model));
}
