using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Luffy.Web.Tests.Infrastructure;

/// <summary>
/// Pages in a real browser (Debian's chromium through Playwright, no browser download) against the app on Kestrel:
/// a fresh context per page, console errors collected, arrival by URL, screenshots to <c>screenshots/</c> in the test output.
/// </summary>
public abstract class BrowserTest(LuffyApp app) : IAsyncLifetime
{
    private static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    /// <summary>What the pages wrote to the console as errors (CSP violations included); a test asserts it stays empty.</summary>
    protected List<string> ConsoleErrors { get; } = [];

    public virtual async ValueTask InitializeAsync()
    {
        if (!DebianChromium.Installed)
            return;
        Directory.CreateDirectory(Shots);
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    protected async Task<IPage> PageAsync(int width = 1280, int height = 900)
    {
        Assert.SkipWhen(_browser is null, $"{DebianChromium.Path} is not installed: the browser tests need Debian's chromium package");
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.Anonymous().BaseAddress!.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "zh-CN",
        });
        // The browser reports a refused script, style or frame as a console error too; this names the directive.
        await context.AddInitScriptAsync("""
            document.addEventListener("securitypolicyviolation", e => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
            """);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") ConsoleErrors.Add($"{message.Text} {message.Location}"); };
        page.PageError += (_, error) => ConsoleErrors.Add(error);
        return page;
    }

    // Pages count as arrived when their document is parsed: what a test reads next waits for its own element. Chromium's
    // load event also waits for images and styles, and once on a loaded CI machine it did not come within 30 s although
    // no request was in flight (Playwright had fired "networkidle").
    protected const WaitUntilState Parsed = WaitUntilState.DOMContentLoaded;

    protected static Task<IResponse?> OpenAsync(IPage page, string url) =>
        page.GotoAsync(url, new PageGotoOptions { WaitUntil = Parsed });

    /// <summary>
    /// Waits for the page to reach <paramref name="url"/> (a glob: <c>**</c> any text, <c>*</c> any text without a
    /// slash, everything else literal); a timeout says where the page is instead. Arrived means the new document has
    /// committed (the frame's URL is the new one): what the test reads next waits for its own element.
    /// This polls the frame's URL rather than waiting for a navigation event. With Playwright's
    /// <c>WaitForURLAsync</c> the wait once ran out in CI with the page at the URL and showing the new document (a GET
    /// form submitted by a change event); it checks the URL, then subscribes to navigations, so a navigation that
    /// commits in between is not seen. Before that, waiting for DOMContentLoaded hung the same way about one full run
    /// in three.
    /// </summary>
    protected static async Task ArrivedAsync(IPage page, string url)
    {
        var pattern = GlobRegex(url);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!pattern.IsMatch(page.Url))
        {
            if (DateTime.UtcNow > deadline)
                throw new System.TimeoutException($"expected {url}, the page is at {page.Url}: {await VisibleTextAsync(page)}");
            await Task.Delay(20);
        }
    }

    private static Regex GlobRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*") + "$");

    protected static async Task<string> VisibleTextAsync(IPage page)
    {
        try
        {
            var text = await page.InnerTextAsync("body", new PageInnerTextOptions { Timeout = 1_000 });
            return text.Length <= 400 ? text : text[..400];
        }
        catch (Exception e) when (e is System.TimeoutException or PlaywrightException)
        {
            return $"(no text: {e.Message})";
        }
    }

    protected static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, name + ".png"), FullPage = true });
}
