namespace Sse.Host;

/// <summary>The browser test page (the seed's <c>test_sse.html</c>) and the client it uses, embedded so they ship inside the assembly.</summary>
internal static class DemoPage
{
    public static readonly string Html = Load("index.html");

    /// <summary>The browser client module (clients/browser/src/index.js), which the page imports.</summary>
    public static readonly string Client = Load("sse-client.js");

    private static string Load(string name)
    {
        using var stream = typeof(DemoPage).Assembly.GetManifestResourceStream("Sse.Host.DemoPage." + name)
            ?? throw new InvalidOperationException($"The demo page resource {name} is missing from Sse.Host.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
