using CursorAspire.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace CursorAspire.AppHost.Tests.Hosting;

public sealed class AppHostSettingsTests
{
    private static AppHostSettings Read(params (string Key, string Value)[] values) => TestSettings.Read(values);

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
        Assert.Equal(["a:1", "b"], Read(("Ollama:Models:0", "a:1"), ("Ollama:Models:1", " b ")).OllamaModels.Select(m => m.Name));
        Assert.Equal(["a:1", "b"], Read(("Ollama:Models", "a:1, b,")).OllamaModels.Select(m => m.Name));
        Assert.All(Read(("Ollama:Models", "a:1, b,")).OllamaModels, m => Assert.Null(m.ContextLength));
    }

    [Fact]
    public void AModelMayBeAnObjectWithItsOwnWindowNextToPlainNames()
    {
        // As appsettings.json writes [ "llama3.2", { "Name": "qwen2.5-coder:14b", "ContextLength": 16384 }, { "Name": "phi4", "ContextLength": "auto" } ].
        var models = Read(
            ("Ollama:Models:0", "llama3.2"),
            ("Ollama:Models:1:Name", "qwen2.5-coder:14b"),
            ("Ollama:Models:1:ContextLength", "16384"),
            ("Ollama:Models:2:Name", "phi4"),
            ("Ollama:Models:2:ContextLength", "auto")).OllamaModels;

        Assert.Equal(["llama3.2", "qwen2.5-coder:14b", "phi4"], models.Select(m => m.Name));
        Assert.Null(models[0].ContextLength);
        Assert.Equal(OllamaContextWindow.Of(16_384, "Ollama:Models:1:ContextLength"), models[1].ContextLength);
        Assert.Equal(OllamaContextWindow.Auto("Ollama:Models:2:ContextLength"), models[2].ContextLength);
    }

    [Fact]
    public void ANamedModelMayBeGivenItsWindowByALaterSource()
    {
        // appsettings.json's ["qwen2.5-coder:7b"], and `dotnet user-secrets set "Ollama:Models:0:ContextLength" "16384"`.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create("Ollama:Models:0", (string?)"qwen2.5-coder:7b")])
            .AddInMemoryCollection([KeyValuePair.Create("Ollama:Models:0:ContextLength", (string?)"16384")])
            .Build();

        var model = Assert.Single(AppHostSettings.FromConfiguration(configuration).OllamaModels);

        Assert.Equal(new OllamaModelSettings("qwen2.5-coder:7b", OllamaContextWindow.Of(16_384, "Ollama:Models:0:ContextLength")), model);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("AUTO", null)]
    [InlineData("24576", 24_576)]
    public void TheContextLengthIsTokensOrAuto(string value, int? tokens)
    {
        var window = Read(("Ollama:ContextLength", value)).OllamaContextLength;

        Assert.NotNull(window);
        Assert.Equal(tokens, window.Value.Tokens);
        Assert.Equal(tokens is null, window.Value.IsAuto);
        Assert.Equal("Ollama:ContextLength", window.Value.Source);
    }

    [Fact]
    public void TheGpuProbesAreTheVendorsProgramsUnlessConfiguredAndABlankOneIsLeftOut()
    {
        var defaults = Read().OllamaGpuProbes;
        var configured = Read(("Ollama:GpuProbes:NvidiaSmi", "/opt/bin/nvidia-smi"), ("Ollama:GpuProbes:RocmSmi", "")).OllamaGpuProbes;

        Assert.Equal("nvidia-smi", defaults.NvidiaSmi);
        Assert.Equal("rocm-smi", defaults.RocmSmi);
        Assert.Equal(OperatingSystem.IsMacOS() ? "sysctl" : null, defaults.Sysctl);
        Assert.Equal("/opt/bin/nvidia-smi", configured.NvidiaSmi);
        Assert.Null(configured.RocmSmi);
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

    /// <summary>Each setting with the values it refuses; one theory row per value.</summary>
    public static TheoryData<string, string> MalformedValues()
    {
        (string Key, string[] Values)[] refused =
        [
            ("Ollama:ContextLength", ["lots", "-1"]),
            ("Ollama:Gpu", ["maybe", "intel"]),
            ("AppHost:ProxyReplicas", ["0", "two"]),
            ("Cache:MaxMemory", ["half", "512 mb", "0"]),
        ];
        var rows = new TheoryData<string, string>();
        foreach (var (key, values) in refused)
        {
            foreach (var value in values)
            {
                rows.Add(key, value);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(MalformedValues))]
    public void AMalformedValueFailsNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((key, value)));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelsMalformedWindowOrMissingNameFailsNamingItsKey()
    {
        var window = Assert.Throws<InvalidOperationException>(() => Read(("Ollama:Models:0:Name", "phi4"), ("Ollama:Models:0:ContextLength", "big")));
        var name = Assert.Throws<InvalidOperationException>(() => Read(("Ollama:Models:0:ContextLength", "8192")));

        Assert.Contains("'Ollama:Models:0:ContextLength' is 'big'", window.Message, StringComparison.Ordinal);
        Assert.Contains("'Ollama:Models:0' has no Name", name.Message, StringComparison.Ordinal);
    }
}
