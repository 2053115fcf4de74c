using Luffy.Infrastructure.Data;
using Npgsql;

namespace Luffy.Infrastructure.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void PostgreSQL_connections_get_the_hot_path_settings_and_keep_everything_else()
    {
        var added = new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithNpgsqlDefaults("Host=db;Database=luffy;Username=u;Password=p"));
        Assert.Equal(32, added.MaxAutoPrepare);
        Assert.True(added.NoResetOnClose);
        Assert.Equal("-c plan_cache_mode=force_generic_plan", added.Options);
        Assert.Equal("db", added.Host);
        Assert.Equal("luffy", added.Database);
        Assert.Equal("p", added.Password);
        Assert.Null(DatabaseRegistration.WithNpgsqlDefaults(null));
    }

    [Fact]
    public void What_the_connection_string_says_wins()
    {
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithNpgsqlDefaults("Host=db;Max Auto Prepare=0")).MaxAutoPrepare);
        Assert.Equal(5, new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithNpgsqlDefaults("Host=db;MaxAutoPrepare=5")).MaxAutoPrepare);
        Assert.False(new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithNpgsqlDefaults("Host=db;No Reset On Close=false")).NoResetOnClose);
        Assert.False(new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithNpgsqlDefaults("Host=db;noresetonclose=False")).NoResetOnClose);

        // Only a minimum number of usages set: the maximum is still added.
        var minimum = new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithNpgsqlDefaults("Host=db;Auto Prepare Min Usages=2"));
        Assert.Equal(2, minimum.AutoPrepareMinUsages);
        Assert.Equal(32, minimum.MaxAutoPrepare);

        // Other server options are kept and the plan mode joins them, unless they choose a plan mode themselves.
        Assert.Equal("-c statement_timeout=5s -c plan_cache_mode=force_generic_plan",
            new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithNpgsqlDefaults("Host=db;Options=-c statement_timeout=5s")).Options);
        Assert.Equal("-c plan_cache_mode=auto",
            new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithNpgsqlDefaults("Host=db;Options=-c plan_cache_mode=auto")).Options);
    }
}
