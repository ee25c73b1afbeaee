using CursorAspire.Tunnel;

namespace CursorAspire.AppHost.Tests.Ollama;

/// <summary>Ollama and its models in the AppHost's model, as a container or as the Ollama command; nothing runs.</summary>
public sealed class OllamaModelTests
{
    [Fact]
    public async Task OllamaIsThePinnedContainerWithAModelsVolumeAndAnApiHealthCheck()
    {
        await using var builder = await AppHostModel.ContainerModeAsync();

        var ollama = builder.Resource<OllamaResource>("ollama");
        Assert.True(ollama.TryGetLastAnnotation<ContainerImageAnnotation>(out var image));
        Assert.Equal(("docker.io", "ollama/ollama", PinnedVersions.Ollama), (image.Registry, image.Image, image.Tag));
        var mount = Assert.Single(ollama.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(ContainerMountType.Volume, mount.Type);
        Assert.Equal("/root/.ollama", mount.Target);
        var endpoint = Assert.Single(ollama.Annotations.OfType<EndpointAnnotation>());
        Assert.Equal(("http", 11434), (endpoint.Name, endpoint.TargetPort));
        Assert.False(endpoint.IsProxied); // a stopped container refuses connections instead of a proxy holding them
        Assert.NotEmpty(ollama.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Equal("Endpoint={ollama.bindings.http.url}", ollama.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task GpuIsOffUnlessOllamaGpuIsTrue()
    {
        await using (var plain = await AppHostModel.ContainerModeAsync())
        {
            Assert.Empty(plain.Resource<OllamaResource>("ollama").Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>());
        }

        await using var gpu = await AppHostModel.ContainerModeAsync("--Ollama:Gpu=true");
        Assert.Equal(["--gpus", "all"], await ContainerRuntimeArgsAsync(gpu.Resource<OllamaResource>("ollama")));
    }

    [Theory]
    [InlineData("docker", "nvidia", PinnedVersions.Ollama, new[] { "--gpus", "all" })]
    [InlineData("podman", "nvidia", PinnedVersions.Ollama, new[] { "--device", "nvidia.com/gpu=all" })]
    [InlineData("docker", "amd", PinnedVersions.OllamaRocm, new[] { "--device", "/dev/kfd", "--device", "/dev/dri" })]
    [InlineData("podman", "amd", PinnedVersions.OllamaRocm, new[] { "--device", "/dev/kfd", "--device", "/dev/dri" })]
    [InlineData("docker", "false", PinnedVersions.Ollama, new string[0])]
    [InlineData("podman", "false", PinnedVersions.Ollama, new string[0])]
    public async Task EachGpuVendorGetsItsImageAndTheOptionsOfTheRuntime(string runtime, string gpu, string tag, string[] runtimeArgs)
    {
        await using var builder = await AppHostModel.CreateAsync($"--AppHost:ContainerRuntime={runtime}", $"--Ollama:Gpu={gpu}");

        var ollama = builder.Resource<OllamaResource>("ollama");
        Assert.True(ollama.TryGetLastAnnotation<ContainerImageAnnotation>(out var image));
        Assert.Equal(("docker.io", "ollama/ollama", tag), (image.Registry, image.Image, image.Tag));
        Assert.Equal(runtimeArgs, await ContainerRuntimeArgsAsync(ollama));
    }

    [Fact]
    public async Task ALocalOllamaFindsItsGpusItselfSoTheSettingAddsNothing()
    {
        using var bin = new FakeExecutables();
        await using var builder = await AppHostModel.ProcessModeAsync(
            "--Redis:Command=/nonexistent/redis-server", $"--Ollama:Command={bin.Create("ollama")}", "--Ollama:Gpu=amd");

        var ollama = builder.Resource<OllamaExecutableResource>("ollama");
        Assert.Equal(["serve"], await ollama.ArgumentsAsync());
        Assert.False(Assert.Single(ollama.Annotations.OfType<EndpointAnnotation>()).IsProxied); // a dead process refuses connections
        Assert.DoesNotContain(builder.Resources, r => r is ContainerResource);
    }

    private static async Task<List<string>> ContainerRuntimeArgsAsync(IResource resource)
    {
        var args = new List<object>();
        foreach (var callback in resource.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await callback.Callback(new ContainerRuntimeArgsCallbackContext(args));
        }

        return args.Cast<string>().ToList();
    }

    [Fact]
    public async Task EachConfiguredModelIsAChildOfOllamaThatTheProxyWaitsFor()
    {
        await using var builder = await AppHostModel.ContainerModeAsync("--Ollama:Models:0=qwen2.5-coder:7b", "--Ollama:Models:1=llama3.2");

        var ollama = builder.Resource<OllamaResource>("ollama");
        var qwen = builder.Resource<OllamaModelResource>("ollama-qwen2-5-coder-7b");
        var llama = builder.Resource<OllamaModelResource>("ollama-llama3-2");
        Assert.Equal(("qwen2.5-coder:7b", "llama3.2"), (qwen.ModelName, llama.ModelName));
        Assert.Same(ollama, qwen.Parent);
        Assert.Same(ollama, llama.Parent);
        Assert.Contains(qwen.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent" && r.Resource == ollama);
        Assert.NotEmpty(qwen.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Contains(qwen.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == OllamaResourceBuilderExtensions.PullCommandName);
        Assert.Equal("Endpoint={ollama.bindings.http.url};Model=qwen2.5-coder:7b", qwen.ConnectionStringExpression.ValueExpression);

        var proxy = builder.Resource<ProjectResource>("proxy");
        Assert.Superset(new HashSet<string> { "cache", "ollama", qwen.Name, llama.Name }, proxy.WaitsFor().ToHashSet());
    }

    [Fact]
    public async Task OllamaCommand_IsAnExecutableListeningWhereOllamaHostSays_WithItsModelsAsChildren()
    {
        using var bin = new FakeExecutables();
        var ollamaPath = bin.Create("ollama");
        await using var builder = await AppHostModel.ProcessModeAsync("--Redis:Command=/nonexistent/redis-server", $"--Ollama:Command={ollamaPath}");

        var ollama = builder.Resource<OllamaExecutableResource>("ollama");
        Assert.Equal(ollamaPath, ollama.Command);
        Assert.Equal(["serve"], await ollama.ArgumentsAsync());
        var env = await ollama.EnvironmentAsync();
        Assert.Equal("127.0.0.1:{ollama.bindings.http.targetPort}", env["OLLAMA_HOST"]);
        Assert.NotEmpty(ollama.Annotations.OfType<HealthCheckAnnotation>());

        var model = builder.Resource<OllamaModelResource>("ollama-qwen2-5-coder-7b");
        Assert.Same(ollama, model.Parent);

        var proxyEnv = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();
        Assert.Equal("{ollama.connectionString}", proxyEnv["ConnectionStrings__ollama"]);
        Assert.Equal("Ollama", proxyEnv["Proxy__Providers__ollama__Kind"]);
        Assert.Equal("qwen2.5-coder:7b", proxyEnv["Proxy__Models__local-qwen2.5-coder-7b__Model"]);
    }

    [Fact]
    public async Task OllamaArgs_ReplaceServe_SoAStandInCanBeLaunched()
    {
        using var bin = new FakeExecutables();
        var dotnet = bin.Create("dotnet");
        await using var builder = await AppHostModel.ProcessModeAsync(
            "--Redis:Command=/nonexistent/redis-server", $"--Ollama:Command={dotnet}", "--Ollama:Args:0=standin.dll", "--Ollama:Args:1=serve");

        var ollama = builder.Resource<OllamaExecutableResource>("ollama");
        Assert.Equal(["standin.dll", "serve"], await ollama.ArgumentsAsync());
    }
}
