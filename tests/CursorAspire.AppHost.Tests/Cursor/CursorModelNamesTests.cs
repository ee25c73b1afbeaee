using CursorAspire.Contracts;

namespace CursorAspire.AppHost.Tests.Cursor;

public sealed class CursorModelNamesTests
{
    [Theory]
    [InlineData("claude-3.5-sonnet")]
    [InlineData("gemini-2.5-pro")]
    [InlineData("gpt-4o")]
    [InlineData("o1-mini")]
    [InlineData("o3")]
    [InlineData("o4-mini")]
    [InlineData("cursor-small")]
    [InlineData("auto")]
    [InlineData("GPT-4.1")]
    public void CursorsOwnNamesConflict(string alias) =>
        Assert.NotNull(CursorModelNames.FindConflict(alias));

    [Theory]
    [InlineData("local-qwen2.5-coder-7b")]
    [InlineData("openai-gpt-4.1")]
    [InlineData("my-model")]
    [InlineData("anthropic-claude-sonnet-4-5")] // Cursor sends an Anthropic-shaped body for it, which the proxy reads
    [InlineData("my-claude")]
    [InlineData("ant-thinking")]
    public void OurNamesDoNotConflict(string alias) =>
        Assert.Null(CursorModelNames.FindConflict(alias));

    [Fact]
    public void CursorsVariantSuffixesAreTheNineItAppends() =>
        Assert.Equal(["-thinking", "-minimal", "-low", "-medium", "-high", "-xhigh", "-fast", "-max", "-auto"], CursorModelNames.VariantSuffixes);

    [Fact]
    public void ProviderSwitchingPrefixesSaySo() =>
        Assert.Contains("instead of the proxy", CursorModelNames.FindConflict("claude-x") ?? "", StringComparison.Ordinal);
}
