using System.Net.Http.Json;
using System.Text.Json;

// The benchmark's data maker: registers users, logs them in, fills their carts, writes one token a line.
// usage: Luffy.Bench setup <base-url> <users> <course-id,course-id,...> <expire-days> <tokens-file>
if (args is not ["setup", var baseUrl, var usersText, var coursesText, var expireText, var tokensFile])
{
    Console.Error.WriteLine("usage: Luffy.Bench setup <base-url> <users> <course-ids comma-separated> <expire-days> <tokens-file>");
    return 2;
}

var users = int.Parse(usersText, System.Globalization.CultureInfo.InvariantCulture);
var courses = coursesText.Split(',').Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
var expire = int.Parse(expireText, System.Globalization.CultureInfo.InvariantCulture);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = new Uri(baseUrl) };
var tokens = new string[users];
var prefix = $"bench{DateTime.UtcNow:HHmmss}_";
var failures = 0;

await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
{
    var username = $"{prefix}{i}";
    var register = await http.PostAsJsonAsync("/users/register/", new { username, password = "bench-password" }, ct);
    var login = await http.PostAsJsonAsync("/users/login/", new { username, password = "bench-password" }, ct);
    if (!register.IsSuccessStatusCode || !login.IsSuccessStatusCode)
    {
        Interlocked.Increment(ref failures);
        return;
    }
    var token = (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("token").GetString()!;
    foreach (var course in courses)
    {
        using var add = new HttpRequestMessage(HttpMethod.Post, "/cart/") { Content = JsonContent.Create(new { course_id = course, expire_time = expire }) };
        add.Headers.TryAddWithoutValidation("Authorization", $"jwt {token}");
        if (!(await http.SendAsync(add, ct)).IsSuccessStatusCode)
            Interlocked.Increment(ref failures);
    }
    tokens[i] = token;
});

await File.WriteAllLinesAsync(tokensFile, tokens.Where(t => t is not null));
Console.WriteLine($"setup: {users - failures} users with {courses.Length} courses in their carts, {failures} failures");
return failures == 0 ? 0 : 1;
