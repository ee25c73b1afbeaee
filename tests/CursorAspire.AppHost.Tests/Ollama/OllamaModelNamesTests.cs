using CursorAspire.AppHost.Ollama;

namespace CursorAspire.AppHost.Tests.Ollama;

public sealed class OllamaModelNamesTests
{
    [Theory]
    [InlineData("qwen2.5-coder:7b", "ollama-qwen2-5-coder-7b")]
    [InlineData("hf.co/Org/Model:Q4_K_M", "ollama-hf-co-org-model-q4-k-m")]
    [InlineData("llama3.2", "ollama-llama3-2")]
    public void ResourceNamesUseOnlyLettersDigitsAndSingleHyphens(string model, string expected) =>
        Assert.Equal(expected, OllamaModelNames.ToResourceName("ollama", model));

    [Fact]
    public void ResourceNamesAreAtMost64Characters() =>
        Assert.True(OllamaModelNames.ToResourceName("ollama", new string('x', 100)).Length <= 64);

    [Theory]
    [InlineData("llama3.2", "llama3.2:latest", true)]
    [InlineData("llama3.2:latest", "llama3.2", true)]
    [InlineData("qwen2.5-coder:7b", "qwen2.5-coder:7b", true)]
    [InlineData("qwen2.5-coder:7b", "qwen2.5-coder:14b", false)]
    public void AnUntaggedNameIsTheLatestTag(string declared, string listed, bool same) =>
        Assert.Equal(same, OllamaModelNames.AreSame(declared, listed));
}
