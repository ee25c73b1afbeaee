namespace CursorAspire.Proxy.Tools;

/// <summary>
/// One order for a request's tool declarations, by name: a model server renders the tools near the start of the prompt,
/// so a client that lists the same tools in another order from one turn to the next would otherwise cost the whole
/// cached prefix.
/// </summary>
public static class ToolOrder
{
    /// <summary>
    /// <paramref name="tools"/> ordered by name (ordinal); the same list when it already is. Cursor lists its tools in an
    /// order of its own, the same every turn; ordering them anyway costs a few dozen comparisons and one list.
    /// </summary>
    public static IList<AITool>? ByName(IList<AITool>? tools)
    {
        if (tools is null)
        {
            return null;
        }
        for (var i = 1; i < tools.Count; i++)
        {
            if (string.CompareOrdinal(tools[i - 1].Name, tools[i].Name) > 0)
            {
                // One list, sorted in place: the same input always comes out in the same order (even tools of the same
                // name, which upstreams refuse anyway), which is all the prefix needs.
                var sorted = new List<AITool>(tools);
                sorted.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                return sorted;
            }
        }
        return tools;
    }
}
