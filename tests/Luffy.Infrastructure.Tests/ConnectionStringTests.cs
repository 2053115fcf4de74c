using Luffy.Infrastructure.Data;
using Npgsql;

namespace Luffy.Infrastructure.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void PostgreSQL_connections_prepare_frequent_statements_unless_the_string_says_otherwise()
    {
        var added = new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithAutoPrepare("Host=db;Database=luffy;Username=u;Password=p"));
        Assert.Equal(32, added.MaxAutoPrepare);
        Assert.Equal("db", added.Host);
        Assert.Equal("p", added.Password);

        Assert.Equal(0, new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithAutoPrepare("Host=db;Max Auto Prepare=0")).MaxAutoPrepare);
        Assert.Equal(5, new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithAutoPrepare("Host=db;MaxAutoPrepare=5")).MaxAutoPrepare);
        Assert.Null(DatabaseRegistration.WithAutoPrepare(null));
    }
}
