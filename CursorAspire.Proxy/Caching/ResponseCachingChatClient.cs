using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using CursorAspire.Proxy.Context;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Response cache middleware: answers a routed chat request from the store when the same caller sent the same
/// request (same provider, model, messages, tools, tool choice and generation options) before, and otherwise
/// calls the upstream once, even for concurrent identical requests.
/// </summary>
/// <remarks>
/// <para>Per-request control travels in a <see cref="ResponseCacheScope"/> on the request's
/// <see cref="ChatCallContext"/>, and its <see cref="ResponseCacheScope.Outcome"/> is filled in. Without it the request
/// bypasses the cache. The current span gets the tag <c>cursoraspire.cache.outcome</c>.</para>
/// <para>Only complete answers are stored: a finish reason is present, no tool call failed to parse, no error
/// content, the stream ran to its end without an exception and without cancellation. Streams are stored as their
/// full list of updates and replayed update for update.</para>
/// <para>A hit keeps the original usage numbers (Cursor's context meter is driven by them) and is marked with
/// <see cref="CacheHitPropertyName"/> = <see langword="true"/> in the <c>AdditionalProperties</c> of the
/// <see cref="ChatResponse"/> or of every replayed <see cref="ChatResponseUpdate"/>.</para>
/// <para>Requests whose temperature is above zero (or, by default, unspecified) bypass the cache unless
/// <see cref="ResponseCacheOptions.CacheNonDeterministic"/> (or <see cref="ResponseCacheOptions.CacheUnspecifiedTemperature"/>) is set.
/// Store failures never fail a request: see <see cref="ResponseCacheStore"/>.</para>
/// </remarks>
public sealed class ResponseCachingChatClient : DelegatingChatClient
{
    /// <summary>
    /// <c>AdditionalProperties</c> entry set to <see langword="true"/> on a response (or on each replayed update)
    /// that was served from the cache. Usage numbers on such a response are the original call's.
    /// </summary>
    public const string CacheHitPropertyName = "cursoraspire.cache.hit";

    /// <summary>Whether <paramref name="response"/> was served from the cache (its usage was not spent again).</summary>
    public static bool IsCacheHit(ChatResponse response) =>
        response?.AdditionalProperties?.TryGetValue(CacheHitPropertyName, out var value) == true && value is true;

    /// <summary>Whether <paramref name="update"/> was replayed from the cache (its usage was not spent again).</summary>
    public static bool IsCacheHit(ChatResponseUpdate update) =>
        update?.AdditionalProperties?.TryGetValue(CacheHitPropertyName, out var value) == true && value is true;

    private readonly string _provider;
    private readonly bool _enabledForRoute;
    private readonly ResponseCacheStore _store;
    private readonly InFlightResponses _inFlight;
    private readonly ResponseCacheMetrics _metrics;
    private readonly ResponseCacheOptions _settings;
    private readonly ILogger _logger;

    /// <summary>Creates the middleware over <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The next client in the pipeline (provider quirks, then the provider).</param>
    /// <param name="providerName">The provider this pipeline calls; part of the key.</param>
    /// <param name="store">The shared, fail-open store access.</param>
    /// <param name="inFlight">The shared map of in-flight misses.</param>
    /// <param name="metrics">The cache's instruments.</param>
    /// <param name="options">The cache settings.</param>
    /// <param name="enabledForRoute">The route's switch (<c>Proxy:Models:&lt;alias&gt;:Cache</c>).</param>
    /// <param name="logger">Logger.</param>
    public ResponseCachingChatClient(
        IChatClient innerClient,
        string providerName,
        ResponseCacheStore store,
        InFlightResponses inFlight,
        ResponseCacheMetrics metrics,
        IOptions<ResponseCacheOptions> options,
        bool enabledForRoute = true,
        ILogger<ResponseCachingChatClient>? logger = null)
        : base(innerClient)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(inFlight);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        _provider = providerName;
        _enabledForRoute = enabledForRoute;
        _store = store;
        _inFlight = inFlight;
        _metrics = metrics;
        _settings = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var activity = Activity.Current;
        var request = ChatCallContext.Of(options)?.Cache;
        var innerOptions = options;

        var bypass = GetBypassReason(request, innerOptions);
        if (bypass is not null)
        {
            SetOutcome(request, activity, ResponseCacheOutcome.Bypass, bypass);
            return await base.GetResponseAsync(messages, innerOptions, cancellationToken).ConfigureAwait(false);
        }

        var key = ResponseCacheKeyBuilder.Compute(request!.Partition, _provider, streaming: false, messages, innerOptions);
        var outcome = request.NoCache ? ResponseCacheOutcome.Bypass : ResponseCacheOutcome.Miss;

        if (!request.NoCache)
        {
            var read = await _store.TryGetAsync(key, cancellationToken).ConfigureAwait(false);
            if (read.Found && TryReadResponse(read.Value!, out var cached))
            {
                return ServeHit(request, activity, cached, "store", read.Value!.Length);
            }

            outcome = read.Failed ? ResponseCacheOutcome.Error : ResponseCacheOutcome.Miss;
        }

        InFlightLease? lease = null;
        if (!request.NoCache && !request.NoStore)
        {
            lease = _inFlight.TryLead(key, out var pending);
            if (lease is null && await pending!.WaitAsync(cancellationToken).ConfigureAwait(false) is { } shared
                && TryReadResponse(shared, out var coalesced))
            {
                return ServeHit(request, activity, coalesced, "in_flight", shared.Length);
            }
        }

        SetOutcome(request, activity, outcome, outcome == ResponseCacheOutcome.Bypass ? "no_cache" : null);

        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, innerOptions, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lease?.Complete(null);
            throw;
        }

        byte[]? payload = null;
        var notStorable = GetNotStorableReason(response) ?? (cancellationToken.IsCancellationRequested ? "the request was cancelled" : null);
        if (notStorable is null)
        {
            payload = TrySerialize(response, out notStorable);
        }

        lease?.Complete(payload);
        try
        {
            await StoreAsync(request, key, payload, notStorable).ConfigureAwait(false);
        }
        finally
        {
            lease?.Release();
        }

        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var activity = Activity.Current;
        var request = ChatCallContext.Of(options)?.Cache;
        var innerOptions = options;

        var bypass = GetBypassReason(request, innerOptions);
        if (bypass is not null)
        {
            SetOutcome(request, activity, ResponseCacheOutcome.Bypass, bypass);
            await foreach (var update in base.GetStreamingResponseAsync(messages, innerOptions, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var key = ResponseCacheKeyBuilder.Compute(request!.Partition, _provider, streaming: true, messages, innerOptions);
        var outcome = request.NoCache ? ResponseCacheOutcome.Bypass : ResponseCacheOutcome.Miss;
        List<ChatResponseUpdate>? replay = null;

        if (!request.NoCache)
        {
            var read = await _store.TryGetAsync(key, cancellationToken).ConfigureAwait(false);
            if (read.Found && TryReadUpdates(read.Value!, out replay))
            {
                ServeHit(request, activity, replay, "store", read.Value!.Length);
            }
            else
            {
                outcome = read.Failed ? ResponseCacheOutcome.Error : ResponseCacheOutcome.Miss;
            }
        }

        InFlightLease? lease = null;
        if (replay is null && !request.NoCache && !request.NoStore)
        {
            // A follower waits for the leader's whole stream, then replays it.
            lease = _inFlight.TryLead(key, out var pending);
            if (lease is null && await pending!.WaitAsync(cancellationToken).ConfigureAwait(false) is { } shared
                && TryReadUpdates(shared, out replay))
            {
                ServeHit(request, activity, replay, "in_flight", shared.Length);
            }
        }

        if (replay is not null)
        {
            foreach (var update in replay)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return update;
            }

            yield break;
        }

        SetOutcome(request, activity, outcome, outcome == ResponseCacheOutcome.Bypass ? "no_cache" : null);

        using var recorder = new ResponseUpdateArrayWriter();
        string? notStorable = null;
        var sawFinishReason = false;
        var completed = false;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, innerOptions, cancellationToken).ConfigureAwait(false))
            {
                if (notStorable is null)
                {
                    sawFinishReason |= update.FinishReason is not null;
                    notStorable = Record(recorder, update);
                }

                yield return update;
            }

            completed = true;
        }
        finally
        {
            // An exception, a cancellation or the consumer walking away ends here without completing the lease.
            if (!completed)
            {
                lease?.Complete(null);
                ResponseCacheLog.NotStored(_logger, "the stream did not complete");
            }
        }

        notStorable ??= !sawFinishReason ? "the stream carried no finish reason"
            : cancellationToken.IsCancellationRequested ? "the request was cancelled"
            : null;
        var payload = notStorable is null ? recorder.ToArray() : null;
        lease?.Complete(payload);
        try
        {
            await StoreAsync(request, key, payload, notStorable).ConfigureAwait(false);
        }
        finally
        {
            lease?.Release();
        }
    }

    private string? GetBypassReason(ResponseCacheScope? request, ChatOptions? options)
    {
        if (!_settings.Enabled)
        {
            return "disabled";
        }

        if (!_enabledForRoute || request is { ModelAllowsCaching: false })
        {
            return "model_disabled";
        }

        if (request is null)
        {
            // Without a partition one caller could be served another's answers.
            return "no_partition";
        }

        if (request.NoCache && request.NoStore)
        {
            return "no_cache_no_store";
        }

        if (options?.ContinuationToken is not null)
        {
            return "continuation";
        }

        var deterministic = options?.Temperature is float temperature ? temperature <= 0f : _settings.CacheUnspecifiedTemperature;
        return deterministic || _settings.CacheNonDeterministic ? null : "non_deterministic";
    }

    private void SetOutcome(ResponseCacheScope? request, Activity? activity, ResponseCacheOutcome outcome, string? bypassReason)
    {
        request?.Outcome = outcome;
        ResponseCacheMetrics.TagActivity(activity, outcome);
        switch (outcome)
        {
            case ResponseCacheOutcome.Miss:
                _metrics.Miss(_provider);
                break;
            case ResponseCacheOutcome.Bypass:
                _metrics.Bypass(_provider, bypassReason ?? "unknown");
                break;

            // Hits are counted where served; errors are counted per store operation by the store.
        }
    }

    private ChatResponse ServeHit(ResponseCacheScope request, Activity? activity, ChatResponse response, string source, int bytes)
    {
        (response.AdditionalProperties ??= [])[CacheHitPropertyName] = true;
        request.Outcome = ResponseCacheOutcome.Hit;
        ResponseCacheMetrics.TagActivity(activity, ResponseCacheOutcome.Hit);
        _metrics.Hit(_provider, source, bytes);
        return response;
    }

    private void ServeHit(ResponseCacheScope request, Activity? activity, List<ChatResponseUpdate> updates, string source, int bytes)
    {
        foreach (var update in updates)
        {
            (update.AdditionalProperties ??= [])[CacheHitPropertyName] = true;
        }

        request.Outcome = ResponseCacheOutcome.Hit;
        ResponseCacheMetrics.TagActivity(activity, ResponseCacheOutcome.Hit);
        _metrics.Hit(_provider, source, bytes);
    }

    private async Task StoreAsync(ResponseCacheScope request, string key, byte[]? payload, string? notStorable)
    {
        if (payload is null)
        {
            ResponseCacheLog.NotStored(_logger, notStorable ?? "unknown");
            return;
        }

        if (request.NoStore)
        {
            ResponseCacheLog.NotStored(_logger, "no-store");
            return;
        }

        // Not the request's token: the answer is already delivered, and the write is bounded by the store timeout.
        await _store.TrySetAsync(key, payload, CancellationToken.None).ConfigureAwait(false);
    }

    private string? Record(ResponseUpdateArrayWriter recorder, ChatResponseUpdate update)
    {
        var reason = GetNotStorableReason(update.Contents);
        if (reason is not null)
        {
            return reason;
        }

        try
        {
            recorder.Add(update);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            return $"an update could not be serialized ({ex.GetType().Name})";
        }

        return recorder.BytesWritten > _settings.MaxEntryBytes ? "the response exceeds MaxEntryBytes" : null;
    }

    private byte[]? TrySerialize(ChatResponse response, out string? notStorable)
    {
        try
        {
            var payload = ResponseCacheSerializer.SerializeResponse(response);
            notStorable = payload.Length > _settings.MaxEntryBytes ? "the response exceeds MaxEntryBytes" : null;
            return notStorable is null ? payload : null;
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            notStorable = $"the response could not be serialized ({ex.GetType().Name})";
            return null;
        }
    }

    private static string? GetNotStorableReason(ChatResponse response)
    {
        if (response.FinishReason is null)
        {
            return "the response carried no finish reason";
        }

        foreach (var message in response.Messages)
        {
            if (GetNotStorableReason(message.Contents) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    private static string? GetNotStorableReason(IList<AIContent> contents)
    {
        foreach (var content in contents)
        {
            switch (content)
            {
                case FunctionCallContent { Exception: not null }:
                    return "tool-call arguments did not parse";
                case ErrorContent:
                    return "the response carried an error";
            }
        }

        return null;
    }

    private bool TryReadResponse(byte[] payload, out ChatResponse response)
    {
        try
        {
            response = ResponseCacheSerializer.DeserializeResponse(payload);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            ResponseCacheLog.EntryUnreadable(_logger, ex.GetType().Name);
            response = null!;
            return false;
        }
    }

    private bool TryReadUpdates(byte[] payload, [NotNullWhen(true)] out List<ChatResponseUpdate>? updates)
    {
        try
        {
            updates = ResponseCacheSerializer.DeserializeUpdates(payload);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            ResponseCacheLog.EntryUnreadable(_logger, ex.GetType().Name);
            updates = null;
            return false;
        }
    }
}
