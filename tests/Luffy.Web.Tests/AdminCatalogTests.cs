using System.Net.Http.Headers;
using Luffy.Web.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Luffy.Web.Tests;

public sealed class AdminCatalogTestsOnSqlite(SqliteGarnetApp app) : AdminCatalogTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class AdminCatalogTestsOnPostgres(PostgresRedisApp app) : AdminCatalogTests(app), IClassFixture<PostgresRedisApp>;

/// <summary>The catalog's back office: what an operator changes shows in the storefront at once, bad input changes nothing.</summary>
/// <summary>A cover's body over the endpoint's limit never reaches the handler: Kestrel (which enforces it) answers 413.</summary>
public sealed class AdminCoverLimitTests(KestrelSqliteApp app) : IClassFixture<KestrelSqliteApp>
{
    [Fact]
    public async Task A_cover_upload_of_3_MB_is_a_413_with_a_message()
    {
        var api = app.Bearer(await app.AdminAsync());
        var course = await app.CourseAsync();
        var response = await api.PutAsync($"/admin/api/courses/{course.Id}/cover", AdminCatalogTests.Upload(new byte[3 * 1024 * 1024]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.StartsWith("请求体过大", await response.MessageAsync());
    }
}

public abstract class AdminCatalogTests(LuffyApp app)
{
    private async Task<HttpClient> OperatorAsync() => app.Bearer(await app.AdminAsync());

    private async Task<int> CategoryAsync(HttpClient api)
    {
        var created = await api.PostAsJsonAsync("/admin/api/categories", new { name = app.UniqueName("分类"), orders = 5 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.JsonAsync()).GetProperty("id").GetInt32();
    }

    private async Task<JsonElement> CourseAsync(HttpClient api, int category, decimal price = 199.5m)
    {
        var created = await api.PostAsJsonAsync("/admin/api/courses", new
        {
            name = app.UniqueName("新课"), category_id = category, teacher = "Alex", brief = "从入门到精通", price, orders = 3,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return await created.JsonAsync();
    }

    internal static ByteArrayContent File(byte[] bytes, string name, string type)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(type);
        return file;
    }

    internal static MultipartFormDataContent Upload(byte[] bytes, string name = "cover.png", string type = "image/png") =>
        new() { { File(bytes, name, type), "file", name } };

    internal static byte[] Png(int width, int height)
    {
        using var image = new Image<Rgba32>(width, height, new Rgba32(200, 40, 40, 255));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    [Fact]
    public async Task Categories_are_created_renamed_ordered_and_deleted_only_when_no_course_is_in_them()
    {
        var api = await OperatorAsync();
        var id = await CategoryAsync(api);
        var renamed = await api.PutAsJsonAsync($"/admin/api/categories/{id}", new { name = "改名后" + id, orders = 1 });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var storefront = await app.Anonymous().GetFromJsonAsync<JsonElement>("/courses/categories/");
        Assert.Contains(storefront.EnumerateArray(), c => c.GetProperty("id").GetInt32() == id && c.GetProperty("name").GetString() == "改名后" + id);

        Assert.Equal("请填写分类名称", await (await api.PutAsJsonAsync($"/admin/api/categories/{id}", new { name = " " })).MessageAsync());
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/admin/api/categories/{id}", new { orders = 7 })).StatusCode);
        Assert.Equal("改名后" + id, await app.WithDbAsync(db => db.CourseCategories.Where(c => c.Id == id && c.Orders == 7).Select(c => c.Name).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutAsJsonAsync("/admin/api/categories/999999", new { name = "x" })).StatusCode);

        await CourseAsync(api, id);
        var refused = await api.DeleteAsync($"/admin/api/categories/{id}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("还有 1 门课程", await refused.MessageAsync());

        var empty = await CategoryAsync(api);
        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"/admin/api/categories/{empty}")).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.CourseCategories.AnyAsync(c => c.Id == empty)));
        var audit = await (await api.GetAsync($"/admin/api/audit?entity=category&entity_id={empty}")).JsonAsync();
        Assert.Equal(["category.delete", "category.create"], audit.GetProperty("results").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_course_made_through_the_api_is_in_the_storefront_and_a_new_price_shows_at_once()
    {
        var api = await OperatorAsync();
        var category = await CategoryAsync(api);
        var course = await CourseAsync(api, category);
        var id = course.GetProperty("id").GetInt32();

        var listed = Assert.Single((await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/?category={category}")).GetProperty("results").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetInt32());
        Assert.Equal(course.GetProperty("name").GetString(), listed.GetProperty("name").GetString());
        Assert.Equal("Alex", listed.GetProperty("teacher").GetString());
        Assert.Equal("从入门到精通", listed.GetProperty("brief").GetString());
        Assert.Equal(199.5m, listed.Decimal("price"));

        // The detail is read (and cached) before the change, so a stale cache would still show the old price.
        Assert.Equal(199.5m, (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{id}/")).Decimal("price"));
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/admin/api/courses/{id}", new { price = 88.8m })).StatusCode);
        Assert.Equal(88.8m, (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{id}/")).Decimal("price"));

        // Bad input changes nothing.
        foreach (var bad in new object[] { new { price = 0 }, new { price = 1.234m }, new { price = 1_000_000m }, new { name = "" }, new { category_id = 999999 }, new { orders = -1 } })
            Assert.Equal(HttpStatusCode.BadRequest, (await api.PutAsJsonAsync($"/admin/api/courses/{id}", bad)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutAsJsonAsync("/admin/api/courses/999999", new { price = 1 })).StatusCode);
        Assert.Equal(88.8m, (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{id}/")).Decimal("price"));

        var audit = await (await api.GetAsync($"/admin/api/audit?entity=course&entity_id={id}&action=course.update")).JsonAsync();
        var entry = Assert.Single(audit.GetProperty("results").EnumerateArray());
        Assert.Contains("\"price\":199.5", entry.GetProperty("before").GetString());
        Assert.Contains("\"price\":88.8", entry.GetProperty("after").GetString());

        var found = await (await api.GetAsync($"/admin/api/courses?name={Uri.EscapeDataString(course.GetProperty("name").GetString()!)}&on_sale=true")).JsonAsync();
        Assert.Equal(id, Assert.Single(found.GetProperty("results").EnumerateArray()).GetProperty("id").GetInt32());
        Assert.Equal(0, (await (await api.GetAsync($"/admin/api/courses?category={category}&on_sale=false")).JsonAsync()).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_png_cover_is_resized_reencoded_and_served_a_text_file_or_an_oversized_one_is_refused()
    {
        var api = await OperatorAsync();
        var id = (await CourseAsync(api, await CategoryAsync(api))).GetProperty("id").GetInt32();

        var uploaded = await api.PutAsync($"/admin/api/courses/{id}/cover", Upload(Png(1400, 700)));
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var url = (await uploaded.JsonAsync()).GetProperty("course_img").GetString()!;
        Assert.StartsWith("/media/covers/", url);
        var stored = Path.Combine(app.DataDirectory, "media", "covers", Path.GetFileName(url));
        var info = Image.Identify(stored);
        Assert.Equal((700, 350), (info.Width, info.Height));
        var served = await app.Anonymous().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(url, (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{id}/")).GetProperty("course_img").GetString());

        // JPEG and WebP are taken whatever the file is called; a GIF (a real image, not one of the three) is not.
        using (var small = new Image<Rgba32>(40, 30))
        {
            foreach (var (encoder, accepted) in new (SixLabors.ImageSharp.Formats.IImageEncoder, bool)[]
                { (new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder(), true), (new SixLabors.ImageSharp.Formats.Webp.WebpEncoder(), true), (new SixLabors.ImageSharp.Formats.Gif.GifEncoder(), false) })
            {
                using var bytes = new MemoryStream();
                small.Save(bytes, encoder);
                var response = await api.PutAsync($"/admin/api/courses/{id}/cover", Upload(bytes.ToArray(), "cover.png", "image/png"));
                Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            }
        }
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsync($"/admin/api/courses/{id}/cover", Upload(Png(1400, 700)))).StatusCode);
        url = await app.WithDbAsync(db => db.Courses.Where(c => c.Id == id).Select(c => c.CourseImg).SingleAsync());

        var text = await api.PutAsync($"/admin/api/courses/{id}/cover", Upload("not an image at all"u8.ToArray()));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal("只能上传 PNG、JPEG 或 WebP 格式的图片", await text.MessageAsync());

        var big = new byte[2 * 1024 * 1024 + 1];
        Png(10, 10).CopyTo(big, 0);
        var oversized = await api.PutAsync($"/admin/api/courses/{id}/cover", Upload(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Contains("2 MB", await oversized.MessageAsync());

        Assert.Equal(url, await app.WithDbAsync(db => db.Courses.Where(c => c.Id == id).Select(c => c.CourseImg).SingleAsync()));
    }

    [Fact]
    public async Task An_option_taken_off_sale_leaves_the_course_page_and_the_cart_reports_it_but_never_the_last_of_a_course_on_sale()
    {
        var api = await OperatorAsync();
        var id = (await CourseAsync(api, await CategoryAsync(api))).GetProperty("id").GetInt32();
        var added = await api.PostAsJsonAsync($"/admin/api/courses/{id}/expires", new { expire_time = 30, price = 59.9m });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var expire = await added.JsonAsync();
        Assert.Equal("1个月有效", expire.GetProperty("expire_text").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsJsonAsync($"/admin/api/courses/{id}/expires", new { expire_time = 30, price = 9m })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync($"/admin/api/courses/{id}/expires", new { expire_time = 0, price = 9m })).StatusCode);

        var student = await app.StudentAsync();
        Assert.Equal(HttpStatusCode.OK, (await student.Http.PostAsJsonAsync("/cart/", new { course_id = id, expire_time = 30 })).StatusCode);

        var expireId = expire.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/admin/api/expires/{expireId}", new { is_on_sale = false })).StatusCode);
        var detail = await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{id}/");
        Assert.DoesNotContain(detail.GetProperty("expire_list").EnumerateArray(), e => e.GetProperty("expire_time").GetInt32() == 30);
        var line = Assert.Single((await student.Http.GetFromJsonAsync<JsonElement>("/cart/")).EnumerateArray(), l => l.GetProperty("course_id").GetInt32() == id);
        Assert.False(line.GetProperty("available").GetBoolean());
        Assert.Equal("所选有效期已下架，请重新选择", line.GetProperty("unavailable_reason").GetString());

        // Sold only with the 90-day option now: that one may not go off sale while the course is on sale.
        var ninety = (await (await api.PostAsJsonAsync($"/admin/api/courses/{id}/expires", new { expire_time = 90, price = 99m })).JsonAsync()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/admin/api/courses/{id}", new { permanent_on_sale = false })).StatusCode);
        var last = await api.PutAsJsonAsync($"/admin/api/expires/{ninety}", new { is_on_sale = false });
        Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
        Assert.Contains("最后一个在售的有效期", await last.MessageAsync());
        Assert.True(await app.WithDbAsync(db => db.CourseExpires.Where(e => e.Id == ninety).Select(e => e.IsOnSale).SingleAsync()));
        Assert.Equal([90], (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{id}/")).GetProperty("expire_list").EnumerateArray().Select(e => e.GetProperty("expire_time").GetInt32()));

        var audit = await (await api.GetAsync($"/admin/api/audit?entity=expire&entity_id={expireId}&action=expire.update")).JsonAsync();
        var entry = Assert.Single(audit.GetProperty("results").EnumerateArray());
        Assert.Contains("\"is_on_sale\":true", entry.GetProperty("before").GetString());
        Assert.Contains("\"is_on_sale\":false", entry.GetProperty("after").GetString());
    }

    [Fact]
    public async Task Two_operators_taking_the_last_two_options_off_sale_at_once_leave_one_on_sale()
    {
        var api = await OperatorAsync();
        var id = (await CourseAsync(api, await CategoryAsync(api))).GetProperty("id").GetInt32();
        var options = new List<int>();
        foreach (var days in new[] { 30, 90 })
            options.Add((await (await api.PostAsJsonAsync($"/admin/api/courses/{id}/expires", new { expire_time = days, price = 10m })).JsonAsync()).GetProperty("id").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/admin/api/courses/{id}", new { permanent_on_sale = false })).StatusCode);

        for (var round = 0; round < 3; round++)
        {
            var answers = await Task.WhenAll(options.Select(o => api.PutAsJsonAsync($"/admin/api/expires/{o}", new { is_on_sale = false })));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            Assert.Equal(1, await app.WithDbAsync(db => db.CourseExpires.CountAsync(e => e.CourseId == id && e.IsOnSale)));
            foreach (var o in options)
                Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/admin/api/expires/{o}", new { is_on_sale = true })).StatusCode);
        }
    }

    [Fact]
    public async Task The_same_days_added_by_several_operators_at_once_make_one_option_and_conflicts_not_500s()
    {
        var api = await OperatorAsync();
        var id = (await CourseAsync(api, await CategoryAsync(api))).GetProperty("id").GetInt32();
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => api.PostAsJsonAsync($"/admin/api/courses/{id}/expires", new { expire_time = 60, price = 20m })));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(1, await app.WithDbAsync(db => db.CourseExpires.CountAsync(e => e.CourseId == id && e.ExpireTime == 60)));
    }

    [Fact]
    public async Task Chapters_and_lessons_are_added_reordered_and_deleted_as_the_course_page_shows_them()
    {
        var api = await OperatorAsync();
        var id = (await CourseAsync(api, await CategoryAsync(api))).GetProperty("id").GetInt32();
        async Task<int> Add(string url, object body)
        {
            var response = await api.PostAsJsonAsync(url, body);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.JsonAsync()).GetProperty("id").GetInt32();
        }
        var first = await Add($"/admin/api/courses/{id}/chapters", new { name = "基础" });
        var second = await Add($"/admin/api/courses/{id}/chapters", new { name = "进阶" });
        var intro = await Add($"/admin/api/chapters/{first}/lessons", new { name = "介绍", duration = "05:00", free_trail = true, video_url = "https://video.example.com/1.mp4" });
        await Add($"/admin/api/chapters/{first}/lessons", new { name = "安装", content = "pip install" });
        Assert.Equal("视频地址应为 http:// 或 https:// 开头的完整网址",
            await (await api.PostAsJsonAsync($"/admin/api/chapters/{first}/lessons", new { name = "坏", video_url = "javascript:alert(1)" })).MessageAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PutAsJsonAsync($"/admin/api/chapters/{second}", new { chapter = 3 })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/admin/api/chapters/{second}", new { chapter = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/admin/api/lessons/{intro}", new { lesson = 2, name = "课程介绍" })).StatusCode);

        var chapters = (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{id}/")).GetProperty("chapter_list").EnumerateArray().ToList();
        Assert.Equal([("进阶", 1), ("基础", 2)], chapters.Select(c => (c.GetProperty("name").GetString(), c.GetProperty("chapter").GetInt32())));
        var lessons = chapters[1].GetProperty("lessons").EnumerateArray().ToList();
        Assert.Equal([("安装", 1, false), ("课程介绍", 2, true)],
            lessons.Select(l => (l.GetProperty("name").GetString(), l.GetProperty("lesson").GetInt32(), l.GetProperty("free_trail").GetBoolean())));

        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"/admin/api/lessons/{lessons[0].GetProperty("id").GetInt32()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"/admin/api/chapters/{second}")).StatusCode);
        chapters = (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{id}/")).GetProperty("chapter_list").EnumerateArray().ToList();
        var only = Assert.Single(chapters);
        Assert.Equal(1, only.GetProperty("chapter").GetInt32());
        Assert.Equal([("课程介绍", 1)], only.GetProperty("lessons").EnumerateArray().Select(l => (l.GetProperty("name").GetString(), l.GetProperty("lesson").GetInt32())));
        Assert.Equal("https://video.example.com/1.mp4", await app.WithDbAsync(db => db.CourseLessons.Where(l => l.Id == intro).Select(l => l.VideoUrl).SingleAsync()));

        var audit = await (await api.GetAsync($"/admin/api/audit?entity=chapter&entity_id={second}")).JsonAsync();
        Assert.Equal(["chapter.delete", "chapter.update", "chapter.create"], audit.GetProperty("results").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task The_api_document_shows_the_cover_upload_and_its_answers()
    {
        var document = await app.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var cover = document.GetProperty("paths").GetProperty("/admin/api/courses/{id}/cover").GetProperty("put");
        Assert.Contains("multipart/form-data", cover.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name));
        Assert.Equal(["200", "400", "404", "413", "415"], cover.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        Assert.Equal(["200", "400", "404", "409"], document.GetProperty("paths").GetProperty("/admin/api/expires/{id}").GetProperty("put")
            .GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
    }

    [Fact]
    public async Task A_student_token_gets_403_on_the_catalog_api()
    {
        var student = await app.StudentAsync();
        foreach (var (method, url) in new[] { ("GET", "/admin/api/categories"), ("POST", "/admin/api/categories"), ("GET", "/admin/api/courses"), ("POST", "/admin/api/courses"), ("PUT", "/admin/api/courses/1"), ("PUT", "/admin/api/expires/1"), ("DELETE", "/admin/api/lessons/1") })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method is "POST" or "PUT")
                request.Content = JsonContent.Create(new { name = "x" });
            Assert.Equal(HttpStatusCode.Forbidden, (await student.Http.SendAsync(request)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await student.Http.PutAsync("/admin/api/courses/1/cover", Upload(Png(5, 5)))).StatusCode);

        var browser = await Browser.SignedInAsync(app, student.Username);
        foreach (var url in new[] { "/admin/categories", "/admin/courses", "/admin/courses/new", "/admin/courses/1" })
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.SendAsync(Page(url))).StatusCode);
    }

    private static HttpRequestMessage Page(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }

    [Fact]
    public async Task An_operator_creates_a_course_through_the_page_form_and_the_storefront_lists_it()
    {
        var api = await OperatorAsync();
        var category = await CategoryAsync(api);
        var admin = await Browser.SignedInAsync(app, (await app.AdminAsync()).Username);
        var name = app.UniqueName("页面课");
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "course", ["Form.Name"] = name, ["Form.CategoryId"] = category.ToString(), ["Form.Teacher"] = "Yuan",
            ["Form.Price"] = "66.60", ["Form.Orders"] = "1", ["Form.IsOnSale"] = "true", ["Form.PermanentOnSale"] = "true",
        };

        // Without its token the post changes nothing.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.PostAsync("/admin/courses/new", new FormUrlEncodedContent(fields))).StatusCode);
        var refused = await admin.PostFormAsync("/admin/courses/new", "/admin/courses/new", new(fields) { ["Form.Price"] = "0" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("课程价格应大于 0 元", await refused.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.Courses.AnyAsync(c => c.Name == name)));

        var created = await admin.PostFormAsync("/admin/courses/new", "/admin/courses/new", fields);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = await app.WithDbAsync(db => db.Courses.Where(c => c.Name == name).Select(c => c.Id).SingleAsync());
        Assert.StartsWith($"/admin/courses/{id}?done=", created.Headers.Location!.PathAndQuery);
        var listed = Assert.Single((await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/?category={category}")).GetProperty("results").EnumerateArray());
        Assert.Equal((name, 66.6m, "Yuan"), (listed.GetProperty("name").GetString(), listed.Decimal("price"), listed.GetProperty("teacher").GetString()));

        // The course's page: its table row, then a chapter added by its form and a cover by the multipart form.
        Assert.Contains(name, await (await admin.Http.SendAsync(Page($"/admin/courses?category={category}"))).Content.ReadAsStringAsync());
        var chapter = await admin.PostFormAsync($"/admin/courses/{id}", $"/admin/courses/{id}", new() { ["_handler"] = "add-chapter", ["Chapter.Name"] = "第一章 入门" });
        Assert.Equal(HttpStatusCode.Redirect, chapter.StatusCode);
        var page = await (await admin.Http.SendAsync(Page($"/admin/courses/{id}"))).Content.ReadAsStringAsync();
        Assert.Contains("第一章 入门", page);

        // The arrows move a chapter; a malformed row (a price that is no number, a script URL) is a message, not a change.
        await admin.PostFormAsync($"/admin/courses/{id}", $"/admin/courses/{id}", new() { ["_handler"] = "add-chapter", ["Chapter.Name"] = "第二章 进阶" });
        var firstChapter = await app.WithDbAsync(db => db.CourseChapters.Where(c => c.CourseId == id && c.Chapter == 1).Select(c => c.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync($"/admin/courses/{id}", $"/admin/courses/{id}", new() { ["_handler"] = $"chapter-down-{firstChapter}" })).StatusCode);
        Assert.Equal(["第二章 进阶", "第一章 入门"], (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{id}/")).GetProperty("chapter_list").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var badPrice = await admin.PostFormAsync($"/admin/courses/{id}", $"/admin/courses/{id}", new() { ["_handler"] = "add-expire", ["Expire.ExpireTime"] = "30", ["Expire.Price"] = "abc" });
        Assert.Equal(HttpStatusCode.OK, badPrice.StatusCode);
        Assert.Contains("请填写有效期价格", await badPrice.Content.ReadAsStringAsync());
        var script = await admin.PostFormAsync($"/admin/courses/{id}", $"/admin/courses/{id}", new() { ["_handler"] = $"add-lesson-{firstChapter}", ["Lesson.Name"] = "坏", ["Lesson.VideoUrl"] = "javascript:alert(1)" });
        Assert.Contains("视频地址应为 http:// 或 https:// 开头的完整网址", await script.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.CourseExpires.AnyAsync(e => e.CourseId == id && e.ExpireTime == 30)));
        var upload = Upload(Png(300, 200));
        upload.Add(new StringContent(Browser.Field(page, "__RequestVerificationToken")), "__RequestVerificationToken");
        var cover = await admin.Http.PostAsync($"/admin/courses/{id}/cover", upload);
        Assert.Equal(HttpStatusCode.Redirect, cover.StatusCode);
        Assert.Contains("done=", cover.Headers.Location!.OriginalString);
        Assert.StartsWith("/media/covers/", await app.WithDbAsync(db => db.Courses.Where(c => c.Id == id).Select(c => c.CourseImg).SingleAsync()));
        var notImage = Upload("hello"u8.ToArray());
        notImage.Add(new StringContent(Browser.Field(page, "__RequestVerificationToken")), "__RequestVerificationToken");
        var refusedCover = await admin.Http.PostAsync($"/admin/courses/{id}/cover", notImage);
        Assert.Contains("error=", refusedCover.Headers.Location!.OriginalString);
        Assert.Contains("只能上传 PNG、JPEG 或 WebP 格式的图片", await (await admin.Http.SendAsync(Page(refusedCover.Headers.Location!.OriginalString))).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_categories_page_renames_a_category_and_shows_why_a_used_one_is_not_deleted()
    {
        var api = await OperatorAsync();
        var id = await CategoryAsync(api);
        await CourseAsync(api, id);
        var admin = await Browser.SignedInAsync(app, (await app.AdminAsync()).Username);
        var renamed = await admin.PostFormAsync("/admin/categories", "/admin/categories", new() { ["_handler"] = $"category-{id}", ["Row.Name"] = "页面改名" + id, ["Row.Orders"] = "2" });
        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        var saved = await app.WithDbAsync(db => db.CourseCategories.SingleAsync(c => c.Id == id));
        Assert.Equal(("页面改名" + id, 2), (saved.Name, saved.Orders));
        var refused = await admin.PostFormAsync("/admin/categories", "/admin/categories", new() { ["_handler"] = $"delete-category-{id}" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("还有 1 门课程", await refused.Content.ReadAsStringAsync());
        Assert.True(await app.WithDbAsync(db => db.CourseCategories.AnyAsync(c => c.Id == id)));
    }
}
