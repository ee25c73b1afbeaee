namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A placeholder shown in the dashboard for a service that cannot run on this machine, so its absence is visible
/// (with the reason) instead of silent. Nothing references it and it never starts.
/// </summary>
/// <param name="name">The name the real resource would have had.</param>
/// <param name="reason">Why it is not running and what the user can do about it.</param>
public sealed class UnavailableResource(string name, string reason) : Resource(name)
{
    /// <summary>Why the service is not running.</summary>
    public string Reason { get; } = reason;
}
