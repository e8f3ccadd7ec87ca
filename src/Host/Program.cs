using OpsDash.Host.Setup;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables(prefix: "OPSDASH_");
if (Environment.GetEnvironmentVariable("OPSDASH_DATABASE_URL") is { Length: > 0 } url)
{
    builder.Configuration["Database:Url"] = url;
}

if (args.FirstOrDefault() == "migrate")
{
    return await MigrateCommand.RunAsync(builder.Configuration, args.Skip(1).ToArray());
}

if (args.FirstOrDefault() == "seed")
{
    return await SeedCommand.RunAsync(builder.Configuration, args.Skip(1).ToArray());
}

var app = await OpsDashApp.BuildAsync(builder);
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
