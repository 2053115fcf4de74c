using System.Diagnostics;
using Luffy.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Luffy.Web.Tests;

public sealed class AdminAccessTestsOnSqlite(SqliteGarnetApp app) : AdminAccessTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class AdminAccessTestsOnPostgres(PostgresRedisApp app) : AdminAccessTests(app), IClassFixture<PostgresRedisApp>;

/// <summary>Who gets into the back office: the admin role only, pages by the cookie, the API by the JWT header; every write audited.</summary>
public abstract class AdminAccessTests(LuffyApp app)
{
    private static HttpRequestMessage Page(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }

    [Fact]
    public async Task The_pages_send_a_visitor_to_login_refuse_a_student_with_403_and_open_for_an_admin()
    {
        var visitor = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var anonymous = await visitor.SendAsync(Page("/admin/audit"));
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/user/login?ReturnUrl=%2Fadmin%2Faudit", anonymous.Headers.Location!.PathAndQuery);

        var student = await Browser.SignedInAsync(app, (await app.StudentAsync()).Username);
        var refused = await student.Http.SendAsync(Page("/admin"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("没有权限", await refused.Content.ReadAsStringAsync());

        var admin = await Browser.SignedInAsync(app, (await app.AdminAsync()).Username);
        foreach (var url in new[] { "/admin", "/admin/audit", "/admin/admins" })
        {
            var page = await admin.Http.SendAsync(Page(url));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("管理后台", await page.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_api_takes_the_admin_role_from_the_jwt_header_only()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync("/admin/api/admins")).StatusCode);
        var student = await app.StudentAsync();
        var forbidden = await student.Http.GetAsync("/admin/api/admins");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("没有权限", (await forbidden.JsonAsync()).GetProperty("message").GetString());

        var admin = await app.AdminAsync();
        var list = await app.Bearer(admin).GetAsync("/admin/api/admins");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains((await list.JsonAsync()).EnumerateArray(), a => a.GetProperty("username").GetString() == admin.Username);

        // The admin's sign-in cookie does not drive the API (another site could make the browser send it).
        var browser = await Browser.SignedInAsync(app, admin.Username);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.GetAsync("/admin/api/admins")).StatusCode);
    }

    [Fact]
    public async Task An_admin_makes_another_admin_the_audit_log_records_it_and_taking_the_role_back_ends_its_access_at_once()
    {
        var admin = await app.AdminAsync();
        var api = app.Bearer(admin);
        var name = app.UniqueName("op");

        var created = await api.PostAsJsonAsync("/admin/api/admins", new { username = name, password = "operator123" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetInt32();
        var again = await api.PostAsJsonAsync("/admin/api/admins", new { username = name, password = "operator123" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("用户名已存在", (await again.JsonAsync()).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync("/admin/api/admins", new { username = app.UniqueName("op"), password = "short" })).StatusCode);

        var audit = await (await api.GetAsync($"/admin/api/audit?entity=user&entity_id={id}")).JsonAsync();
        var entry = Assert.Single(audit.GetProperty("results").EnumerateArray());
        Assert.Equal("admin.create", entry.GetProperty("action").GetString());
        Assert.Equal(admin.Username, entry.GetProperty("actor_name").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("before").ValueKind);
        Assert.Contains(name, entry.GetProperty("after").GetString());

        var login = await (await app.Anonymous().PostAsJsonAsync("/users/login/", new { username = name, password = "operator123" })).JsonAsync();
        var operatorApi = app.Anonymous();
        operatorApi.DefaultRequestHeaders.Authorization = new("Bearer", login.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await operatorApi.GetAsync("/admin/api/admins")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"/admin/api/admins/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorApi.GetAsync("/admin/api/admins")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await api.DeleteAsync($"/admin/api/admins/{admin.Username}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutAsync($"/admin/api/admins/{app.UniqueName("nobody")}", null)).StatusCode);
        var revoked = await (await api.GetAsync($"/admin/api/audit?entity=user&entity_id={id}&action=admin.revoke")).JsonAsync();
        Assert.Equal(1, revoked.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task The_admins_page_creates_an_admin_with_its_token_and_refuses_a_post_without_one()
    {
        var admin = await Browser.SignedInAsync(app, (await app.AdminAsync()).Username);
        var name = app.UniqueName("op");
        var fields = new Dictionary<string, string> { ["_handler"] = "create-admin", ["Create.Username"] = name, ["Create.Password"] = "operator123" };

        var withoutToken = await admin.Http.PostAsync("/admin/admins", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Username == name)));

        var created = await admin.PostFormAsync("/admin/admins", "/admin/admins", fields);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Username == name && u.IsAdmin)));

        var refused = await admin.PostFormAsync("/admin/admins", "/admin/admins", fields);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("用户名已存在", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_audit_page_filters_by_actor_and_record()
    {
        var admin = await app.AdminAsync();
        var name = app.UniqueName("op");
        Assert.Equal(HttpStatusCode.Created, (await app.Bearer(admin).PostAsJsonAsync("/admin/api/admins", new { username = name, password = "operator123" })).StatusCode);
        var browser = await Browser.SignedInAsync(app, admin.Username);

        var mine = await (await browser.Http.SendAsync(Page($"/admin/audit?actor={admin.Username}&entity=user"))).Content.ReadAsStringAsync();
        Assert.Contains(name, mine);
        Assert.Contains("admin.create", mine);
        var others = await (await browser.Http.SendAsync(Page($"/admin/audit?actor={app.UniqueName("nobody")}"))).Content.ReadAsStringAsync();
        Assert.DoesNotContain(name, others);
        var bad = await browser.Http.SendAsync(Page("/admin/audit?from=2026-12-05&to=2026-12-01"));
        Assert.Contains("结束时间不能早于开始时间", await bad.Content.ReadAsStringAsync());
    }
}

/// <summary>The first admin of a production shop is made on the command line: <c>dotnet Luffy.Web.dll admin create NAME</c>.</summary>
public sealed class AdminCommandTests
{
    private static async Task<(int Code, string Output)> RunAsync(string dataDirectory, string input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Luffy.Web.dll"), .. args])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["Luffy__DataDirectory"] = dataDirectory;
        start.Environment["Luffy__SeedDemoData"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task It_creates_an_admin_with_the_password_from_standard_input_and_refuses_a_taken_name()
    {
        var directory = Path.Combine(Path.GetTempPath(), "luffy-tests", "admin-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output) = await RunAsync(directory, "first-admin-pass", "admin", "create", "boss");
            Assert.True(code == 0, output);
            Assert.Contains("已创建管理员 boss", output);

            // The account signs in with that password and has the role.
            using (var app = await AppProcess.StartAsync(directory))
            {
                using var http = app.Http();
                var login = await (await http.PostAsJsonAsync("/users/login/", new { username = "boss", password = "first-admin-pass" })).JsonAsync();
                http.DefaultRequestHeaders.Authorization = new("Bearer", login.GetProperty("token").GetString());
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/admin/api/admins")).StatusCode);
            }

            (code, output) = await RunAsync(directory, "another-pass-1", "admin", "create", "boss");
            Assert.Equal(1, code);
            Assert.Contains("用户名已存在", output);
            (code, output) = await RunAsync(directory, "", "admin", "create", "chief");
            Assert.Equal(1, code);
            Assert.Contains("没有读到密码", output);
            (code, _) = await RunAsync(directory, "x", "admin", "make");
            Assert.Equal(2, code);
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
