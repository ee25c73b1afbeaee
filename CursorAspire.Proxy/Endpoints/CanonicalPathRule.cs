using Microsoft.AspNetCore.Rewrite;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// Lets the routes' own paths (<c>/v1/chat/completions</c> and the rest, as the README tells Cursor users to set them)
/// through the rewriter untouched, before its regular expression: that rule would match them too and rewrite each to
/// itself, a match and a new path string on every request. Any other path goes on to the regular expression.
/// </summary>
internal sealed class CanonicalPathRule : IRule
{
    private static readonly string[] Canonical = ["/v1/chat/completions", "/v1/models", "/v1/responses", "/v1/usage"];

    public void ApplyRule(RewriteContext context)
    {
        var path = context.HttpContext.Request.Path.Value;
        foreach (var canonical in Canonical)
        {
            if (string.Equals(path, canonical, StringComparison.Ordinal))
            {
                context.Result = RuleResult.SkipRemainingRules;
                return;
            }
        }
    }
}
