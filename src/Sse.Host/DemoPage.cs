namespace Sse.Host;

/// <summary>The browser test page (the seed's <c>test_sse.html</c>), embedded so it ships inside the assembly.</summary>
internal static class DemoPage
{
    public static readonly string Html = Load();

    private static string Load()
    {
        using var stream = typeof(DemoPage).Assembly.GetManifestResourceStream("Sse.Host.DemoPage.index.html")
            ?? throw new InvalidOperationException("The demo page resource is missing from Sse.Host.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
