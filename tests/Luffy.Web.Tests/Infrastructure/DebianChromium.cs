using Microsoft.Playwright;

namespace Luffy.Web.Tests.Infrastructure;

/// <summary>Debian's chromium through Playwright (which never downloads a browser here), headless.</summary>
public static class DebianChromium
{
    public const string Path = "/usr/bin/chromium";

    public static bool Installed => File.Exists(Path);

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
}
