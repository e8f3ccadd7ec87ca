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

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await using var owner = await factory.OpenOwnerAsync();
        Assert.Equal("free", await owner.ExecuteScalarAsync<string>("""
            select s.plan_key from organizations.subscriptions s
              join organizations.organizations o on o.id = s.org_id
              join auth.users u on u.id = o.billing_owner_user_id
             where u.email = @email
            """, new { email }));
    }

    [Fact]
    public async Task An_existing_address_gets_the_same_answer_and_its_owner_a_notice_instead_of_a_second_account()
    {
        var user = await factory.SignUpAsync();
        var fresh = $"fresh-{Guid.NewGuid():N}@example.test";

        var existing = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/signup", new { email = user.Email.ToUpperInvariant(), password = "another passphrase" });
        var created = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/signup", new { email = fresh, password = "another passphrase" });

        Assert.Equal(HttpStatusCode.Accepted, existing.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var existingBody = (await existing.JsonAsync()).GetProperty("status").GetString();
        Assert.Equal((await created.JsonAsync()).GetProperty("status").GetString(), existingBody);
        Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from auth.users where email = @Email", new { Email = user.Email.ToLowerInvariant() }));
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from jobs.jobs where kind = 'email.signup_existing_account.send_email' and args->>'to' = @Email", new { Email = user.Email.ToLowerInvariant() }));
        // The original password still works; the attempt changed nothing.
        Assert.Equal(HttpStatusCode.OK, (await factory.LogInAsync(user.Email, user.Password)).StatusCode);
    }

    [Fact]
    public async Task Two_signups_of_one_new_address_at_once_make_one_account_and_the_same_answer()
    {
        var email = $"twice-{Guid.NewGuid():N}@example.test";
        var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            client.PostAsJsonAsync("/api/v1/auth/signup", new { email, password = TestUsers.DefaultPassword })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from auth.users where email = @email", new { email }));
    }

    [Theory]
    [InlineData("has space@example.test")]
    [InlineData("two@@example.test")]
    [InlineData("no-at-sign")]
    public async Task Emails_the_database_would_refuse_are_refused_by_validation(string email)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/signup", new { email, password = TestUsers.DefaultPassword });

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("errors").TryGetProperty("email", out _));
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
