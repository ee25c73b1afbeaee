using Microsoft.AspNetCore.Http;

namespace CursorAspire.Contracts;

/// <summary>
/// The header "Check as Cursor" (CursorAspire.Check, from the AppHost or a terminal) puts on its own requests
/// (<c>x-cursoraspire-check: 1</c>). With a valid proof beside it (<see cref="CheckProof"/>) the proxy counts the
/// check's tokens apart from the key's daily budget, within an allowance (<c>UsageLedger.CheckAllowancePerDay</c>, never
/// more than the budget itself); without one the marker changes nothing, so no key holder can use it to spend outside
/// a budget. It never skips the budget's refusal: a key that spent its budget fails the check as it fails in Cursor.
/// </summary>
/// <remarks>One spelling for the proxy, which counts the request apart, and the check, which sends it.</remarks>
public static class CheckRequestHeader
{
    /// <summary>The header's name.</summary>
    public const string Name = "x-cursoraspire-check";

    /// <summary>The value that marks a check request.</summary>
    public const string Value = "1";

    /// <summary>Whether <paramref name="context"/> is a request marked as the check's own (proven or not).</summary>
    public static bool IsPresent(HttpContext context) => context.Request.Headers[Name] == Value;
}
