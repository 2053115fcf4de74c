namespace Luffy.Web.Tests.Infrastructure;

public static class HttpExtensions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<string> MessageAsync(this HttpResponseMessage response) =>
        (await response.JsonAsync()).GetProperty("message").GetString()!;

    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string url, object body) =>
        client.SendAsync(new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) });

    public static Task<HttpResponseMessage> SendRawAsync(this HttpClient client, HttpMethod method, string url, string body) =>
        client.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });

    /// <summary>How many SQL commands the request sent (the app's command-counting interceptor).</summary>
    public static int SqlCommands(this HttpResponseMessage response) =>
        int.Parse(response.Headers.GetValues("X-Sql-Commands").Single(), System.Globalization.CultureInfo.InvariantCulture);

    public static decimal Decimal(this JsonElement element, string name) => element.GetProperty(name).GetDecimal();
}
