namespace OpsDash.Tests.Accounts;

public sealed class SignUpTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Signup_trigger_creates_exactly_the_personal_workspace_rows()
    {
        var user = await factory.SignUpAsync("Ada");

        await using var owner = await factory.OpenOwnerAsync();
        var org = await owner.QuerySingleAsync<(Guid Id, string Slug, string Type, Guid BillingOwner)>(
            "select id, slug, type, billing_owner_user_id from organizations.organizations where billing_owner_user_id = @Id", new { user.Id });
        Assert.Equal("personal", org.Type);
        Assert.Equal(user.PersonalSlug, org.Slug);
        Assert.Equal(org.Id, await owner.ExecuteScalarAsync<Guid>("select current_org_id from organizations.profiles where id = @Id", new { user.Id }));
        Assert.Equal("owner", await owner.ExecuteScalarAsync<string>("select role from members.org_members where org_id = @OrgId and user_id = @Id", new { OrgId = org.Id, user.Id }));
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>("select count(*) from members.org_members where user_id = @Id", new { user.Id }));
        Assert.Equal("free", await owner.ExecuteScalarAsync<string>("select plan_key from organizations.subscriptions where org_id = @OrgId", new { OrgId = org.Id }));
        Assert.Equal(
            await owner.ExecuteScalarAsync<int>("select count(*) from organizations.features"),
            await owner.ExecuteScalarAsync<int>("select count(*) from organizations.feature_flags where org_id = @OrgId", new { OrgId = org.Id }));
        Assert.Equal(["user.signed_up"], await owner.QueryAsync<string>("select action from organizations.audit_logs where org_id = @OrgId", new { OrgId = org.Id }));
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>("select count(*) from organizations.organizations where billing_owner_user_id = @Id", new { user.Id }));
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>("select count(*) from organizations.subscriptions where org_id = @OrgId", new { OrgId = org.Id }));
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>("select count(*) from organizations.profiles where id = @Id", new { user.Id }));
    }

    [Fact]
    public async Task A_failing_step_of_the_trigger_leaves_no_user_behind()
    {
        await using (var owner = await factory.OpenOwnerAsync())
        {
            // Make the subscription insert (a middle step of handle_new_user) fail for this email only.
            await owner.ExecuteAsync("""
                create function organizations.test_fail_subscription() returns trigger language plpgsql as $$
                begin
                    if exists (select 1 from auth.users u where u.id = (select billing_owner_user_id from organizations.organizations where id = new.org_id) and u.email like 'doomed-%') then
                        raise exception 'boom';
                    end if;
                    return new;
                end $$;
                create trigger test_fail before insert on organizations.subscriptions for each row execute function organizations.test_fail_subscription();
                """);
        }

        var email = $"doomed-{Guid.NewGuid():N}@example.test";
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/signup", new { email, password = TestUsers.DefaultPassword });

        await response.AssertProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        await using var check = await factory.OpenOwnerAsync();
        Assert.Equal(0, await check.ExecuteScalarAsync<int>("select count(*) from auth.users where email = @email", new { email }));
        Assert.Equal(0, await check.ExecuteScalarAsync<int>("select count(*) from organizations.profiles where email = @email", new { email }));
        Assert.Equal(0, await check.ExecuteScalarAsync<int>(
            "select count(*) from organizations.organizations o where not exists (select 1 from auth.users u where u.id = o.billing_owner_user_id)"));
    }

    [Fact]
    public async Task Mass_assigned_plan_role_and_org_are_ignored()
    {
        var email = $"sneaky-{Guid.NewGuid():N}@example.test";
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/signup",
            new { email, password = TestUsers.DefaultPassword, plan = "enterprise", role = "admin", orgId = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var owner = await factory.OpenOwnerAsync();
        Assert.Equal("free", await owner.ExecuteScalarAsync<string>("""
            select s.plan_key from organizations.subscriptions s
              join organizations.organizations o on o.id = s.org_id
              join auth.users u on u.id = o.billing_owner_user_id
             where u.email = @email
            """, new { email }));
    }

    [Fact]
    public async Task Duplicate_email_is_a_conflict()
    {
        var user = await factory.SignUpAsync();

        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/signup", new { email = user.Email.ToUpperInvariant(), password = TestUsers.DefaultPassword });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Invalid_signup_is_a_validation_problem_with_per_field_messages()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/signup", new { email = "not-an-email", password = "short" });

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        var errors = body.GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("password", out _));
    }
}
