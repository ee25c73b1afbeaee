namespace CursorAspire.Check;

/// <summary>What the Cursor check checks, and how patiently.</summary>
public sealed class CursorCheckOptions
{
    /// <summary>Cursor's usual prompt size in tokens (system prompt, tools, attached code): what the context step sends.</summary>
    public const int CursorPromptTokens = 25_000;

    /// <summary>The default of <see cref="SlowFirstToken"/>.</summary>
    public static readonly TimeSpan DefaultSlowFirstToken = TimeSpan.FromSeconds(10);

    /// <summary>The default of <see cref="RequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The default of <see cref="ContextProbeTimeout"/>.</summary>
    public static readonly TimeSpan DefaultContextProbeTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The base URL as pasted into Cursor's "Override OpenAI Base URL", e.g. <c>https://words.trycloudflare.com/v1</c>.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The key pasted into Cursor's "OpenAI API Key".</summary>
    public required string ApiKey { get; init; }

    /// <summary>
    /// The check secret the AppHost shares with the proxy (<c>Proxy:CheckSecret</c>): when set, every request carries a
    /// proof (<see cref="CursorAspire.Contracts.CheckProof"/>) and the proxy counts its tokens apart from the key's budget.
    /// Without it the requests count like Cursor's.
    /// </summary>
    public string? CheckSecret { get; init; }

    /// <summary>Check only these models; empty checks what <c>GET …/models</c> lists (at most <see cref="MaxModels"/>).</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>
    /// Aliases that think (<c>Proxy:Models:&lt;alias&gt;:Reasoning</c>): each gets a request without an effort, as Cursor
    /// sends them, which must open its stream soon and carry the reasoning or the answer.
    /// </summary>
    public IReadOnlyList<string> ThinkingModels { get; init; } = [];

    /// <summary>Models that must be listed (the AppHost's aliases); a missing one fails the models step.</summary>
    public IReadOnlyList<string> ExpectedModels { get; init; } = [];

    /// <summary>Most models checked one by one when <see cref="Models"/> is empty (an OpenAI-compatible service may list hundreds).</summary>
    public int MaxModels { get; init; } = 5;

    /// <summary>Which models get the context-window probe; the others pass that step unprobed. All by default.</summary>
    public Func<string, bool> ProbeContextOf { get; init; } = _ => true;

    /// <summary>The prompt size the context step sends, in (estimated) tokens; 0 leaves the step out.</summary>
    public int ContextProbeTokens { get; init; } = CursorPromptTokens;

    /// <summary>A first token later than this is reported (the model is loading, or slow).</summary>
    public TimeSpan SlowFirstToken { get; init; } = DefaultSlowFirstToken;

    /// <summary>The longest any one request of the check may take (the context probe has its own).</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>The longest the context probe may take: a local model reads a Cursor-sized prompt slowly on a CPU.</summary>
    public TimeSpan ContextProbeTimeout { get; init; } = DefaultContextProbeTimeout;

    /// <summary>The <c>Origin</c> Cursor's desktop app sends (its Verify call and preflight come from a browser engine).</summary>
    public string Origin { get; init; } = "vscode-file://vscode-app";
}
