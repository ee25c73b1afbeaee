using CursorAspire.AppHost.Ollama.Fit;

namespace CursorAspire.AppHost.Tests.Ollama.Fit;

/// <summary>
/// Windows and compaction as the AppHost's model writes them for the proxy: a window per model or for all, <c>auto</c>
/// (the advisor's choice once the model is on its server, else what Cursor needs), compaction on for local aliases
/// unless the user says otherwise, off for remote ones; and what the advisor is told about the GPU; nothing runs.
/// </summary>
public sealed class ModelFitModelTests
{
    private const string Alias = "local-qwen2.5-coder-7b";
    private const string ModelResource = "ollama-qwen2-5-coder-7b";

    [Fact]
    public async Task ByDefaultTheWindowIsAutoAndALocalAliasIsCompacted()
    {
        await using var builder = await AppHostModel.ContainerModeAsync();

        var model = builder.Resource<OllamaModelResource>(ModelResource);
        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();

        Assert.Equal(OllamaContextWindow.Auto("Ollama:ContextLength"), model.ContextWindow);
        // Nothing advised yet (nothing runs): what Cursor's agent needs.
        Assert.Equal("32768", env[$"Proxy__Models__{Alias}__ContextLength"]);
        Assert.Equal("true", env[$"Proxy__Models__{Alias}__Compaction"]);
    }

    [Fact]
    public async Task AutoIsTheAdvisorsChoiceOnceItIsMade()
    {
        await using var builder = await AppHostModel.ContainerModeAsync();
        var model = builder.Resource<OllamaModelResource>(ModelResource);
        var profile = new OllamaModelProfile("llama", "8.0B", "Q4_K_M", 4_920_753_328, 32, 32, 256, 128, 128, 131_072);
        model.Fit = OllamaModelFitAdvisor.Advise(profile, new GpuMemory("NVIDIA GeForce RTX 4090", 24L << 30, 22L << 30, "nvidia-smi"), null, 0, model.ContextWindow);

        var env = await builder.Resource<ProjectResource>("proxy").RunEnvironmentAsync();

        Assert.True(model.Fit.Window > 32_768);
        Assert.Equal(model.Fit.Window.ToString(System.Globalization.CultureInfo.InvariantCulture), env[$"Proxy__Models__{Alias}__ContextLength"].ToString());
    }

    [Fact]
    public async Task AModelsOwnWindowWinsOverTheOneForAll()
    {
        await using var builder = await AppHostModel.ContainerModeAsync(
            "--Ollama:Models:0:Name=qwen2.5-coder:7b", "--Ollama:Models:0:ContextLength=16384",
            "--Ollama:Models:1=llama3.2", "--Ollama:ContextLength=24576");

        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();

        Assert.Equal(OllamaContextWindow.Of(16_384, "Ollama:Models:0:ContextLength"), builder.Resource<OllamaModelResource>(ModelResource).ContextWindow);
        Assert.Equal("16384", env[$"Proxy__Models__{Alias}__ContextLength"]);
        Assert.Equal("24576", env["Proxy__Models__local-llama3.2__ContextLength"]);
    }

    [Fact]
    public async Task TheUserMayTurnCompactionOffForALocalAliasAndRemoteAliasesHaveItOff()
    {
        await using var builder = await AppHostModel.ContainerModeAsync(
            $"--Proxy:Models:{Alias}:Compaction=false", "--Parameters:openai-api-key=sk-test-0123456789", "--OpenAI:Models:0=gpt-4.1");

        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();

        Assert.Equal("false", env[$"Proxy__Models__{Alias}__Compaction"]);
        Assert.Equal("openai", env["Proxy__Models__openai-gpt-4.1__Provider"]);
        Assert.False(env.ContainsKey("Proxy__Models__openai-gpt-4.1__Compaction"));
    }

    [Fact]
    public async Task AnOllamaContainerWithoutAGpuTellsTheAdvisorWhyAndOneWithItProbes()
    {
        await using (var plain = await AppHostModel.ContainerModeAsync("--Ollama:GpuProbes:NvidiaSmi=/opt/nvidia-smi"))
        {
            var access = plain.Resource<OllamaResource>("ollama").Annotations.OfType<OllamaGpuAccessAnnotation>().Single();
            Assert.Equal("/opt/nvidia-smi", access.Probes.NvidiaSmi);
            Assert.NotNull(access.NoGpuReason);
        }

        await using var gpu = await AppHostModel.ContainerModeAsync("--Ollama:Gpu=nvidia");
        var withGpu = gpu.Resource<OllamaResource>("ollama").Annotations.OfType<OllamaGpuAccessAnnotation>().Single();
        Assert.Equal(OperatingSystem.IsMacOS(), withGpu.NoGpuReason is not null);
    }

    [Fact]
    public async Task OllamaAsAProcessProbesTheMachinesGpu()
    {
        using var bin = new FakeExecutables();
        await using var builder = await AppHostModel.ProcessModeAsync("--Redis:Command=/nonexistent/redis-server", $"--Ollama:Command={bin.Create("ollama")}");

        var access = builder.Resource<OllamaExecutableResource>("ollama").Annotations.OfType<OllamaGpuAccessAnnotation>().Single();

        Assert.Null(access.NoGpuReason);
        Assert.Equal("nvidia-smi", access.Probes.NvidiaSmi);
    }
}
