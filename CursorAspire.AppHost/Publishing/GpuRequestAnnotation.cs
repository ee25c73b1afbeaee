namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Records that a published container needs GPUs, which the publishing manifest has no field for: it is written into the
/// manifest's <c>x-cursoraspire</c> block (<see cref="DeploymentHintsManifestExtensions"/>), and docs/deploy.md says how
/// each deployment tool is told.
/// </summary>
/// <param name="Vendor">Whose GPUs.</param>
/// <param name="Count">How many.</param>
public sealed record GpuRequestAnnotation(OllamaGpuVendor Vendor, int Count = 1) : IResourceAnnotation
{
    /// <summary>The Kubernetes extended resource that requests this vendor's GPUs (device plugin name).</summary>
    public string KubernetesResource => Vendor == OllamaGpuVendor.Amd ? "amd.com/gpu" : "nvidia.com/gpu";
}
