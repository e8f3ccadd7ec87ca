using System.Text.Json;
using System.Text.Json.Nodes;
using OpsDash.Tests.Automation;
using OpsDash.Tests.Crm;

namespace OpsDash.Tests.Foundation;

/// <summary>A complete body (every property the document lists) that an operation accepts, sent by <see cref="Client"/> to <see cref="Path"/>.</summary>
public sealed record RequestBodySample(string Method, string Template, string Path, HttpClient Client, JsonObject Body)
{
    public override string ToString() => $"{Method} {Template}";
}

/// <summary>
/// One sample per operation with a JSON body, in an order where none spoils a later one (the stages are
/// reordered before more are created; the user who changes their password is used for nothing else).
/// </summary>
public static class RequestBodySamples
{
    public static async Task<IReadOnlyList<RequestBodySample>> CreateAsync(OpsDashFactory factory)
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var owner = set.Owner;
        var slug = set.Org.Slug;
        var org = $"/api/v1/orgs/{slug}";
        var anonymous = factory.CreateClient();
        var stripe = factory.CreateClient();
        stripe.DefaultRequestHeaders.TryAddWithoutValidation("Stripe-Signature", "t=1,v1=00");
        var newcomer = await factory.SignUpAsync("newcomer");
        var session = await factory.SignUpAsync("session");
        var changer = await factory.SignUpAsync("changer");

        var contact = await owner.CreateContactIdAsync(slug);
        var bulkContact = await owner.CreateContactIdAsync(slug, "Bulk");
        var company = await owner.CreateCompanyIdAsync(slug);
        var stages = (await owner.Client.GetFromJsonAsync<JsonElement>(org + "/pipeline-stages")).EnumerateArray().ToList();
        var stage = stages.First(s => !s.GetProperty("isWon").GetBoolean() && !s.GetProperty("isLost").GetBoolean()).GetProperty("id").GetGuid();
        var deal = await IdAsync(owner, org + "/deals", new { title = "Deal", stageId = stage });
        var lead = await IdAsync(owner, org + "/leads", new { name = "Lead" });
        var project = await IdAsync(owner, org + "/projects", new { name = "Project" });
        var milestone = await IdAsync(owner, $"{org}/projects/{project}/milestones", new { name = "Milestone" });
        var task = await IdAsync(owner, $"{org}/projects/{project}/tasks", new { title = "Task" });
        var workflow = await owner.CreateWorkflowAsync(slug, "Tag", "contact_created", new[] { AutomationKit.Action("add_tag", new { tag = "vip" }) });
        var member = await factory.MemberIdAsync(set.Org, set.Member);
        var enterprise = await factory.CreateStrangerAsync("enterprise");
        var hooks = $"/api/v1/orgs/{enterprise.Org.Slug}/webhooks";
        var hook = (await (await enterprise.User.Client.PostAsJsonAsync(hooks, new { url = "https://1.1.1.1/hook", eventTypes = new[] { "webhook.test" } }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpoint").GetProperty("id").GetGuid();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var date = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var later = today.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        JsonObject Contact() => Json(new
        {
            firstName = "Ada", lastName = "Lovelace", email = "ada@example.test", phone = "+44 20 0000", title = "Analyst",
            companyId = company, ownerUserId = owner.Id, tags = new[] { "vip" },
        });
        JsonObject Company() => Json(new { name = "Acme", domain = "acme.test", industry = "Software", size = "11-50", website = "https://acme.test", metadata = new { } });
        JsonObject Lead() => Json(new
        {
            name = "Grace", email = "grace@example.test", phone = "+1 555 0100", companyName = "Navy", source = "web", status = "new", ownerUserId = owner.Id, notes = "Met at a fair",
        });
        JsonObject Stage() => Json(new { name = "Review", probability = 40, isWon = false, isLost = false });
        JsonObject Project() => Json(new
        {
            name = "Launch", description = "The launch", status = "active", companyId = company, dealId = deal, ownerUserId = owner.Id, startDate = date, dueDate = later,
        });
        JsonObject Milestone() => Json(new { name = "Beta", description = "First users", dueDate = later });
        JsonObject Workflow() => Json(new
        {
            name = "Tag VIPs", triggerType = "contact_created", enabled = true,
            conditions = new { match = "all", rules = new[] { AutomationKit.Rule("email", "contains", "@example") } },
            actions = new[] { AutomationKit.Action("add_tag", new { tag = "vip" }) },
        });

        RequestBodySample Post(string template, string path, object body, HttpClient? client = null) => new("POST", template, path, client ?? owner.Client, Json(body));
        RequestBodySample Put(string template, string path, object body, HttpClient? client = null) => new("PUT", template, path, client ?? owner.Client, Json(body));
        object Hook() => new
        {
            url = "https://1.1.1.1/hook", description = "CRM mirror", eventTypes = new[] { "contact.updated" }, changedFields = new[] { "email" }, enabled = true,
        };

        return
        [
            Post("/api/v1/auth/signup", "/api/v1/auth/signup", new { email = TenantKit.NewEmail("signup"), password = TestUsers.DefaultPassword, fullName = "Sam" }, anonymous),
            Post("/api/v1/auth/login", "/api/v1/auth/login", new { email = owner.Email, password = owner.Password }, anonymous),
            Post("/api/v1/auth/refresh", "/api/v1/auth/refresh", new { refreshToken = session.RefreshToken }, anonymous),
            Post("/api/v1/auth/logout", "/api/v1/auth/logout", new { refreshToken = session.RefreshToken }, anonymous),
            Post("/api/v1/auth/verify-email", "/api/v1/auth/verify-email", new { token = "not-a-token" }, anonymous),
            new("PATCH", "/api/v1/me", "/api/v1/me", owner.Client, Json(new { fullName = "Ada Lovelace", avatarUrl = "https://example.test/ada.png" })),
            Post("/api/v1/me/password", "/api/v1/me/password", new { currentPassword = changer.Password, newPassword = "a new and longer passphrase" }, changer.Client),
            Post("/api/v1/orgs", "/api/v1/orgs", new { name = "Newco", slug = TenantKit.UniqueSlug("newco") }, newcomer.Client),
            Put("/api/v1/me/current-org", "/api/v1/me/current-org", new { orgId = set.Org.Id }),
            new("PATCH", "/api/v1/orgs/{slug}", org, owner.Client, Json(new { name = "Renamed", slug, logoUrl = "https://example.test/logo.png" })),
            Put("/api/v1/orgs/{slug}/feature-flags/{featureKey}", org + "/feature-flags/platform:audit_log", new { enabled = true, allowedRoles = new[] { "owner", "admin" } }),
            Post("/api/v1/orgs/{slug}/billing-owner", $"/api/v1/orgs/{owner.PersonalSlug}/billing-owner", new { userId = owner.Id }),
            Post("/api/v1/orgs/{slug}/billing/checkout", $"/api/v1/orgs/{owner.PersonalSlug}/billing/checkout", new { plan = "pro" }),
            // A Stripe event is opaque to the document ({}): nothing to leave out; signed or not, never a 400 naming a property.
            Post("/api/v1/billing/stripe-webhook", "/api/v1/billing/stripe-webhook", new { }, stripe),
            Post("/api/v1/orgs/{slug}/invitations", org + "/invitations", new { email = TenantKit.NewEmail(), role = "member" }),
            new("PATCH", "/api/v1/orgs/{slug}/members/{memberId}", $"{org}/members/{member}", owner.Client, Json(new { role = "member" })),
            Post("/api/v1/orgs/{slug}/contacts", org + "/contacts", Contact()),
            Put("/api/v1/orgs/{slug}/contacts/{contactId}", $"{org}/contacts/{contact}", Contact()),
            Post("/api/v1/orgs/{slug}/contacts/bulk-update", org + "/contacts/bulk-update", new
            {
                ids = new[] { bulkContact }, ownerUserId = owner.Id, companyId = company, addTags = new[] { "bulk" }, removeTags = new[] { "old" },
            }),
            Post("/api/v1/orgs/{slug}/contacts/bulk-delete", org + "/contacts/bulk-delete", new { ids = new[] { bulkContact } }),
            Post("/api/v1/orgs/{slug}/companies", org + "/companies", Company()),
            Put("/api/v1/orgs/{slug}/companies/{companyId}", $"{org}/companies/{company}", Company()),
            Post("/api/v1/orgs/{slug}/custom-fields", org + "/custom-fields", new { key = "tier", label = "Tier", fieldType = "text", options = new[] { "gold" }, required = false, entity = "company" }),
            Post("/api/v1/orgs/{slug}/leads", org + "/leads", Lead()),
            Put("/api/v1/orgs/{slug}/leads/{leadId}", $"{org}/leads/{lead}", Lead()),
            Post("/api/v1/orgs/{slug}/leads/{leadId}/convert", $"{org}/leads/{lead}/convert", new
            {
                dealTitle = "From lead", amount = 1200.50m, currency = "EUR", stageId = stage, expectedCloseDate = later,
            }),
            Post("/api/v1/orgs/{slug}/pipeline-stages/reorder", org + "/pipeline-stages/reorder", new { ids = stages.Select(s => s.GetProperty("id").GetGuid()).ToArray() }),
            Post("/api/v1/orgs/{slug}/pipeline-stages", org + "/pipeline-stages", Stage()),
            Put("/api/v1/orgs/{slug}/pipeline-stages/{stageId}", $"{org}/pipeline-stages/{stage}", Stage()),
            Post("/api/v1/orgs/{slug}/deals", org + "/deals", new
            {
                title = "Big deal", stageId = stage, contactId = contact, companyId = company, ownerUserId = owner.Id, amount = 5000m, currency = "EUR", expectedCloseDate = later,
            }),
            Put("/api/v1/orgs/{slug}/deals/{dealId}", $"{org}/deals/{deal}", new
            {
                title = "Bigger deal", contactId = contact, companyId = company, ownerUserId = owner.Id, amount = 7000m, currency = "EUR", expectedCloseDate = later,
            }),
            Post("/api/v1/orgs/{slug}/deals/{dealId}/stage", $"{org}/deals/{deal}/stage", new { stageId = stage }),
            Post("/api/v1/orgs/{slug}/activities", org + "/activities", new
            {
                kind = "call", subject = "Intro", body = "Talked", contactId = contact, dealId = deal, occurredAt = DateTimeOffset.UtcNow.AddHours(-1),
            }),
            Put("/api/v1/orgs/{slug}/crm-settings", org + "/crm-settings", new { atRiskDays = 7 }),
            Put("/api/v1/orgs/{slug}/insight-settings", org + "/insight-settings", new
            {
                dealAtRiskDays = 7, dealStalledDays = 30, taskDueSoonDays = 3, taskResolutionDays = 14, leadFirstResponseHours = 24,
            }),
            Post("/api/v1/orgs/{slug}/deals/{dealId}/quotes", $"{org}/deals/{deal}/quotes", new
            {
                title = "Quote", currency = "EUR", validUntil = later, notes = "Thanks",
                items = new[] { new { description = "Seats", quantity = 2m, unitPrice = 99.5m, discountPercent = 10m, taxPercent = 20m } },
            }),
            Post("/api/v1/orgs/{slug}/projects", org + "/projects", Project()),
            Put("/api/v1/orgs/{slug}/projects/{projectId}", $"{org}/projects/{project}", Project()),
            Post("/api/v1/orgs/{slug}/projects/{projectId}/milestones", $"{org}/projects/{project}/milestones", Milestone()),
            Put("/api/v1/orgs/{slug}/milestones/{milestoneId}", $"{org}/milestones/{milestone}", Milestone()),
            Post("/api/v1/orgs/{slug}/milestones/{milestoneId}/complete", $"{org}/milestones/{milestone}/complete", new { completed = true }),
            Post("/api/v1/orgs/{slug}/projects/{projectId}/tasks", $"{org}/projects/{project}/tasks", new
            {
                title = "Write docs", description = "All of them", status = "todo", priority = "high", milestoneId = milestone, assigneeUserId = owner.Id, dueDate = later,
            }),
            Put("/api/v1/orgs/{slug}/tasks/{taskId}", $"{org}/tasks/{task}", new
            {
                title = "Write more docs", description = "Still", priority = "low", milestoneId = milestone, assigneeUserId = owner.Id, dueDate = later,
            }),
            Post("/api/v1/orgs/{slug}/tasks/{taskId}/status", $"{org}/tasks/{task}/status", new { status = "in_progress" }),
            Post("/api/v1/orgs/{slug}/tasks/{taskId}/assignee", $"{org}/tasks/{task}/assignee", new { assigneeUserId = owner.Id }),
            Post("/api/v1/orgs/{slug}/tasks/{taskId}/time-entries", $"{org}/tasks/{task}/time-entries", new
            {
                minutes = 90, entryDate = date, billable = true, hourlyRate = 80m, currency = "EUR", note = "Pairing",
            }),
            Post("/api/v1/orgs/{slug}/webhooks", hooks, Hook(), enterprise.User.Client),
            Put("/api/v1/orgs/{slug}/webhooks/{id}", $"{hooks}/{hook}", Hook(), enterprise.User.Client),
            Post("/api/v1/orgs/{slug}/webhooks/{id}/redeliver-failed", $"{hooks}/{hook}/redeliver-failed", new { since = DateTimeOffset.UtcNow.AddHours(-1) }, enterprise.User.Client),
            Post("/api/v1/orgs/{slug}/workflows", org + "/workflows", Workflow()),
            Post("/api/v1/orgs/{slug}/api-keys", org + "/api-keys", new { name = "CI", scopes = new[] { "crm:read" }, expiresAt = DateTimeOffset.UtcNow.AddDays(30) }),
            Post("/api/v1/orgs/{slug}/inbound-hooks", org + "/inbound-hooks", new { name = "Shop" }),
            Put("/api/v1/orgs/{slug}/workflows/{workflowId}", $"{org}/workflows/{workflow}", Workflow()),
            Post("/api/v1/orgs/{slug}/workflows/{workflowId}/dry-run", $"{org}/workflows/{workflow}/dry-run", new
            {
                fields = new { firstName = "Ada", email = "ada@example.test" }, subjectId = contact,
            }),
        ];
    }

    private static JsonObject Json(object body) => JsonSerializer.SerializeToNode(body, JsonSerializerOptions.Web)!.AsObject();

    private static async Task<Guid> IdAsync(TestUser user, string path, object body)
    {
        var response = await user.Client.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {await response.Content.ReadAsStringAsync()}");
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }
}
