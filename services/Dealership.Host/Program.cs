using Dealership.Host;
using Dealership.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddDealershipModules(ServiceCatalog.Select(builder.Configuration["services"]));

var app = builder.Build();
app.MapDealershipModules();
app.MapGet("/", () => Results.Redirect("/scalar")).ExcludeFromDescription();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
