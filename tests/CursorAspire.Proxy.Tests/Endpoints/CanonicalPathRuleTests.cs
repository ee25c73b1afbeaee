using CursorAspire.Proxy.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Rewrite;

namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// The routes' own paths pass the rewriter without its regular expression; every other path is left to it (the paths
/// under any prefix are served end to end in <c>EdgeTests</c>).
/// </summary>
public sealed class CanonicalPathRuleTests
{
    [Theory]
    [InlineData("/v1/chat/completions", RuleResult.SkipRemainingRules)]
    [InlineData("/v1/models", RuleResult.SkipRemainingRules)]
    [InlineData("/v1/responses", RuleResult.SkipRemainingRules)]
    [InlineData("/v1/usage", RuleResult.SkipRemainingRules)]
    [InlineData("/v1/chat/completions/", RuleResult.ContinueRules)]
    [InlineData("/openai/v1/chat/completions", RuleResult.ContinueRules)]
    [InlineData("/chat/completions", RuleResult.ContinueRules)]
    [InlineData("/V1/Models", RuleResult.ContinueRules)]
    [InlineData("/v1/responses/resp_1", RuleResult.ContinueRules)]
    public void OnlyTheRoutesOwnPathsSkipTheRegularExpression(string path, RuleResult expected)
    {
        var context = new RewriteContext { HttpContext = new DefaultHttpContext { Request = { Path = path } } };

        new CanonicalPathRule().ApplyRule(context);

        Assert.Equal(expected, context.Result);
        Assert.Equal(path, context.HttpContext.Request.Path.Value); // never rewritten here
    }
}
