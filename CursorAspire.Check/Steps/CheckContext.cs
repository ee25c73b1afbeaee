using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text;
using CursorAspire.Check.Http;
using CursorAspire.Contracts;

namespace CursorAspire.Check.Steps;

/// <summary>
/// One run of the check: the options, what earlier steps learned (the URL answers, the key is refused, the models
/// listed), and how its requests are made. Every request is marked as the check's own (<see cref="CheckRequestHeader"/>),
/// proven so with the check secret when there is one (<see cref="CheckProof"/>: then not counted against the key's
/// budget), and never cached (<c>Cache-Control: no-store, no-cache</c>).
/// </summary>
internal sealed class CheckContext(HttpClient http, CursorCheckOptions options, TimeProvider time)
{
    private readonly Uri _base = new(options.BaseUrl.ToString().TrimEnd('/') + "/");

    public CursorCheckOptions Options => options;

    public TimeProvider Time => time;

    /// <summary>Step 1 got an answer from the server behind the URL.</summary>
    public bool PublicUrlAnswers { get; set; }

    /// <summary>Step 2 saw the key refused: the steps that need it are not run.</summary>
    public bool KeyRefused { get; set; }

    /// <summary>
    /// Where the server stopped answering in time, by model (<see cref="AnyModel"/> for the server as a whole), and the
    /// step that found it: later steps there are not run, as each would wait as long.
    /// </summary>
    public Dictionary<string, string> Unresponsive { get; } = new(StringComparer.Ordinal);

    /// <summary>The key of <see cref="Unresponsive"/> for the server as a whole.</summary>
    public const string AnyModel = "*";

    /// <summary>What <c>GET …/models</c> listed, or null when it listed nothing readable.</summary>
    public IReadOnlyList<string>? ListedModels { get; set; }

    /// <summary>The models checked one by one: those asked for, else those listed (at most <see cref="CursorCheckOptions.MaxModels"/>), else those expected.</summary>
    public IReadOnlyList<string> ModelsToCheck =>
        options.Models.Count > 0 ? options.Models
        : ListedModels is { Count: > 0 } listed ? listed.Take(options.MaxModels).ToList()
        : options.ExpectedModels;

    /// <summary>An API path under the base URL, e.g. <c>chat/completions</c> → <c>https://host/v1/chat/completions</c>.</summary>
    public Uri Api(string path) => new(_base, path);

    /// <summary>The server's root: the base URL without a trailing <c>/v1</c>, where CursorAspire answers <c>/health</c>.</summary>
    public Uri Root
    {
        get
        {
            var path = _base.AbsolutePath.TrimEnd('/');
            if (path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
            {
                path = path[..^3];
            }

            return new UriBuilder(_base) { Path = path + "/", Query = string.Empty }.Uri;
        }
    }

    /// <summary>A request of the check: the key (unless <paramref name="key"/> says otherwise), the check's marks, and a JSON body.</summary>
    /// <param name="method">The method.</param>
    /// <param name="url">Where to.</param>
    /// <param name="body">A JSON body, or none.</param>
    /// <param name="key">The key to send: the check's key by default; <see cref="string.Empty"/> sends none.</param>
    public HttpRequestMessage Request(HttpMethod method, Uri url, JsonNode? body = null, string? key = null)
    {
        var request = new HttpRequestMessage(method, url);
        key ??= options.ApiKey;
        if (key.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        request.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true, NoCache = true };
        request.Headers.TryAddWithoutValidation(CheckRequestHeader.Name, CheckRequestHeader.Value);
        if (options.CheckSecret is { Length: > 0 } secret && key.Length > 0)
        {
            request.Headers.TryAddWithoutValidation(CheckProof.HeaderName, CheckProof.Create(secret, key, time.GetUtcNow()));
        }
        request.Headers.UserAgent.ParseAdd("CursorAspire-Check/1.0");
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>
    /// Sends <paramref name="request"/> (owned from here on) and returns once the response headers arrived; the body is
    /// read through the returned exchange under the same deadline.
    /// </summary>
    /// <exception cref="CheckTimeoutException">No response headers within <paramref name="timeout"/>.</exception>
    /// <exception cref="HttpRequestException">No answer at all (DNS, TLS, connection).</exception>
    public async Task<CheckExchange> SendAsync(HttpRequestMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = new CancellationTokenSource(timeout, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var sentAt = time.GetTimestamp();
        try
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return new CheckExchange(request, response, sentAt, time, timeout, deadline, linked, cancellationToken);
        }
        catch (Exception ex)
        {
            request.Dispose();
            linked.Dispose();
            var timedOut = deadline.IsCancellationRequested;
            deadline.Dispose();
            if (ex is OperationCanceledException && timedOut && !cancellationToken.IsCancellationRequested)
            {
                throw new CheckTimeoutException(timeout);
            }

            throw;
        }
    }

    /// <summary>Sends a request with the usual deadline (<see cref="CursorCheckOptions.RequestTimeout"/>).</summary>
    public Task<CheckExchange> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, options.RequestTimeout, cancellationToken);
}
