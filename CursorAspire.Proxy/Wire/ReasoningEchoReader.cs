namespace CursorAspire.Proxy.Wire;

/// <summary>Finds the reasoning echo in the contents of an assistant message read from the wire.</summary>
internal static class ReasoningEchoReader
{
    /// <summary>
    /// Moves a leading think block of the message's first text into an echo reasoning content placed first, and drops
    /// the text if nothing else is left of it. Returns the same list.
    /// </summary>
    public static List<AIContent> TakeEcho(List<AIContent> contents)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not TextContent text)
            {
                continue;
            }
            var (reasoning, rest) = ReasoningEcho.SplitThinkTags(text.Text);
            if (reasoning is null)
            {
                return contents;
            }
            if (rest.Length == 0)
            {
                contents.RemoveAt(i);
            }
            else
            {
                contents[i] = new TextContent(rest);
            }
            contents.Insert(0, ReasoningEcho.Create(reasoning));
            return contents;
        }
        return contents;
    }
}
