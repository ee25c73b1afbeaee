namespace CursorAspire.TestUpstreams.Tests.Ollama;

/// <summary>OLLAMA_HOST is read the way <c>ollama serve</c> reads it.</summary>
public sealed class OllamaHostTests
{
    [Theory]
    [InlineData(null, "127.0.0.1", 11434)]
    [InlineData("", "127.0.0.1", 11434)]
    [InlineData("127.0.0.1:11434", "127.0.0.1", 11434)]
    [InlineData("http://127.0.0.1:5000", "127.0.0.1", 5000)]
    [InlineData("http://127.0.0.1:5000/", "127.0.0.1", 5000)]
    [InlineData("0.0.0.0:6000", "0.0.0.0", 6000)]
    [InlineData("localhost:7000", "127.0.0.1", 7000)]
    [InlineData(":8000", "127.0.0.1", 8000)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData("127.0.0.2", "127.0.0.2", 11434)]
    public void ParsesOllamaHostForms(string? value, string address, int port)
    {
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), OllamaHost.Parse(value));
    }

    [Theory]
    [InlineData("127.0.0.1:notaport")]
    [InlineData("example.com:1")]
    public void RejectsUnusableValuesNamingThem(string value)
    {
        var ex = Assert.Throws<FormatException>(() => OllamaHost.Parse(value));
        Assert.Contains("OLLAMA_HOST", ex.Message);
    }

    [Fact]
    public void EnvironmentSettingsAreRead()
    {
        var env = new Dictionary<string, string>
        {
            ["OLLAMA_HOST"] = "0.0.0.0:1234",
            ["STANDIN_MODELS"] = "llama3.2, qwen3:8b",
            ["STANDIN_PULL_STEP_MS"] = "7",
            ["STANDIN_CONTEXT_LENGTH"] = "8192",
        };

        var options = OllamaStandInOptions.FromEnvironment(name => env.GetValueOrDefault(name));

        Assert.Equal(new IPEndPoint(IPAddress.Any, 1234), options.Endpoint);
        Assert.Equal(["llama3.2", "qwen3:8b"], options.Models);
        Assert.Equal(TimeSpan.FromMilliseconds(7), options.PullStepDelay);
        Assert.Equal(8192, options.ContextLength);
    }

    [Fact]
    public void BadNumberNamesTheVariable()
    {
        var ex = Assert.Throws<FormatException>(() => OllamaStandInOptions.FromEnvironment(n => n == "STANDIN_PULL_STEP_MS" ? "fast" : null));
        Assert.Contains("STANDIN_PULL_STEP_MS", ex.Message);
    }
}
