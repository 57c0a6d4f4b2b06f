using Microsoft.Playwright;
using Sse.Tests.Http;

namespace Sse.Tests.Browser;

/// <summary>
/// Debian's headless Chromium driven by Playwright, one browser per test class. Playwright's own
/// browser builds cannot be downloaded here (registries only), so it launches the system's.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // A missing browser fails the tests rather than skipping them, so CI cannot pass without them.
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Debian's Chromium at {ExecutablePath}: apt-get install chromium");
        }
        // Expectations wait as long as the HTTP tests' facts do: a loaded 2-core CI machine is slow.
        Assertions.SetDefaultExpectTimeout((float)BrokerHost.FactTimeout.TotalMilliseconds);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // No sandbox: CI runs as root, where Chromium refuses one. The rest keeps it from calling out.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}
