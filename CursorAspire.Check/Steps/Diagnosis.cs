using CursorAspire.Check.Http;

namespace CursorAspire.Check.Steps;

/// <summary>
/// Plain words for what went wrong on the way to the server or in its answer, with what to do. Cursor itself says far
/// less: it shows any 429 or 5xx as a rate-limit error, and a missing /models as "Unauthorized".
/// </summary>
internal static class Diagnosis
{
    /// <summary>Said after a 429 or 5xx: what Cursor turns it into.</summary>
    public const string CursorShowsRateLimit = "(Cursor shows any 429 or 5xx as a rate-limit error, whatever the cause.)";

    /// <summary>What the key refusal means and how to fix it.</summary>
    public const string KeyFix =
        "Paste the proxy's key as Cursor's OpenAI API Key: under the AppHost it is the value of the parameter 'proxy-api-key' " +
        "(dashboard: the parameter's row → show value; or `dotnet user-secrets list --project CursorAspire.AppHost`).";

    /// <summary>Explains a non-success answer.</summary>
    public static string Of(HttpAnswer answer)
    {
        if (answer.FromCloudflare)
        {
            return OfCloudflare(answer);
        }

        var said = answer.Quote();
        return answer.Status switch
        {
            401 => $"The key is refused ({said}). {KeyFix}",
            403 => $"Refused ({said}). The key may not be allowed this model (Proxy:Keys:<name>:Models), or something in front of the server (an access policy) blocks the request.",
            404 when answer.Code == "model_not_found" => $"The server does not know the model ({said}).",
            404 => $"Nothing answers this path ({said}). Check the base URL: Cursor appends /chat/completions and /models to it exactly as typed (it usually ends in /v1).",
            429 when answer.Code == "insufficient_quota" => $"The key has spent its daily token budget ({said}). {CursorShowsRateLimit}",
            429 when answer.Code == "too_many_failed_authentications" => $"This address sent too many wrong keys in the last minute and is paused ({said}). Wait a minute. {CursorShowsRateLimit}",
            429 when !answer.IsApiError => $"Rate limited before the server ({said}): a Cloudflare quick tunnel allows at most 200 requests in flight; use a named tunnel. {CursorShowsRateLimit}",
            429 => $"Rate limited ({said}). Wait and retry, or raise the key's limit (Proxy:RateLimit, Proxy:Keys:<name>). {CursorShowsRateLimit}",
            502 when answer.Code == "upstream_unreachable" => $"The proxy cannot reach the model's server: it is down or not reachable ({said}). Under the AppHost, look at the 'ollama' row (or the provider's endpoint). {CursorShowsRateLimit}",
            503 when answer.Code == "upstream_unavailable" => $"The model's server is down or failing, so the proxy stopped calling it for a while ({said}). Under the AppHost, look at the 'ollama' row (or the provider's status). {CursorShowsRateLimit}",
            504 when answer.Code == "upstream_timeout" => $"The model sent nothing in time: it may still be loading, or be too slow for this machine ({said}). {CursorShowsRateLimit}",
            504 => $"A gateway in front of the server gave up waiting for it ({said}): the model's server may be down or hanging (under the AppHost, look at the 'ollama' row), or the model still loading. {CursorShowsRateLimit}",
            >= 500 => $"The server failed ({said}). {CursorShowsRateLimit}",
            _ => $"Unexpected answer ({said}).",
        };
    }

    /// <summary>Explains a request that got no answer at all: DNS, TLS, a refused connection.</summary>
    public static string Of(HttpRequestException ex, Uri url)
    {
        var host = url.Host;
        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError =>
                $"The hostname {host} does not resolve (DNS: {Innermost(ex)}). A quick-tunnel hostname exists only while its cloudflared runs, and every start " +
                "makes a new one: copy the current URL from the tunnel's row in the dashboard (Public URL). For a named tunnel, check its DNS record " +
                "(a CNAME to <tunnel id>.cfargotunnel.com) and CloudflareTunnel:Hostname.",
            HttpRequestError.SecureConnectionError =>
                $"TLS with {host} failed ({Innermost(ex)}). Cursor's servers would refuse this URL too: use the tunnel's https URL, or give your HTTPS front end a valid certificate.",
            HttpRequestError.ConnectionError =>
                $"Nothing answers at {host}:{url.Port} ({Innermost(ex)}). Check the URL; if it is your own front end (AppHost:PublicBaseUrl), check that it runs and forwards to the proxy.",
            _ => $"The request to {host} failed ({Innermost(ex)}).",
        };
    }

    /// <summary>Explains a request that got no complete answer within its deadline.</summary>
    public static string Of(CheckTimeoutException ex) =>
        $"The server sent {ex.Message}: the model's server may be down or hanging (under the AppHost, look at the 'ollama' row), or the model still loading.";

    private static string OfCloudflare(HttpAnswer answer) => (answer.Status, answer.CloudflareCode) switch
    {
        (_, 1033) => $"Cloudflare has no tunnel connected for this hostname (HTTP {answer.Status}, Cloudflare error 1033). The tunnel is down or still registering, or this is an old " +
            "quick-tunnel URL: a quick tunnel gets a new hostname on every start. Copy the current URL from the tunnel's row in the dashboard, and check that " +
            "cloudflared runs and logs 'Registered tunnel connection'.",
        (_, 1016) => $"Cloudflare cannot find the origin for this hostname (HTTP {answer.Status}, Cloudflare error 1016: origin DNS error). Check the tunnel's Public Hostname in Cloudflare's dashboard.",
        (530, _) => $"Cloudflare cannot reach anything behind this hostname ({answer.Quote()}). Check that the tunnel runs (its row in the dashboard) and that this is its current URL.",
        (502 or 504, _) => $"The tunnel is up but cannot reach the proxy behind it ({answer.Quote()}). Check that the proxy runs and answers GET /health locally, and that the tunnel points at it.",
        (524, _) => $"Cloudflare gave up waiting for the server: it answers within 100 s or not at all ({answer.Quote()}). {CursorShowsRateLimit}",
        _ => $"Cloudflare's edge answered instead of the server ({answer.Quote()}). {CursorShowsRateLimit}",
    };

    private static string Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner)
        {
            ex = inner;
        }

        return ex.Message;
    }
}
