using CursorAspire.AppHost.Cursor;

namespace CursorAspire.AppHost.Tests.Cursor;

public sealed class CursorSetupInstructionsTests
{
    [Fact]
    public void WithoutATunnel_TheLocalUrlIsGivenWithANoteThatCursorCannotReachIt()
    {
        var setup = CursorSetupInstructions.Create(null, "http://localhost:5190", "proxy-api-key", ["local-qwen2.5-coder-7b"]);

        Assert.False(setup.IsPublic);
        Assert.Equal("http://localhost:5190/v1", setup.BaseUrl);
        var text = setup.ToText();
        Assert.Contains("http://localhost:5190/v1", text, StringComparison.Ordinal);
        Assert.Contains("cannot reach localhost", text, StringComparison.Ordinal);
        Assert.Contains("local-qwen2.5-coder-7b", text, StringComparison.Ordinal);
        Assert.Contains("'proxy-api-key'", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://words.trycloudflare.com")]
    [InlineData("https://words.trycloudflare.com/")]
    [InlineData("https://words.trycloudflare.com/v1")]
    public void WithATunnel_ThePublicUrlEndsInV1Once(string publicUrl)
    {
        var setup = CursorSetupInstructions.Create(publicUrl, "http://localhost:5190", "proxy-api-key", ["a", "b"]);

        Assert.True(setup.IsPublic);
        Assert.Equal("https://words.trycloudflare.com/v1", setup.BaseUrl);
        Assert.DoesNotContain("cannot reach localhost", setup.ToText(), StringComparison.Ordinal);
        Assert.Contains("a, b", setup.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutModels_TheTextSaysHowToAddSome() =>
        Assert.Contains("Ollama:Models", CursorSetupInstructions.Create(null, "http://localhost:1", "k", []).ToText(), StringComparison.Ordinal);
}
