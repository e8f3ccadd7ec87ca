namespace OpsDash.Modules.Automation.Workflows;

/// <summary>
/// getWorkflowTriggers, createWorkflowTrigger, updateWorkflowTrigger, deleteWorkflowTrigger: members read,
/// admins write; creating counts against <c>automation:workflows</c> (under the limit's per-org lock).
/// Update replaces the conditions and the actions; delete removes the trigger and its actions; disabling
/// (<c>enabled: false</c>) keeps them.
/// </summary>
internal static class WorkflowEndpoints
{
    private const string ListSql = "select " + WorkflowStore.TriggerColumns + """
          from automation.workflow_triggers t
         where t.org_id = @OrgId
         order by t.created_at, t.id
         limit 500
        """;

    private const string GetSql = "select " + WorkflowStore.TriggerColumns + " from automation.workflow_triggers t where t.org_id = @OrgId and t.id = @Id";

    private const string CountSql = "select count(*) from automation.workflow_triggers where org_id = @OrgId";

    private const string InsertSql = """
        insert into automation.workflow_triggers (org_id, id, name, trigger_type, enabled, conditions, created_by)
        values (@OrgId, @Id, @Name, @TriggerType, @Enabled, @Conditions::jsonb, @CreatedBy)
        """;

    private const string UpdateSql = """
        update automation.workflow_triggers
           set name = @Name, trigger_type = @TriggerType, enabled = coalesce(@Enabled, enabled), conditions = @Conditions::jsonb
         where org_id = @OrgId and id = @Id
        """;

    private const string DeleteSql = "delete from automation.workflow_triggers where org_id = @OrgId and id = @Id";

    public static void Map(IEndpointRouteBuilder org)
    {
        org.MapGet("/workflows", ListAsync).WithName("ListWorkflows").WithSummary("The org's workflow triggers with their conditions and actions (oldest first, up to 500).");
        org.MapGet("/workflows/{workflowId:guid}", GetAsync).WithName("GetWorkflow").WithSummary("A workflow trigger with its conditions and actions.");
        org.MapPost("/workflows", CreateAsync)
            .RequireOrgAdmin()
            .Validate<WorkflowRequest>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached) // CheckUsageLimitAsync
            .WithName("CreateWorkflow")
            .WithSummary("Create a workflow: a trigger type, conditions over its event's fields, and ordered actions (admins; counts against automation:workflows).");
        org.MapPut("/workflows/{workflowId:guid}", UpdateAsync)
            .RequireOrgAdmin()
            .Validate<WorkflowRequest>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable) // send_webhook needs platform:webhooks
            .WithName("UpdateWorkflow")
            .WithSummary("Replace a workflow's name, type, conditions and actions; enabled: false disables it and keeps its actions (admins).");
        org.MapDelete("/workflows/{workflowId:guid}", DeleteAsync)
            .RequireOrgAdmin()
            .WithName("DeleteWorkflow")
            .WithSummary("Delete a workflow trigger and all its actions (admins).");
    }

    private static async Task<Ok<IReadOnlyList<Workflow>>> ListAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<Workflow>>(await WorkflowStore.ReadAsync(db, org.Id, ListSql, new { OrgId = org.Id }, ct));

    private static async Task<Ok<Workflow>> GetAsync(Guid workflowId, OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok(await OneAsync(db, org.Id, workflowId, ct));

    private static async Task<Created<Workflow>> CreateAsync(
        WorkflowRequest request, OrgContext org, TenantContext tenant, FeatureAccess features, WebhookUrls urls, AuditLog audit, DbSession db, CancellationToken ct)
    {
        await RequireWebhooksIfUsedAsync(request, features, ct);
        await features.CheckUsageLimitAsync("automation:workflows", () => db.QuerySingleAsync<long>(CountSql, new { OrgId = org.Id }, ct), ct: ct);
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync(
            InsertSql,
            new
            {
                OrgId = org.Id, Id = id, Name = request.Name.Trim(), request.TriggerType, Enabled = request.Enabled ?? true,
                Conditions = WorkflowStore.ConditionsJson(request.Conditions), CreatedBy = tenant.UserId,
            },
            ct);
        await WorkflowStore.ReplaceActionsAsync(db, urls, org.Id, id, request.Actions!, ct);
        await audit.WriteAsync("workflow.created", "workflow", id, new { request.TriggerType }, ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/workflows/{id}", await OneAsync(db, org.Id, id, ct));
    }

    private static async Task<Ok<Workflow>> UpdateAsync(
        Guid workflowId, WorkflowRequest request, OrgContext org, FeatureAccess features, WebhookUrls urls, AuditLog audit, DbSession db, CancellationToken ct)
    {
        await RequireWebhooksIfUsedAsync(request, features, ct);
        var changed = await db.ExecuteAsync(
            UpdateSql,
            new
            {
                OrgId = org.Id, Id = workflowId, Name = request.Name.Trim(), request.TriggerType, request.Enabled,
                Conditions = WorkflowStore.ConditionsJson(request.Conditions),
            },
            ct);
        if (changed == 0)
        {
            throw new NotFoundException("Workflow not found.");
        }

        await WorkflowStore.ReplaceActionsAsync(db, urls, org.Id, workflowId, request.Actions!, ct);
        await audit.WriteAsync("workflow.updated", "workflow", workflowId, ct: ct);
        return TypedResults.Ok(await OneAsync(db, org.Id, workflowId, ct));
    }

    private static async Task<NoContent> DeleteAsync(Guid workflowId, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = workflowId }, ct) == 0)
        {
            throw new NotFoundException("Workflow not found.");
        }

        await audit.WriteAsync("workflow.deleted", "workflow", workflowId, ct: ct);
        return TypedResults.NoContent();
    }

    // Outbound webhooks are an Enterprise feature (platform:webhooks), send_webhook included.
    private static async Task RequireWebhooksIfUsedAsync(WorkflowRequest request, FeatureAccess features, CancellationToken ct)
    {
        if (request.Actions!.Any(a => a.Type == WebhookUrls.ActionType))
        {
            await features.RequireAsync("platform:webhooks", ct);
        }
    }

    private static async Task<Workflow> OneAsync(DbSession db, Guid orgId, Guid id, CancellationToken ct) =>
        (await WorkflowStore.ReadAsync(db, orgId, GetSql, new { OrgId = orgId, Id = id }, ct)).SingleOrDefault()
            ?? throw new NotFoundException("Workflow not found.");
}
