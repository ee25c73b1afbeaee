using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using CursorAspire.Proxy.Context;
using Microsoft.Extensions.Logging.Abstractions;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Response cache middleware: answers a routed chat request from the store when the same caller sent the same
/// request (same provider, model, messages, tools, tool choice and generation options) before, and otherwise
/// calls the upstream once, even for concurrent identical requests.
/// </summary>
/// <remarks>
/// <para>The flow is M.E.AI's <c>CachingChatClient</c>'s (key, read, else call and write), with what may be read and
/// kept decided by <see cref="ResponseCachePolicy"/>, concurrent misses joined by <see cref="InFlightCoalescer"/> (across
/// replicas through <see cref="ResponseCacheClaims"/>), the
/// store reached through <see cref="ResponseCacheStore"/> and entries written by <see cref="ResponseCacheSerializer"/>.</para>
/// <para>Per-request control travels in a <see cref="ResponseCacheScope"/> on the request's
/// <see cref="ChatCallContext"/>, and its <see cref="ResponseCacheScope.Outcome"/> is filled in. Without it the request
/// bypasses the cache. The current span gets the tag <c>cursoraspire.cache.outcome</c>.</para>
/// <para>Streams are stored as their full list of updates and replayed update for update.</para>
/// <para>A hit keeps the original usage numbers (Cursor's context meter is driven by them) and is marked with
/// <see cref="CacheHitPropertyName"/> = <see langword="true"/> in the <c>AdditionalProperties</c> of the
/// <see cref="ChatResponse"/> or of every replayed <see cref="ChatResponseUpdate"/>.</para>
/// <para>Store failures never fail a request: see <see cref="ResponseCacheStore"/>.</para>
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
    private readonly ResponseCachePolicy _policy;
    private readonly ResponseCacheStore _store;
    private readonly InFlightCoalescer _inFlight;
    private readonly ResponseCacheMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates the middleware over <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The next client in the pipeline (reasoning continuity, provider quirks, the provider).</param>
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
        InFlightCoalescer inFlight,
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
        _policy = new ResponseCachePolicy(options.Value, enabledForRoute);
        _store = store;
        _inFlight = inFlight;
        _metrics = metrics;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (Admit(messages, options, streaming: false) is not { } lookup)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var (cached, lease) = await LookUpAsync(lookup, ResponseCacheSerializer.ResponseInfo, cancellationToken).ConfigureAwait(false);
        if (cached is not null)
        {
            (cached.AdditionalProperties ??= [])[CacheHitPropertyName] = true;
            return cached;
        }

        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lease?.Complete(null);
            throw;
        }

        byte[]? payload = null;
        var notStorable = ResponseCachePolicy.NotStorable(response, cancellationToken.IsCancellationRequested);
        if (notStorable is null)
        {
            payload = ResponseCacheSerializer.TrySerialize(response, out var error);
            notStorable = payload is null ? $"the response could not be serialized ({error})" : _policy.TooLarge(payload.Length);
        }

        await KeepAsync(lookup, lease, notStorable is null ? payload : null, notStorable).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (Admit(messages, options, streaming: true) is not { } lookup)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        // A follower waits for the leader's whole stream, then replays it.
        var (replay, lease) = await LookUpAsync(lookup, ResponseCacheSerializer.UpdateListInfo, cancellationToken).ConfigureAwait(false);
        if (replay is not null)
        {
            foreach (var update in replay)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (update.AdditionalProperties ??= [])[CacheHitPropertyName] = true;
                yield return update;
            }

            yield break;
        }

        using var recorder = new ResponseUpdateArrayWriter();
        string? notStorable = null;
        var sawFinishReason = false;
        var completed = false;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
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

        notStorable ??= ResponseCachePolicy.NotStorable(sawFinishReason, cancellationToken.IsCancellationRequested);
        await KeepAsync(lookup, lease, notStorable is null ? recorder.ToArray() : null, notStorable).ConfigureAwait(false);
    }

    /// <summary>
    /// The request's way into the cache, with its key; null when the policy says it bypasses the cache (its outcome is
    /// then already recorded, and it goes upstream untouched).
    /// </summary>
    private CacheLookup? Admit(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming)
    {
        var activity = Activity.Current;
        var scope = ChatCallContext.Of(options)?.Cache;
        if (_policy.BypassReason(scope, options) is { } bypass)
        {
            _metrics.Report(scope, activity, _provider, ResponseCacheOutcome.Bypass, bypass);
            return null;
        }

        var key = ResponseCacheKeyBuilder.Compute(scope!.Partition, _provider, streaming, messages, options);
        return new CacheLookup(scope, activity, key);
    }

    /// <summary>
    /// The answer from the store, else from a concurrent identical request's upstream call, in this process or another
    /// replica (<see cref="InFlightCoalescer"/>);
    /// on a miss, the lease this request now holds as the leader (null when it goes upstream on its own), with the
    /// outcome recorded.
    /// </summary>
    private async ValueTask<(T? Cached, InFlightLease? Lease)> LookUpAsync<T>(CacheLookup lookup, JsonTypeInfo<T> info, CancellationToken cancellationToken)
        where T : class
    {
        var scope = lookup.Scope;
        var outcome = scope.NoCache ? ResponseCacheOutcome.Bypass : ResponseCacheOutcome.Miss;
        if (!scope.NoCache)
        {
            var read = await _store.TryGetAsync(lookup.Key, cancellationToken).ConfigureAwait(false);
            if (read.Found && TryRead(read.Value!, info, out var stored))
            {
                _metrics.ReportHit(scope, lookup.Activity, _provider, "store", read.Value!.Length);
                return (stored, null);
            }

            outcome = read.Failed ? ResponseCacheOutcome.Error : ResponseCacheOutcome.Miss;
        }

        InFlightLease? lease = null;
        if (!scope.NoCache && !scope.NoStore)
        {
            byte[]? shared;
            string source;
            try
            {
                (lease, shared, source) = await _inFlight.JoinAsync(
                    lookup.Key, token => _store.TryGetAsync(lookup.Key, token), cancellationToken, scope).ConfigureAwait(false);
            }
            finally
            {
                // A wait that ends in an error must not leave the header saying HIT; otherwise the outcome is reported below.
                scope.AwaitingSharedAnswer = false;
            }
            if (shared is not null && TryRead(shared, info, out var coalesced))
            {
                _metrics.ReportHit(scope, lookup.Activity, _provider, source, shared.Length);
                return (coalesced, null);
            }
        }

        _metrics.Report(scope, lookup.Activity, _provider, outcome, outcome == ResponseCacheOutcome.Bypass ? "no_cache" : null);
        return (null, lease);
    }

    /// <summary>Hands the answer to the requests waiting on this one, and stores it when it may be kept.</summary>
    private async Task KeepAsync(CacheLookup lookup, InFlightLease? lease, byte[]? payload, string? notStorable)
    {
        lease?.Complete(payload);
        var stored = false;
        try
        {
            if (payload is null)
            {
                ResponseCacheLog.NotStored(_logger, notStorable ?? "unknown");
            }
            else if (lookup.Scope.NoStore)
            {
                ResponseCacheLog.NotStored(_logger, "no-store");
            }
            else
            {
                // Not the request's token: the answer is already delivered, and the write is bounded by the store timeout.
                stored = await _store.TrySetAsync(lookup.Key, payload, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            lease?.Release(stored); // the other replicas waiting on its claim read the store, or go upstream themselves
        }
    }

    private string? Record(ResponseUpdateArrayWriter recorder, ChatResponseUpdate update) =>
        ResponseCachePolicy.NotStorable(update.Contents)
        ?? (recorder.TryAdd(update, out var error) ? _policy.TooLarge(recorder.BytesWritten) : $"an update could not be serialized ({error})");

    private bool TryRead<T>(byte[] payload, JsonTypeInfo<T> info, [NotNullWhen(true)] out T? value)
        where T : class
    {
        if (ResponseCacheSerializer.TryDeserialize(payload, info, out value, out var error))
        {
            return true;
        }

        ResponseCacheLog.EntryUnreadable(_logger, error!);
        return false;
    }

    /// <summary>One request that consults the cache: its scope, its span, and its key.</summary>
    private sealed record CacheLookup(ResponseCacheScope Scope, Activity? Activity, string Key);
}
