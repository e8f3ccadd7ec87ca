namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// updateProfile: name and avatar. A field left out (or null) stays as it is; an empty string clears it.
/// The request has no other fields, so email, id, current org, role or plan in the body are ignored.
/// </summary>
internal static class UpdateProfile
{
    public sealed record Request(string? FullName, string? AvatarUrl);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.FullName).MaximumLength(200);
            RuleFor(r => r.AvatarUrl)
                .MaximumLength(2048)
                .Must(BeHttpsUrl).WithMessage("Avatar URL must be an absolute https:// URL.")
                .When(r => !string.IsNullOrEmpty(r.AvatarUrl));
        }

        private static bool BeHttpsUrl(string? url) =>
            Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host);
    }

    private const string UpdateProfileSql = """
        update organizations.profiles
           set full_name  = case when @SetFullName then @FullName else full_name end,
               avatar_url = case when @SetAvatarUrl then @AvatarUrl else avatar_url end
         where id = @UserId
        """;

    // auth.users.full_name is the signup metadata (Supabase's user_metadata); the seed keeps it in sync.
    private const string SyncAuthNameSql = "update auth.users set full_name = @FullName where id = @UserId";

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapPatch(string.Empty, HandleAsync)
            .Validate<Request>()
            .WithName("UpdateProfile")
            .WithSummary("Update the signed-in user's name and avatar; returns the profile.");

    private static async Task<Ok<GetCurrentUser.Response>> HandleAsync(
        Request request, DbSession db, TenantContext tenant, CancellationToken ct)
    {
        var userId = GetCurrentUser.UserId(tenant);
        var fullName = request.FullName is null ? null : NullIfEmpty(request.FullName.Trim());
        var avatarUrl = request.AvatarUrl is null ? null : NullIfEmpty(request.AvatarUrl.Trim());
        await db.ExecuteAsync(
            UpdateProfileSql,
            new { UserId = userId, SetFullName = request.FullName is not null, FullName = fullName, SetAvatarUrl = request.AvatarUrl is not null, AvatarUrl = avatarUrl },
            ct);
        if (request.FullName is not null)
        {
            await db.ExecuteAsync(SyncAuthNameSql, new { UserId = userId, FullName = fullName }, ct);
        }

        return TypedResults.Ok(await GetCurrentUser.LoadAsync(db, userId, ct));
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
