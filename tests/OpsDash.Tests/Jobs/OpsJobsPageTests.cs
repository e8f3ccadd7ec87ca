using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace OpsDash.Tests.Jobs;

/// <summary>Issue 8, the operators' dashboard at /ops/jobs, driven over HTTP as a browser would: cookies, forms, antiforgery.</summary>
public sealed partial class OpsJobsPageTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_the_sign_in_form()
    {
        var browser = Browser();

        var page = await browser.GetAsync("/ops/jobs");
        var retry = await browser.PostAsync("/ops/jobs/1/retry", new FormUrlEncodedContent([]));
        var login = await browser.GetAsync("/ops/login");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/ops/login", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("text/html", login.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<form class=\"login\"", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_signs_in_sees_the_counts_and_errors_encoded_and_retries_a_dead_job_with_the_form()
    {
        var org = await factory.CreateStrangerAsync();
        var op = await factory.SignUpAsync("operator");
        await factory.MakeOperatorAsync(op);
        var dead = await factory.InsertJobAsync(org.Org.Id, "dead", "email.invitation", "SmtpException: <script>alert(1)</script> & more", attempt: 3);
        await factory.InsertJobAsync(org.Org.Id, "dead", "crm.enrich");
        await factory.InsertJobAsync(org.Org.Id, "completed", "crm.enrich");
        var browser = Browser();

        var signIn = await SignInAsync(browser, op);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/ops/jobs", signIn.Headers.Location!.OriginalString);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("opsdash_ops=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/ops", cookie, StringComparison.OrdinalIgnoreCase);

        var page = await browser.GetAsync("/ops/jobs");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("""<div class="card dead"><small>dead</small><b>2</b></div>""", html, StringComparison.Ordinal);
        Assert.Contains("""<div class="card completed"><small>completed</small><b>1</b></div>""", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("SmtpException: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(JobRows.SecretInArgs, html, StringComparison.Ordinal);
        Assert.Contains($"action=\"/ops/jobs/{dead}/retry\"", html, StringComparison.Ordinal);

        var retry = await browser.PostAsync($"/ops/jobs/{dead}/retry", Form(Token(html)));

        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        Assert.Equal($"/ops/jobs?done=retried&job={dead}", retry.Headers.Location!.OriginalString);
        var row = await factory.JobStateAsync(dead);
        Assert.Equal(("available", 0, true), (row.State, row.Attempt, row.Due));
        var after = await (await browser.GetAsync(retry.Headers.Location)).Content.ReadAsStringAsync();
        Assert.Contains($"Job {dead} is queued again.", after, StringComparison.Ordinal);
        Assert.Contains("""<div class="card dead"><small>dead</small><b>1</b></div>""", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_or_for_a_job_that_cannot_be_retried_changes_nothing()
    {
        var org = await factory.CreateStrangerAsync();
        var op = await factory.SignUpAsync("operator");
        await factory.MakeOperatorAsync(op);
        var dead = await factory.InsertJobAsync(org.Org.Id, "dead");
        var completed = await factory.InsertJobAsync(org.Org.Id, "completed");
        var browser = Browser();
        await SignInAsync(browser, op);
        var token = Token(await browser.GetStringAsync("/ops/jobs"));

        var forged = await browser.PostAsync($"/ops/jobs/{dead}/retry", new FormUrlEncodedContent([]));
        var wrongToken = await browser.PostAsync($"/ops/jobs/{dead}/retry", Form("CfDJ8not-a-token"));
        var notRetryable = await browser.PostAsync($"/ops/jobs/{completed}/retry", Form(token));
        var missing = await browser.PostAsync($"/ops/jobs/{long.MaxValue}/retry", Form(token));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, notRetryable.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("dead", (await factory.JobStateAsync(dead)).State);
        Assert.Equal("completed", (await factory.JobStateAsync(completed)).State);
    }

    [Fact]
    public async Task A_non_operator_is_refused_and_gets_no_session_and_a_wrong_password_is_refused()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var browser = Browser();

        var owner = await SignInAsync(browser, set.Owner);
        var page = await browser.GetAsync("/ops/jobs");
        var wrong = await SignInAsync(Browser(), set.Owner with { Password = "not the password" });

        Assert.Equal(HttpStatusCode.Forbidden, owner.StatusCode);
        Assert.Contains("not a platform operator", await owner.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(owner.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("opsdash_ops=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Invalid email or password.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_the_operator_or_changing_the_password_ends_the_page_session()
    {
        var op = await factory.SignUpAsync("operator");
        await factory.MakeOperatorAsync(op);
        var browser = Browser();
        await SignInAsync(browser, op);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/ops/jobs")).StatusCode);

        await factory.ExecuteOwnerAsync("delete from platform.operators where user_id = @Id", new { op.Id });
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/ops/jobs")).StatusCode);

        await factory.MakeOperatorAsync(op);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/ops/jobs")).StatusCode);
        await factory.ExecuteOwnerAsync("update auth.users set security_stamp = security_stamp + 1 where id = @Id", new { op.Id });
        var ended = await browser.GetAsync("/ops/jobs");
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Contains("/ops/login", ended.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_server_side_session_so_a_copy_of_the_cookie_is_refused_afterwards()
    {
        var op = await factory.SignUpAsync("operator");
        await factory.MakeOperatorAsync(op);
        var browser = Browser();
        var signIn = await SignInAsync(browser, op);
        var copied = OpsCookies.From(signIn);
        var copy = OpsCookies.Client(factory, copied);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/ops/jobs")).StatusCode);

        var logout = await browser.PostAsync("/ops/logout", Form(Token(await browser.GetStringAsync("/ops/jobs"))));
        var replayed = await copy.GetAsync("/ops/jobs");
        var retry = await copy.PostAsync("/ops/jobs/1/retry", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("/ops/login", logout.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Equal("/ops/login", replayed.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from platform.ops_sessions where user_id = @Id and ended_at is not null", new { op.Id }));
    }

    [Fact]
    public async Task A_session_idle_longer_than_the_setting_is_refused_even_with_a_valid_cookie()
    {
        var op = await factory.SignUpAsync("operator");
        await factory.MakeOperatorAsync(op);
        var browser = Browser();
        await SignInAsync(browser, op);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/ops/jobs")).StatusCode);

        await factory.ExecuteOwnerAsync("update platform.ops_sessions set last_seen_at = now() - interval '61 minutes' where user_id = @Id", new { op.Id });
        var idle = await browser.GetAsync("/ops/jobs");

        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
        Assert.Equal("/ops/login", idle.Headers.Location!.OriginalString);
    }

    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, TestUser user)
    {
        var form = await browser.GetStringAsync("/ops/login");
        return await browser.PostAsync("/ops/login", new FormUrlEncodedContent(
        [
            new("csrf", Token(form)),
            new("email", user.Email),
            new("password", user.Password),
        ]));
    }

    internal static FormUrlEncodedContent Form(string token) => new([new("csrf", token)]);

    internal static string Token(string html) => WebUtility.HtmlDecode(CsrfField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no antiforgery field in:\n" + html));

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
