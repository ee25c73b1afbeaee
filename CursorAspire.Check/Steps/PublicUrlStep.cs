using System.Globalization;
using System.Net;

namespace CursorAspire.Check.Steps;

/// <summary>
/// Step 1: the public URL answers. <c>GET {root}/health</c> through whatever is in front (Cloudflare's edge and the
/// tunnel): any answer from the server itself proves DNS, TLS and the edge; Cloudflare's own error pages (530/1033,
/// 502) and network failures are explained. A URL Cursor's servers cannot use (plain http, localhost, a private
/// address) is a warning: it answers here, but not for Cursor.
/// </summary>
internal sealed class PublicUrlStep : ICheckStep
{
    public string Name => "Public URL";

    public CheckPrerequisite Requires => CheckPrerequisite.None;

    public async Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var health = new Uri(context.Root, "health");
        using var exchange = await context.SendAsync(context.Request(HttpMethod.Get, health, key: string.Empty), cancellationToken).ConfigureAwait(false);
        var ms = exchange.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        string answered;
        if (exchange.Response.IsSuccessStatusCode)
        {
            answered = $"GET {health} answered {exchange.Status} in {ms} ms";
        }
        else
        {
            var answer = await exchange.ReadAnswerAsync().ConfigureAwait(false);
            if (answer.FromCloudflare || (answer.Status >= 500 && !answer.IsApiError))
            {
                return CheckVerdict.Fail(Diagnosis.Of(answer));
            }

            // The server answered, just not on /health (not a CursorAspire proxy, or a path prefix): the way in works.
            answered = $"the server answers (GET {health} gave {exchange.Status} in {ms} ms: no /health there, which is fine)";
        }

        context.PublicUrlAnswers = true;
        return UnreachableForCursor(context.Options.BaseUrl) is { } why
            ? CheckVerdict.Warn($"{Capitalize(answered)}, but Cursor's servers cannot use this URL: {why}. Use the tunnel's public https URL (or AppHost:PublicBaseUrl).")
            : CheckVerdict.Pass($"{Capitalize(answered)}.");
    }

    /// <summary>Why Cursor's servers cannot call <paramref name="url"/>, or null when they can.</summary>
    internal static string? UnreachableForCursor(Uri url)
    {
        if (url.IsLoopback || string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return "it is this machine (localhost), and Cursor's servers make the model calls";
        }

        if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IsPrivate(address))
        {
            return "it is a private-network address, which Cursor's servers refuse";
        }

        return url.Scheme != Uri.UriSchemeHttps ? "it is plain http; Cursor's servers call https URLs" : null;
    }

    private static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal)
        {
            return true;
        }

        var bytes = address.MapToIPv4().GetAddressBytes();
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && (bytes[0] == 10
            || (bytes[0] == 172 && bytes[1] >= 16 && bytes[1] <= 31)
            || (bytes[0] == 192 && bytes[1] == 168)
            || (bytes[0] == 169 && bytes[1] == 254)
            || (bytes[0] == 100 && bytes[1] >= 64 && bytes[1] <= 127));
    }

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
