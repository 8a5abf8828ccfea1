using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dealership.Hosting.Data;

// The EF tools create a service's provider-specific context through these when adding migrations;
// no database is opened.

public abstract class SqliteDesignTimeFactory<TContext> : IDesignTimeDbContextFactory<TContext> where TContext : DbContext
{
    public TContext CreateDbContext(string[] args) =>
        (TContext)Activator.CreateInstance(typeof(TContext), ServiceDatabase.UseSqlite(new DbContextOptionsBuilder<TContext>(), "Data Source=design-time.db").Options)!;
}

public abstract class SqlServerDesignTimeFactory<TContext> : IDesignTimeDbContextFactory<TContext> where TContext : DbContext
{
    public TContext CreateDbContext(string[] args) =>
        (TContext)Activator.CreateInstance(typeof(TContext), new DbContextOptionsBuilder<TContext>().UseSqlServer("Server=design-time;Database=design-time").Options)!;
}
