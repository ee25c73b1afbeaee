namespace CursorAspire.TestUpstreams;

/// <summary>Settings of an <see cref="OllamaStandIn"/>.</summary>
public sealed class OllamaStandInOptions
{
    /// <summary>Where to listen; port 0 (the default, on 127.0.0.1) picks a free port.</summary>
    public IPEndPoint Endpoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Models present at start (names without a tag get <c>:latest</c>).</summary>
    public IReadOnlyList<string> Models { get; set; } = [];

    /// <summary>
    /// Where pulled models are kept (<c>OLLAMA_MODELS</c>), so a restarted stand-in still has them as real Ollama does;
    /// <see langword="null"/> (the default) keeps them in memory only.
    /// </summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Delay between two <c>/api/pull</c> progress lines.</summary>
    public TimeSpan PullStepDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Context length <c>/api/show</c> reports for models that were not given their own.</summary>
    public int ContextLength { get; set; } = 32768;

    /// <summary>The make-up of the models present or pulled (<c>/api/show</c>; their memory in <c>/api/ps</c>); null is an 8B Llama.</summary>
    public OllamaModelInfo? ModelInfo { get; set; }

    /// <summary>
    /// The GPU memory a loaded model may take (<c>/api/ps</c>' <c>size_vram</c>): more than the model needs fits it, less
    /// spills the rest onto the CPU; null (the default) is a machine without a GPU, everything on the CPU.
    /// </summary>
    public long? GpuMemoryBytes { get; set; }

    /// <summary>Names <c>/api/pull</c> can find; <see langword="null"/> (the default) lets any name be pulled.</summary>
    public IReadOnlyCollection<string>? PullableModels { get; set; }

    /// <summary>
    /// When true, chat with a model that is not present gets Ollama's 404 (<c>model "x" not found, try pulling it first</c>).
    /// Off by default so tests need not pull first.
    /// </summary>
    public bool RequireModelForChat { get; set; }

    /// <summary>What <c>/api/version</c> reports.</summary>
    public string Version { get; set; } = "0.12.6";

    /// <summary>The reply when none is queued; <see langword="null"/> uses <see cref="StandInReply.EchoOf"/>.</summary>
    public Func<RecordedRequest, StandInReply>? DefaultReply { get; set; }

    /// <summary>Clock for <c>created_at</c>, <c>modified_at</c>, <see cref="RecordedRequest.ReceivedAt"/> and delays.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where to write one GIN-style access-log line per request (executable mode); <see langword="null"/> writes none.</summary>
    public TextWriter? AccessLog { get; set; }

    /// <summary>
    /// Options from the environment, as <c>ollama serve</c> would read it: <c>OLLAMA_HOST</c> (see <see cref="OllamaHost.Parse"/>),
    /// <c>STANDIN_MODELS</c> (comma list), <c>STANDIN_PULL_STEP_MS</c> (default 50), <c>STANDIN_CONTEXT_LENGTH</c> (default 32768),
    /// <c>STANDIN_REQUIRE_MODEL</c> (<c>true</c>/<c>1</c>), <c>OLLAMA_MODELS</c> (where pulled models are kept),
    /// <c>STANDIN_GPU_MB</c> (the GPU's memory in MiB; none without it), <c>STANDIN_MODEL_INFO</c> (an <see cref="OllamaModelInfo"/> as JSON).
    /// </summary>
    /// <exception cref="FormatException">A variable holds a value that cannot be used; the message names it.</exception>
    public static OllamaStandInOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var options = new OllamaStandInOptions
        {
            Endpoint = OllamaHost.Parse(getVariable("OLLAMA_HOST")),
            Models = (getVariable("STANDIN_MODELS") ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ModelsDirectory = getVariable("OLLAMA_MODELS") is { Length: > 0 } directory ? directory : null,
        };
        if (ReadInt(getVariable, "STANDIN_PULL_STEP_MS") is { } stepMs)
        {
            options.PullStepDelay = TimeSpan.FromMilliseconds(stepMs);
        }

        if (ReadInt(getVariable, "STANDIN_CONTEXT_LENGTH") is { } contextLength)
        {
            options.ContextLength = contextLength;
        }

        options.RequireModelForChat = getVariable("STANDIN_REQUIRE_MODEL")?.Trim().ToLowerInvariant() is "1" or "true";

        if (ReadInt(getVariable, "STANDIN_GPU_MB") is { } gpuMebibytes)
        {
            options.GpuMemoryBytes = gpuMebibytes * 1024L * 1024;
        }

        if (getVariable("STANDIN_MODEL_INFO") is { Length: > 0 } infoJson)
        {
            options.ModelInfo = ParseJson<OllamaModelInfo>(infoJson, "STANDIN_MODEL_INFO");
        }

        // A scripted reply for every chat call, as JSON (e.g. {"ToolCalls":[{"Name":"read_file","ArgumentsJson":"{}"}]}):
        // how an end-to-end run of the executable asks for a tool call instead of the echo.
        if (getVariable("STANDIN_REPLY") is { Length: > 0 } replyJson)
        {
            var reply = ParseJson<StandInReply>(replyJson, "STANDIN_REPLY");
            options.DefaultReply = _ => reply;
        }
        return options;
    }

    private static T ParseJson<T>(string json, string name)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<T>(json, System.Text.Json.JsonSerializerOptions.Web)
                ?? throw new FormatException($"{name} is null.");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new FormatException($"{name} is not a JSON {typeof(T).Name}: {ex.Message}");
        }
    }

    private static int? ReadInt(Func<string, string?> getVariable, string name)
    {
        var value = getVariable(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new FormatException($"{name}='{value}' is not a non-negative whole number.");
    }
}
