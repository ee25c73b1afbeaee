#pragma warning disable ASPIRECERTIFICATES001 // Aspire's certificate annotations are experimental; this test reads them as Aspire does.

namespace CursorAspire.AppHost.Tests.Hosting;

/// <summary>
/// No resource asks for a development certificate, in either mode: Aspire (13.6, DcpHost) raises the dashboard's red
/// "No trusted development certificate" banner when one does (an https endpoint, or Kestrel's certificate set-up that
/// every project and Aspire's Redis get unless turned off) and the machine has no trusted one, as a fresh Linux has not.
/// </summary>
public sealed class DevelopmentCertificateModelTests
{
    [Fact]
    public async Task InProcessModeNoResourceUsesTls()
    {
        await using var builder = await AppHostModel.ProcessModeAsync();
        Assert.Empty(builder.Resources.Where(UsesTls).Select(r => r.Name));
    }

    [Fact]
    public async Task InContainerModeNoResourceUsesTls()
    {
        await using var builder = await AppHostModel.ContainerModeAsync();
        Assert.Contains(builder.Resources, r => r is RedisResource);
        Assert.Empty(builder.Resources.Where(UsesTls).Select(r => r.Name));
    }

    /// <summary>Aspire's own rule, as DcpHost applies it before it warns.</summary>
    private static bool UsesTls(IResource resource) =>
        resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.UriScheme == "https")
        || (resource.Annotations.OfType<HttpsCertificateConfigurationCallbackAnnotation>().Any()
            && !(resource.TryGetLastAnnotation<HttpsCertificateAnnotation>(out var certificate)
                && certificate.UseDeveloperCertificate != true && certificate.Certificate is null));
}
