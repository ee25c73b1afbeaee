using Microsoft.Extensions.AI;
using OllamaSharp;

namespace CursorAspire.TestUpstreams.Tests.Ollama;

/// <summary>
/// What the Ollama stand-in tells about a model's make-up (<c>/api/show</c>) and, once a chat loaded it, its memory
/// (<c>/api/ps</c>): all on the GPU, spilled onto the CPU, or all on a CPU, as configured; read through OllamaSharp.
/// </summary>
public sealed class OllamaModelMemoryTests
{
    private const string Model = "qwen2.5-coder:7b";
    private const long GiB = 1024L * 1024 * 1024;

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task ShowReportsTheModelsMakeUpUnderItsArchitecturesKeys()
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { Models = [Model], ModelInfo = OllamaModelInfo.Qwen25Coder7B });
        var client = new OllamaApiClient(ollama.BaseUri);

        var show = await client.ShowModelAsync(Model, Deadline());

        Assert.Equal("qwen2", show.Info!.Architecture);
        Assert.Equal(7_615_616_512, show.Info.ParameterCount);
        Assert.Equal("Q4_K_M", show.Details!.QuantizationLevel);
        var info = show.Info.ExtraInfo!;
        Assert.Equal(28, ((JsonElement)info["qwen2.block_count"]!).GetInt32());
        Assert.Equal(28, ((JsonElement)info["qwen2.attention.head_count"]!).GetInt32());
        Assert.Equal(4, ((JsonElement)info["qwen2.attention.head_count_kv"]!).GetInt32());
        Assert.Equal(3584, ((JsonElement)info["qwen2.embedding_length"]!).GetInt32());
        Assert.Equal(32_768, ((JsonElement)info["qwen2.context_length"]!).GetInt32());
        Assert.False(info.ContainsKey("qwen2.attention.key_length")); // absent: embedding length ÷ heads, as in the GGUF
        var tags = await client.ListLocalModelsAsync(Deadline());
        Assert.Equal(4_683_087_332, tags.Single().Size);
    }

    [Theory]
    [InlineData(24L * GiB, "fits")]
    [InlineData(6L * GiB, "spills")]
    [InlineData(null, "cpu")]
    public async Task AChatLoadsTheModelWithItsWindowAndPsSaysHowMuchIsOnTheGpu(long? gpu, string expected)
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { Models = [Model], ModelInfo = OllamaModelInfo.Qwen25Coder7B, GpuMemoryBytes = gpu });
        var client = new OllamaApiClient(ollama.BaseUri, Model);
        Assert.Empty(await client.ListRunningModelsAsync(Deadline()));

        await ((IChatClient)client).GetResponseAsync("hi", new ChatOptions { AdditionalProperties = new() { ["num_ctx"] = 32_768 } }, Deadline());

        var running = Assert.Single(await client.ListRunningModelsAsync(Deadline()));
        Assert.Equal(Model, running.Name);
        Assert.Equal(32_768, running.ContextLength);
        // Weights, 28 layers × 4 KV heads × (128 + 128) × 2 bytes of KV cache and 4 × 512 × 29 bytes of graph a token, the runtime.
        Assert.Equal(4_683_087_332 + 512L * 1024 * 1024 + 32_768L * (57_344 + 59_392), running.Size);
        switch (expected)
        {
            case "fits":
                Assert.Equal(running.Size, running.SizeVram);
                break;
            case "spills":
                Assert.Equal(6L * GiB, running.SizeVram);
                Assert.True(running.SizeVram < running.Size);
                break;
            default:
                Assert.Equal(0, running.SizeVram);
                break;
        }
    }

    [Fact]
    public async Task AChatWithAnotherWindowReloadsTheModelAndOneWithoutGetsOllamasDefault()
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { Models = [Model] });
        IChatClient client = new OllamaApiClient(ollama.BaseUri, Model);

        await client.GetResponseAsync("hi", cancellationToken: Deadline());
        var first = Assert.Single(await ((IOllamaApiClient)client).ListRunningModelsAsync(Deadline()));
        await client.GetResponseAsync("hi", new ChatOptions { AdditionalProperties = new() { ["num_ctx"] = 16_384 } }, Deadline());
        var second = Assert.Single(await ((IOllamaApiClient)client).ListRunningModelsAsync(Deadline()));

        Assert.Equal(4096, first.ContextLength);
        Assert.Equal(16_384, second.ContextLength);
        Assert.True(second.Size > first.Size);
    }

    [Fact]
    public void TheExecutableReadsTheGpuAndTheModelsMakeUpFromItsEnvironment()
    {
        var env = new Dictionary<string, string?>
        {
            ["STANDIN_GPU_MB"] = "8192",
            ["STANDIN_MODEL_INFO"] = """{"architecture":"qwen2","blockCount":28,"headCount":28,"headCountKv":4,"embeddingLength":3584}""",
        };

        var options = OllamaStandInOptions.FromEnvironment(name => env.GetValueOrDefault(name));

        Assert.Equal(8L * GiB, options.GpuMemoryBytes);
        Assert.Equal("qwen2", options.ModelInfo!.Architecture);
        Assert.Equal(4, options.ModelInfo.HeadCountKv);
        Assert.Null(OllamaStandInOptions.FromEnvironment(_ => null).GpuMemoryBytes);
    }
}
