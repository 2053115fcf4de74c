using System.Net.Http.Headers;

namespace Luffy.Web.Tests.Infrastructure;

/// <summary>Operators for the back-office tests: an account with the admin role, signed in through the API or the pages.</summary>
public static class AdminClients
{
    /// <summary>A fresh account made admin in the database, then logged in: its token carries the admin role.</summary>
    public static async Task<UserClient> AdminAsync(this LuffyApp app)
    {
        var student = await app.StudentAsync();
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == student.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsAdmin, true)));
        await app.LoginAgainAsync(student);
        return student;
    }

    /// <summary>A client that sends the admin's token as the admin API wants it (<c>Authorization: Bearer …</c>).</summary>
    public static HttpClient Bearer(this LuffyApp app, UserClient admin)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.Http.DefaultRequestHeaders.Authorization!.Parameter);
        return client;
    }
}
