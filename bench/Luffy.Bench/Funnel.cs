using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Luffy.Bench;

/// <summary>
/// The checkout funnel with a fixed number of workers (= connections), each running iterations back to back:
/// one user goes POST /cart/ ×3, PUT /cart/ ×3, GET /cart/order/, POST /orders/, GET /payments/alipay/url/,
/// opens the cashier, pays through the sandbox's scripted endpoint (the notify arrives as in reality),
/// GET /users/{id}/orders/. Every request's latency is kept in microseconds; afterwards the paid orders are counted.
/// </summary>
internal static class Funnel
{
    private static readonly string[] Steps = ["cart.add", "cart.select", "cart.order", "orders.create", "pay.url", "cashier", "sandbox.pay", "user.orders"];

    public static async Task<int> RunAsync(string baseUrl, string sandboxUrl, string tokensFile, int workers, int seconds, int[] courses)
    {
        var users = (await File.ReadAllLinesAsync(tokensFile)).Where(l => l.Length > 0)
            .Select(l => l.Split(' ')).Select(p => (Id: int.Parse(p[0], Program.Inv), Token: p[1])).ToArray();
        // Per server: the app and (in production mode) the sandbox gateway each get the workers' connections.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        var latencies = Steps.ToDictionary(s => s, _ => new List<long>());
        // SQL commands per step, from the app's X-Sql-Commands header (Luffy:SqlCountHeader); the sandbox's steps have none.
        var sql = Steps.ToDictionary(s => s, _ => new long[2]);
        var errors = 0;
        var iterations = 0;
        var orders = new System.Collections.Concurrent.ConcurrentBag<(int User, string Number)>();
        var next = -1;
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var stop = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);

        async Task<HttpResponseMessage> Timed(string step, HttpRequestMessage request, string token)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"jwt {token}");
            var started = Stopwatch.GetTimestamp();
            var response = await http.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            var micros = Stopwatch.GetElapsedTime(started).Ticks / 10;
            lock (latencies[step])
            {
                latencies[step].Add(micros);
                if (response.Headers.TryGetValues("X-Sql-Commands", out var counted) && long.TryParse(counted.First(), out var commands))
                {
                    sql[step][0] += commands;
                    sql[step][1]++;
                }
            }
            if ((int)response.StatusCode >= 400)
                Interlocked.Increment(ref errors);
            return response;
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (stop.Elapsed < deadline)
            {
                var (id, token) = users[Interlocked.Increment(ref next) % users.Length];
                foreach (var course in courses)
                    await Timed("cart.add", new HttpRequestMessage(HttpMethod.Post, "/cart/") { Content = JsonContent.Create(new { course_id = course, expire_time = 90 }) }, token);
                foreach (var course in courses)
                    await Timed("cart.select", new HttpRequestMessage(HttpMethod.Put, "/cart/") { Content = JsonContent.Create(new { course_id = course, selected = true }) }, token);
                await Timed("cart.order", new HttpRequestMessage(HttpMethod.Get, "/cart/order/"), token);
                var created = await Timed("orders.create", new HttpRequestMessage(HttpMethod.Post, "/orders/") { Content = JsonContent.Create(new { pay_type = 1 }) }, token);
                if (!created.IsSuccessStatusCode)
                    continue;
                var number = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("order").GetString()!;
                var url = await Timed("pay.url", new HttpRequestMessage(HttpMethod.Get, $"/payments/alipay/url/?order_number={number}"), token);
                if (!url.IsSuccessStatusCode)
                    continue;
                var payUrl = new Uri((await url.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!);
                await Timed("cashier", new HttpRequestMessage(HttpMethod.Get, payUrl), token);
                var paid = await Timed("sandbox.pay", new HttpRequestMessage(HttpMethod.Post, $"{sandboxUrl}/sandbox/trades/{number}/pay"), token);
                await Timed("user.orders", new HttpRequestMessage(HttpMethod.Get, $"/users/{id}/orders/"), token);
                if (paid.IsSuccessStatusCode)
                {
                    orders.Add((id, number));
                    Interlocked.Increment(ref iterations);
                }
            }
        }));
        var elapsed = stop.Elapsed.TotalSeconds;
        var driverCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds / elapsed * 100;

        // The notifies are asynchronous: give them a moment, then check every order that was paid at the sandbox.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var fulfilled = 0;
        foreach (var (user, number) in orders)
        {
            using var check = new HttpRequestMessage(HttpMethod.Get, $"/orders/{number}/");
            check.Headers.TryAddWithoutValidation("Authorization", $"jwt {users.First(u => u.Id == user).Token}");
            var order = await (await http.SendAsync(check)).Content.ReadFromJsonAsync<JsonElement>();
            if (order.GetProperty("order_status").GetInt32() == 1)
                fulfilled++;
        }

        Console.WriteLine($"funnel: {iterations} iterations in {elapsed:0.0}s = {iterations / elapsed:0.0} iterations/s, {workers} workers, {errors} error responses");
        Console.WriteLine($"funnel: {fulfilled} of {orders.Count} orders paid at the sandbox are fulfilled (notify received)");
        Console.WriteLine($"driver-cpu: {driverCpu:0}");
        Console.WriteLine("| step | requests | p50 | p90 | p99 | max (ms) | SQL commands per request |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var step in Steps)
        {
            var l = latencies[step];
            l.Sort();
            string P(double q) => l.Count == 0 ? "-" : (l[Math.Min(l.Count - 1, (int)(q * l.Count))] / 1000.0).ToString("0.00", Program.Inv);
            var perRequest = sql[step][1] == 0 ? "-" : ((double)sql[step][0] / sql[step][1]).ToString("0.##", Program.Inv);
            Console.WriteLine($"| {step} | {l.Count} | {P(0.5)} | {P(0.9)} | {P(0.99)} | {(l.Count == 0 ? "-" : (l[^1] / 1000.0).ToString("0.00", Program.Inv))} | {perRequest} |");
        }
        return errors == 0 && fulfilled == orders.Count ? 0 : 1;
    }
}
