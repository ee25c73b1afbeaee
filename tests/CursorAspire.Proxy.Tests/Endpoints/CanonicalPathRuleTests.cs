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
    /// <summary>The four routes' own paths skip it; near misses (a slash more, a prefix, another case, a deeper path) do not.</summary>
    public static TheoryData<string, RuleResult> Paths()
    {
        var data = new TheoryData<string, RuleResult>();
        foreach (var path in new[] { "/v1/chat/completions", "/v1/models", "/v1/responses", "/v1/usage" })
        {
            data.Add(path, RuleResult.SkipRemainingRules);
        }
        foreach (var path in new[] { "/v1/chat/completions/", "/openai/v1/chat/completions", "/chat/completions", "/V1/Models", "/v1/responses/resp_1" })
        {
            data.Add(path, RuleResult.ContinueRules);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void OnlyTheRoutesOwnPathsSkipTheRegularExpression(string path, RuleResult expected)
    {
        var context = new RewriteContext { HttpContext = new DefaultHttpContext { Request = { Path = path } } };

        new CanonicalPathRule().ApplyRule(context);

        Assert.Equal(expected, context.Result);
        Assert.Equal(path, context.HttpContext.Request.Path.Value); // never rewritten here
    }
}
