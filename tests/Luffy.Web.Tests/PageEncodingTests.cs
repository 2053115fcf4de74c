using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

/// <summary>Pages send Chinese as UTF-8 text and still escape what users type.</summary>
public sealed class PageEncodingTests(SqliteGarnetApp app) : IClassFixture<SqliteGarnetApp>
{
    [Fact]
    public async Task Chinese_is_written_as_text_not_as_numeric_entities()
    {
        var course = await app.CourseAsync(100m);
        foreach (var url in new[] { "/course", $"/course/{course.Id}", "/user/login" })
        {
            var html = await app.Anonymous().GetStringAsync(url);
            Assert.Contains("路飞学城", html);
            Assert.DoesNotContain("&#x", html);
        }
        Assert.Contains(course.Name, await app.Anonymous().GetStringAsync($"/course/{course.Id}"));
    }

    [Fact]
    public async Task What_a_user_typed_is_still_escaped()
    {
        var typed = "<script>alert(\"路飞\")</script>&'";
        var html = await app.Anonymous().GetStringAsync(
            $"/user/login?username={Uri.EscapeDataString(typed)}&error={Uri.EscapeDataString(typed)}");
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("&lt;script&gt;alert(&quot;路飞&quot;)&lt;/script&gt;&amp;", html);
    }
}
