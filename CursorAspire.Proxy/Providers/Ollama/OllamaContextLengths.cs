using System.Collections.Concurrent;
using OllamaSharp;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// The context lengths Ollama reports for its models (<c>/api/show</c>, <c>&lt;architecture&gt;.context_length</c>),
/// read once per server and model and shared by the stages that need them: the planner's ceiling for <c>num_ctx</c>, and
/// the window compaction fits a prompt into.
/// </summary>
public sealed partial class OllamaContextLengths(ILogger<OllamaContextLengths> logger)
{
    /// <summary>Used when neither configuration nor <c>/api/show</c> tells the model's context length.</summary>
    public const int AssumedContextLength = 32_768;

    private readonly ConcurrentDictionary<(Uri? Server, string Model), Task<int>> _lengths = new();

    /// <summary>The context length <paramref name="ollama"/> reports for <paramref name="model"/>, else <see cref="AssumedContextLength"/>.</summary>
    public Task<int> GetAsync(IOllamaApiClient ollama, string model, CancellationToken cancellationToken)
    {
        var key = (ollama.Uri, model);
        var task = _lengths.GetOrAdd(key, k => ReadAsync(ollama, k));
        // A failed lookup is not cached: the next request asks again.
        if (task.IsFaulted || task.IsCanceled)
        {
            _lengths.TryRemove(key, out _);
        }
        return task.WaitAsync(cancellationToken);
    }

    private async Task<int> ReadAsync(IOllamaApiClient ollama, (Uri? Server, string Model) key)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var show = await ollama.ShowModelAsync(key.Model, timeout.Token).ConfigureAwait(false);
            if (show.Info?.ExtraInfo is { } info)
            {
                foreach (var (name, value) in info)
                {
                    if (name.EndsWith(".context_length", StringComparison.Ordinal) && value is JsonElement { ValueKind: JsonValueKind.Number } number && number.TryGetInt32(out var length))
                    {
                        return length;
                    }
                }
            }
            LogNoContextLength(logger, key.Model, AssumedContextLength);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogContextLengthUnread(logger, key.Model, ex.Message, AssumedContextLength);
            _lengths.TryRemove(key, out _);
        }
        return AssumedContextLength;
    }

    [LoggerMessage(1, LogLevel.Information, "Ollama did not report a context length for {Model}; assuming {ContextLength}.")]
    private static partial void LogNoContextLength(ILogger logger, string model, int contextLength);

    [LoggerMessage(2, LogLevel.Warning, "Could not read {Model}'s context length from Ollama ({Error}); assuming {ContextLength}.")]
    private static partial void LogContextLengthUnread(ILogger logger, string model, string error, int contextLength);
}
