using System.Text.RegularExpressions;
using CursorAspire.Tunnel;

namespace CursorAspire.AppHost.Tests.Hosting;

/// <summary>The pinned versions (one place: <see cref="PinnedVersions"/>) and every container image the AppHost can run.</summary>
public sealed partial class PinnedVersionsTests
{
    [Fact]
    public void CloudflaredIsACalendarReleaseAndOllamaASemanticVersionWithoutItsV()
    {
        Assert.Matches(CalendarVersion(), PinnedVersions.Cloudflared);
        Assert.Matches(SemanticVersion(), PinnedVersions.Ollama);
        Assert.Equal(PinnedVersions.Ollama + "-rocm", PinnedVersions.OllamaRocm);
    }

    [Theory]
    [InlineData("docker", "false")]
    [InlineData("docker", "amd")]
    [InlineData("podman", "nvidia")]
    public async Task EveryContainerImageIsAWellFormedPinnedReference(string runtime, string gpu)
    {
        await using var builder = await AppHostModel.CreateAsync($"--AppHost:ContainerRuntime={runtime}", $"--Ollama:Gpu={gpu}");

        var images = builder.Resources.OfType<ContainerResource>()
            .Select(r => (r.Name, Image: Assert.Single(r.Annotations.OfType<ContainerImageAnnotation>())))
            .ToList();

        Assert.Contains(images, i => i.Name == "cache");
        Assert.Contains(images, i => i.Name == "ollama");
        Assert.Contains(images, i => i.Name == "tunnel");
        foreach (var (name, image) in images)
        {
            Assert.True(image.Registry is not null && Registry().IsMatch(image.Registry), $"{name}: registry '{image.Registry}'");
            Assert.True(Repository().IsMatch(image.Image), $"{name}: image '{image.Image}'");
            Assert.True(image.Tag is not null && Tag().IsMatch(image.Tag), $"{name}: tag '{image.Tag}' (a pinned tag, never empty)");
            Assert.NotEqual("latest", image.Tag);
        }

        var expected = new Dictionary<string, (string Image, string Tag)>
        {
            ["ollama"] = ("ollama/ollama", gpu == "amd" ? PinnedVersions.OllamaRocm : PinnedVersions.Ollama),
            ["tunnel"] = ("cloudflare/cloudflared", PinnedVersions.Cloudflared),
        };
        foreach (var (name, (image, tag)) in expected)
        {
            var annotation = images.Single(i => i.Name == name).Image;
            Assert.Equal(("docker.io", image, tag), (annotation.Registry, annotation.Image, annotation.Tag));
        }
    }

    // The grammar of a Docker image reference (distribution/reference): registry host[:port], path components, tag.
    [GeneratedRegex(@"^[a-z0-9]+([.-][a-z0-9]+)*(:[0-9]+)?$")]
    private static partial Regex Registry();

    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$")]
    private static partial Regex Repository();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^20\d{2}\.(?:[1-9]|1[0-2])\.\d+$")]
    private static partial Regex CalendarVersion();

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex SemanticVersion();
}
