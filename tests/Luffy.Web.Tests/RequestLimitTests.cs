using System.Net.Http.Headers;
using System.Text;
using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

/// <summary>
/// Request bodies over 64 KB are a 413 with a message and change nothing, whether they say their length or come
/// chunked; a body of the wrong type is a 415 with a message. On Kestrel, which enforces the limit.
/// </summary>
public sealed class RequestLimitTests(KestrelSqliteApp app) : IClassFixture<KestrelSqliteApp>
{
    private const string TooLarge = "请求体过大，最多 64 KB";

    private static HttpContent Json(int padding, bool chunked)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"pay_type\":1,\"padding\":\"{new string('a', padding)}\"}}");
        // Without a length HttpClient sends the body chunked.
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<UserClient> StudentWithACartAsync()
    {
        var student = await app.StudentAsync();
        await student.CartAsync(0, await app.CourseAsync());
        return student;
    }

    private Task<int> OrdersOf(UserClient student) => app.WithDbAsync(db => db.Orders.CountAsync(o => o.UserId == student.Id));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_order_with_a_body_over_64_KB_is_a_413_and_places_nothing(bool chunked)
    {
        var student = await StudentWithACartAsync();
        var response = await student.Http.PostAsync("/orders/", Json(100 * 1024, chunked));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(TooLarge, await response.MessageAsync());
        Assert.Equal(0, await OrdersOf(student));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_under_the_limit_is_read(bool chunked)
    {
        var student = await StudentWithACartAsync();
        var response = await student.Http.PostAsync("/orders/", Json(60 * 1024, chunked));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_body_the_handler_reads_itself_is_limited_too()
    {
        var student = await StudentWithACartAsync();
        var response = await student.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/cart/") { Content = Json(100 * 1024, chunked: true) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(TooLarge, await response.MessageAsync());
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "pay_type=1")]
    [InlineData("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"pay_type\"\r\n\r\n1\r\n--b--\r\n")]
    [InlineData("text/plain", "{\"pay_type\":1}")]
    public async Task A_body_that_is_not_json_is_a_415_and_places_nothing(string contentType, string body)
    {
        var student = await StudentWithACartAsync();
        var content = new StringContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await student.Http.PostAsync("/orders/", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.StartsWith("不支持的请求体类型", await response.MessageAsync());
        Assert.Equal(0, await OrdersOf(student));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_storefront_form_over_the_limit_is_a_413_page(bool chunked)
    {
        var body = Encoding.UTF8.GetBytes("username=demo&password=" + new string('a', 100 * 1024));
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var request = new HttpRequestMessage(HttpMethod.Post, "/user/login") { Content = content };
        request.Headers.Accept.ParseAdd("text/html");
        var response = await app.Anonymous().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(TooLarge, await response.Content.ReadAsStringAsync());
    }
}
