using Aspire.Hosting.ApplicationModel;
using CursorAspire.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace CursorAspire.AppHost.Tests.Hosting;

public sealed class AppHostSettingsTests
{
    private static AppHostSettings Read(params (string Key, string Value)[] values) =>
        AppHostSettings.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build());

    [Fact]
    public void DefaultsAreEmptyAndOpenAIsEndpoint()
    {
        var settings = Read();

        Assert.Empty(settings.OllamaModels);
        Assert.Empty(settings.OllamaArgs);
        Assert.Null(settings.OllamaGpu);
        Assert.Null(settings.OllamaContextLength);
        Assert.Equal("https://api.openai.com/v1", settings.OpenAIEndpoint);
        Assert.Null(settings.DefaultModel);
        Assert.Null(settings.ProxyReplicas);
        Assert.Equal("512mb", settings.CacheMaxMemory);
        Assert.False(settings.HasCacheConnectionString);
        Assert.False(settings.HasOllamaConnectionString);
    }

    [Fact]
    public void ReplicasMemoryAndExistingServersAreRead()
    {
        var settings = Read(
            ("AppHost:ProxyReplicas", "3"),
            ("Cache:MaxMemory", "2GB"),
            ("ConnectionStrings:cache", "redis.example:6380,password=p,ssl=true"),
            ("ConnectionStrings:ollama", "Endpoint=http://gpu:11434"));

        Assert.Equal(3, settings.ProxyReplicas);
        Assert.Equal("2gb", settings.CacheMaxMemory);
        Assert.True(settings.HasCacheConnectionString);
        Assert.True(settings.HasOllamaConnectionString);
        Assert.False(Read(("ConnectionStrings:cache", " ")).HasCacheConnectionString);
    }

    [Fact]
    public void ModelsAreReadFromAnArrayOrACommaList()
    {
        Assert.Equal(["a:1", "b"], Read(("Ollama:Models:0", "a:1"), ("Ollama:Models:1", " b ")).OllamaModels);
        Assert.Equal(["a:1", "b"], Read(("Ollama:Models", "a:1, b,")).OllamaModels);
    }

    [Theory]
    [InlineData("nvidia", OllamaGpuVendor.Nvidia)]
    [InlineData("NVIDIA", OllamaGpuVendor.Nvidia)]
    [InlineData("true", OllamaGpuVendor.Nvidia)] // the older boolean spelling
    [InlineData("amd", OllamaGpuVendor.Amd)]
    [InlineData("false", null)]
    [InlineData("", null)]
    public void OllamaGpuNamesTheVendorOrFalse(string value, OllamaGpuVendor? expected) =>
        Assert.Equal(expected, Read(("Ollama:Gpu", value)).OllamaGpu);

    [Theory]
    [InlineData("Ollama:ContextLength", "lots")]
    [InlineData("Ollama:ContextLength", "-1")]
    [InlineData("Ollama:Gpu", "maybe")]
    [InlineData("Ollama:Gpu", "intel")]
    [InlineData("AppHost:ProxyReplicas", "0")]
    [InlineData("AppHost:ProxyReplicas", "two")]
    [InlineData("Cache:MaxMemory", "half")]
    [InlineData("Cache:MaxMemory", "512 mb")]
    [InlineData("Cache:MaxMemory", "0")]
    public void AMalformedValueFailsNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((key, value)));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
