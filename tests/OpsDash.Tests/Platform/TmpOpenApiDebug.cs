using Xunit.Abstractions;

namespace OpsDash.Tests.Platform;

public sealed class TmpOpenApiDebug(ApiKeyTests.LoggedFactory factory, ITestOutputHelper output) : IClassFixture<ApiKeyTests.LoggedFactory>
{
    [Fact]
    public async Task Dump()
    {
        var r = await factory.CreateClient().GetAsync("/openapi/v1.json");
        output.WriteLine(((int)r.StatusCode).ToString());
        foreach (var l in factory.Logs.Lines.Where(l => l.Contains("Exception", StringComparison.Ordinal)).Take(3)) output.WriteLine(l[..Math.Min(l.Length, 3000)]);
        Assert.Fail("debug");
    }
}
