#pragma warning disable ASPIREPROBES001 // Aspire's own record of a resource's health probes, read here to write them down.
using System.Text.Json;

namespace Aspire.Hosting;

/// <summary>
/// Writes what a deployment needs but Aspire's publishing manifest has no field for: a resource's replica count, its
/// HTTP health probes and its GPUs. They go into an <c>x-cursoraspire</c> block of the resource's manifest entry, next to
/// what Aspire writes itself; azd and Aspirate ignore the block (they read only the fields they know), and
/// docs/deploy.md says how each of them is given these values.
/// </summary>
/// <remarks>
/// The values come from the model's own annotations (<see cref="ReplicaAnnotation"/>, <see cref="EndpointProbeAnnotation"/>,
/// <see cref="GpuRequestAnnotation"/>), which Aspire's newer deployment publishers read directly; the manifest only
/// repeats them. A project entry is written the way Aspire's manifest publisher writes one (type, path, args, env,
/// bindings), from its public pieces.
/// </remarks>
public static class DeploymentHintsManifestExtensions
{
    /// <summary>The name of the block in a manifest entry.</summary>
    public const string BlockName = "x-cursoraspire";

    /// <summary>Writes the proxy's manifest entry with its <see cref="BlockName"/> block.</summary>
    /// <param name="builder">A project resource.</param>
    /// <typeparam name="T">The project's type.</typeparam>
    /// <returns>The builder.</returns>
    public static IResourceBuilder<T> WithDeploymentHintsInManifest<T>(this IResourceBuilder<T> builder)
        where T : ProjectResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        var project = builder.Resource;
        return builder.WithManifestPublishingCallback(async context =>
        {
            var metadata = project.Annotations.OfType<IProjectMetadata>().LastOrDefault()
                ?? throw new DistributedApplicationException($"Project '{project.Name}' has no project metadata.");
            context.Writer.WriteString("type", "project.v0");
            context.Writer.WriteString("path", context.GetManifestRelativePath(metadata.ProjectPath));
            await context.WriteCommandLineArgumentsAsync(project).ConfigureAwait(false);
            await context.WriteEnvironmentVariablesAsync(project).ConfigureAwait(false);
            context.WriteBindings(project);
            WriteBlock(context.Writer, project);
        });
    }

    /// <summary>Writes a container's manifest entry (as Aspire does) with its <see cref="BlockName"/> block.</summary>
    /// <param name="builder">A container resource.</param>
    /// <typeparam name="T">The container's type.</typeparam>
    /// <returns>The builder.</returns>
    public static IResourceBuilder<T> WithContainerDeploymentHintsInManifest<T>(this IResourceBuilder<T> builder)
        where T : ContainerResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        var container = builder.Resource;
        return builder.WithManifestPublishingCallback(async context =>
        {
            await context.WriteContainerAsync(container).ConfigureAwait(false);
            WriteBlock(context.Writer, container);
        });
    }

    private static void WriteBlock(Utf8JsonWriter writer, IResource resource)
    {
        writer.WriteStartObject(BlockName);
        writer.WriteString("note", "Not read by azd or Aspirate: docs/deploy.md says how to apply these.");
        if (resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas))
        {
            writer.WriteNumber("replicas", replicas.Replicas);
        }

        var probes = resource.Annotations.OfType<EndpointProbeAnnotation>().ToList();
        if (probes.Count > 0)
        {
            writer.WriteStartArray("probes");
            foreach (var probe in probes)
            {
                writer.WriteStartObject();
                writer.WriteString("type", probe.Type.ToString().ToLowerInvariant());
                writer.WriteString("path", probe.Path);
                writer.WriteString("binding", probe.EndpointReference.EndpointName);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (resource.TryGetLastAnnotation<GpuRequestAnnotation>(out var gpu))
        {
            writer.WriteStartObject("gpu");
            writer.WriteString("vendor", gpu.Vendor.ToString().ToLowerInvariant());
            writer.WriteNumber("count", gpu.Count);
            writer.WriteString("kubernetesResource", gpu.KubernetesResource);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
