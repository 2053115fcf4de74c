using System.Net.Http.Json;
using System.Text.Json;

namespace Luffy.Bench;

/// <summary>Registers users, logs them in, fills their carts; writes "id token" a line.</summary>
internal static class Setup
{
    public static async Task<int> RunAsync(string baseUrl, int users, int[] courses, int expire, string tokensFile)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = new Uri(baseUrl) };
        var lines = new string?[users];
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
            var body = await login.Content.ReadFromJsonAsync<JsonElement>(ct);
            var token = body.GetProperty("token").GetString()!;
            foreach (var course in courses)
            {
                using var add = new HttpRequestMessage(HttpMethod.Post, "/cart/") { Content = JsonContent.Create(new { course_id = course, expire_time = expire }) };
                add.Headers.TryAddWithoutValidation("Authorization", $"jwt {token}");
                if (!(await http.SendAsync(add, ct)).IsSuccessStatusCode)
                    Interlocked.Increment(ref failures);
            }
            lines[i] = $"{body.GetProperty("id").GetInt32()} {token}";
        });
        await File.WriteAllLinesAsync(tokensFile, lines.Where(l => l is not null)!);
        Console.WriteLine($"setup: {users - failures} users with {courses.Length} courses in their carts, {failures} failures");
        return failures == 0 ? 0 : 1;
    }
}
