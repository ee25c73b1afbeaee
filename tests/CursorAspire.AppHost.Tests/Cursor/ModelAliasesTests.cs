using CursorAspire.Contracts;
using CursorAspire.AppHost.Cursor;

namespace CursorAspire.AppHost.Tests.Cursor;

public sealed class ModelAliasesTests
{
    [Theory]
    [InlineData("qwen2.5-coder:7b", "local-qwen2.5-coder-7b")]
    [InlineData("llama3.2", "local-llama3.2")]
    [InlineData("hf.co/org/model:Q4_K_M", "local-hf.co-org-model-Q4_K_M")]
    public void LocalAliasReplacesColonsAndSlashes(string model, string alias) =>
        Assert.Equal(alias, ModelAliases.ForLocalModel(model));

    [Fact]
    public void RemoteAliasIsPrefixedWithTheProvider() =>
        Assert.Equal("openai-gpt-4.1", ModelAliases.ForRemoteModel("openai", "gpt-4.1"));

    [Theory]
    [InlineData("qwen2.5-coder:7b")]
    [InlineData("gpt-oss:20b")]
    [InlineData("claude-like:latest")]
    [InlineData("o3-clone")]
    public void LocalAliasesNeverConflictWithCursorNames(string model) =>
        Assert.Null(CursorModelNames.FindConflict(ModelAliases.ForLocalModel(model)));
}
