using Microsoft.AspNetCore.Http;
using Npgsql;
using OpsDash.SharedKernel.Http;

namespace OpsDash.Tests.Foundation;

/// <summary>A violated constraint becomes a 400/409 naming the field, never the constraint.</summary>
public sealed class ConstraintErrorTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task A_check_violation_over_http_names_the_field_not_the_constraint()
    {
        var user = await factory.SignUpAsync();

        // The validator accepts an upper-case scheme; the column's check (^https://) does not.
        var response = await user.Client.PatchAsJsonAsync("/api/v1/me", new { avatarUrl = "HTTPS://example.com/a.png" });

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("errors").TryGetProperty("avatarUrl", out _), body.ToString());
        Assert.DoesNotContain("ck_", body.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("profiles", body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unique_and_not_null_violations_name_the_field()
    {
        var a = await factory.SignUpAsync("a");
        var b = await factory.SignUpAsync("b");

        var unique = AppExceptionHandler.Map(await ViolationAsync(a, "update organizations.organizations set slug = @Other", b.PersonalSlug));
        var notNull = AppExceptionHandler.Map(await ViolationAsync(a, "update organizations.organizations set name = null", null));

        Assert.Equal((StatusCodes.Status409Conflict, "slug"), (unique.Status, unique.Extensions["field"]));
        Assert.DoesNotContain("uq_", unique.Detail, StringComparison.Ordinal);
        var errors = Assert.IsType<HttpValidationProblemDetails>(notNull).Errors;
        Assert.Equal((StatusCodes.Status400BadRequest, "name"), (notNull.Status, errors.Keys.Single()));
    }

    private async Task<PostgresException> ViolationAsync(TestUser user, string sql, string? other)
    {
        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true)", new { User = user.Id.ToString() }, tx);
        return await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(
            sql + " where slug = @Own", new { Other = other, Own = user.PersonalSlug }, tx));
    }
}
