using CursorAspire.Tunnel.PublicUrl;

namespace CursorAspire.Tunnel.Tests.PublicUrl;

public sealed class CloudflareTunnelUrlsTests
{
    [Theory]
    [InlineData("https://seasonal-deck-organisms-sf.trycloudflare.com", "https://seasonal-deck-organisms-sf.trycloudflare.com/v1")]
    [InlineData("https://seasonal-deck-organisms-sf.trycloudflare.com/", "https://seasonal-deck-organisms-sf.trycloudflare.com/v1")]
    [InlineData("https://cursor.example.com/proxy/", "https://cursor.example.com/proxy/v1")]
    public void CursorBaseUrlIsThePublicUrlPlusV1(string publicUrl, string expected)
    {
        Assert.Equal(expected, CloudflareTunnelUrls.GetCursorBaseUrl(new Uri(publicUrl)).ToString());
    }

    [Fact]
    public void CursorBaseUrlRejectsARelativeUrl()
    {
        Assert.Throws<ArgumentException>(() => CloudflareTunnelUrls.GetCursorBaseUrl(new Uri("/v1", UriKind.Relative)));
    }
}
