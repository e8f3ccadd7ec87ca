using System.Text.Json;
using OpsDash.Modules.Automation.Contracts;
using OpsDash.Modules.Automation.Workflows;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Platform.Contracts;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Email;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>One step of a run: its action and config (from the trigger when the run started) and the run's input.</summary>
internal sealed record StepContext(Guid RunId, int Position, string TriggerName, string ActionType, IReadOnlyDictionary<string, JsonElement> Config, RunInput Input);

/// <summary>
/// What a step did (<c>completed</c>, or <c>skipped</c> with <see cref="Note"/> saying why), or in a dry run what it
/// would do (<c>would_run</c>, <c>would_skip</c>). <see cref="ResumeAt"/>: a delay's next step waits until then.
/// </summary>
public sealed record StepOutcome(string Status, object Output, string? Note = null, DateTimeOffset? ResumeAt = null);

/// <summary>
/// Runs each action through the module that owns what it changes: CRM's <see cref="ICrmActions"/>, Projects'
/// <see cref="IProjectActions"/>, Automation's own notifications, the kernel's email sender. In a dry run it
/// reads what it needs to say what it would do and writes nothing.
/// </summary>
internal sealed class StepActions(
    ICrmActions crm, ICrmDirectory crmDirectory, IProjectActions projects, INotifications notifications, IEmailSender email,
    FeatureAccess features, DbSession db, TenantContext tenant, WebhookUrls webhookUrls, IWebhookSender webhooks)
{
    public const string NotificationKind = "workflow.notification";

    // A dry run's sample without a subjectId: what acts on the subject cannot say on which record.
    private const string NoSubject = "The sample names no subjectId, so there is no record to act on.";

    private const string MemberEmailSql = "select automation.member_email(@UserId)";

    private const string CanReceiveSql = "select automation.can_receive(@OrgId, @UserId)";

    private const string OrgNameSql = "select automation.org_name()";

    public async Task<StepOutcome> RunAsync(StepContext step, bool dryRun, CancellationToken ct)
    {
        var subject = step.Input.Subject;
        string Text(string key) => Templates.Fill(step.Config[key].GetString()!, step.Input.Fields);
        Guid Id(string key) => Guid.Parse(step.Config[key].GetString()!);
        StepOutcome Act(object output) => new(dryRun ? "would_run" : "completed", output);
        StepOutcome Skip(string note, object? output = null) => new(dryRun ? "would_skip" : "skipped", output ?? new { }, note);

        switch (step.ActionType)
        {
            case "create_task":
            {
                var (projectId, title) = (Id("projectId"), Text("title"));
                return dryRun ? Act(new { projectId, title }) : Act(new { taskId = await projects.CreateTaskAsync(projectId, title, ct), projectId, title });
            }

            case "create_project":
            {
                var name = Text("name");
                var deal = subject.Type == Subject.Deal ? await crmDirectory.FindDealAsync(subject.Id, ct) : null;
                return dryRun
                    ? Act(new { name, dealId = deal?.Id, companyId = deal?.CompanyId })
                    : Act(new { projectId = await projects.CreateProjectAsync(name, deal?.CompanyId, deal?.Id, ct), name, dealId = deal?.Id, companyId = deal?.CompanyId });
            }

            case "create_deal":
            {
                var title = Text("title");
                var deal = subject.Type == Subject.Deal ? await crmDirectory.FindDealAsync(subject.Id, ct) : null;
                var contactId = await ContactOfAsync(subject, ct);
                var request = new NewDeal(title, contactId, deal?.CompanyId);
                return dryRun ? Act(new { title, contactId, companyId = deal?.CompanyId }) : Act(new { dealId = await crm.CreateDealAsync(request, ct), title, contactId });
            }

            case "add_tag":
            {
                var tag = Text("tag");
                if (await ContactOfAsync(subject, ct) is not { } contactId)
                {
                    return Skip(subject.Id == Guid.Empty ? NoSubject : $"The {subject.Type} has no contact to tag.", new { tag });
                }

                return dryRun ? Act(new { contactId, tag }) : Act(new { contactId, tag, added = await crm.AddContactTagAsync(contactId, tag, ct) });
            }

            case "log_activity":
            {
                var (kind, text) = (step.Config["kind"].GetString()!, Text("subject"));
                var contactId = subject.Type == Subject.Contact ? subject.Id : subject.ContactId;
                var dealId = subject.Type == Subject.Deal ? subject.Id : (Guid?)null;
                return dryRun
                    ? Act(new { kind, subject = text, contactId, dealId })
                    : Act(new { activityId = await crm.LogActivityAsync(new NewActivity(kind, text, contactId, dealId), ct), kind, contactId, dealId });
            }

            case "update_field":
            {
                var (field, value) = (step.Config["field"].GetString()!, Text("value"));
                if (dryRun)
                {
                    return subject.Id == Guid.Empty ? Skip(NoSubject, new { field, value }) : Act(new { subject.Type, subject.Id, field, value });
                }

                var changed = subject.Type switch
                {
                    Subject.Contact => await crm.UpdateContactFieldAsync(subject.Id, field, value, ct),
                    Subject.Deal => await crm.UpdateDealFieldAsync(subject.Id, field, value, ct),
                    _ => await projects.UpdateTaskFieldAsync(subject.Id, field, value, ct),
                };
                return Act(new { subject.Type, subject.Id, field, value, changed });
            }

            case "notify_user":
            {
                var (userId, title) = (Id("userId"), Text("title"));
                if (dryRun)
                {
                    return await db.QuerySingleAsync<bool>(CanReceiveSql, new { tenant.OrgId, UserId = userId }, ct)
                        ? Act(new { userId, title })
                        : Skip("The user is not a member of this organization.", new { userId });
                }

                var sent = await notifications.NotifyAsync(userId, NotificationKind, title, $"From the workflow {step.TriggerName}.", LinkTo(subject), ct: ct);
                return sent is { } id ? Act(new { userId, notificationId = id, title }) : Skip("The user is not a member of this organization.", new { userId });
            }

            case "send_email":
            {
                var (userId, title) = (Id("userId"), Text("subject"));
                if (await db.QuerySingleOrDefaultAsync<string?>(MemberEmailSql, new { UserId = userId }, ct) is not { } to)
                {
                    return Skip("The user is not a member of this organization.", new { userId });
                }

                if (!dryRun)
                {
                    await email.SendAsync(EmailFor(step, to, title, await db.QuerySingleAsync<string>(OrgNameSql, ct: ct)), ct);
                }

                return Act(new { userId, subject = title });
            }

            case "delay":
            {
                var minutes = step.Config["minutes"].GetInt32();
                var resumeAt = DateTimeOffset.UtcNow.AddMinutes(minutes);
                return new StepOutcome(dryRun ? "would_run" : "completed", new { minutes, resumeAt }, ResumeAt: resumeAt);
            }

            case WebhookUrls.ActionType:
            {
                // The config holds the URL's origin only (WebhookUrls); the sealed URL never reaches a step's output.
                var url = step.Config[WebhookUrls.UrlKey].GetString()!;
                if ((await features.GetAsync("platform:webhooks", ct)) is not { PlanEnabled: true, FlagEnabled: true })
                {
                    return Skip("Outbound webhooks need the Enterprise plan (platform:webhooks): nothing was sent.", new { url });
                }

                if (dryRun)
                {
                    return Act(new { url });
                }

                if (webhookUrls.Open(step.Config) is not { } target)
                {
                    throw new PermanentActionException("The webhook URL can no longer be read (the Host's key changed): save the workflow again with the full URL.");
                }

                // Through the Platform module's delivery path (ADR 0020): signed, logged, retried there; the same
                // message id when a retried step sends again, so the receiver gets one message.
                var sent = await webhooks.SendAsync(
                    target, "workflow.webhook", new { workflow = step.TriggerName, runId = step.RunId, subject = new { type = subject.Type, id = subject.Id }, fields = step.Input.Fields },
                    RunInputs.StableId($"{step.RunId:N}/{step.Position}"), ct);
                var output = new { url, deliveryId = sent.DeliveryId, state = sent.State, statusCode = sent.StatusCode, latencyMs = sent.LatencyMs, errorClass = sent.ErrorClass };
                return sent.State switch
                {
                    "succeeded" => Act(output),
                    "retrying" => new StepOutcome("completed", output, "The first attempt failed; the delivery is retried on the webhook schedule (see the delivery log)."),
                    "no_secret" => Skip("The organization has no webhook signing secret yet (POST /webhooks/signing-secret): nothing was sent.", output),
                    _ => Skip($"The webhook was not delivered ({sent.ErrorClass}{(sent.StatusCode is { } code ? $", HTTP {code}" : "")}) and will not be retried.", output),
                };
            }

            default:
                throw new PermanentActionException($"Unknown action type {step.ActionType}.");
        }
    }

    private async Task<Guid?> ContactOfAsync(RunSubject subject, CancellationToken ct) => subject.Type switch
    {
        Subject.Contact => subject.Id,
        Subject.Deal => subject.ContactId ?? (await crmDirectory.FindDealAsync(subject.Id, ct))?.ContactId,
        _ => null,
    };

    private static string LinkTo(RunSubject subject) => subject.Type switch
    {
        Subject.Contact => $"/contacts/{subject.Id}",
        Subject.Deal => $"/deals/{subject.Id}",
        Subject.Webhook => "/workflows",
        _ => $"/projects/{subject.ProjectId}/tasks/{subject.Id}",
    };

    private static EmailMessage EmailFor(StepContext step, string to, string subject, string orgName)
    {
        var text = $"{subject}\n\nThe workflow \"{step.TriggerName}\" sent this email.";
        var html = HtmlText.Format($"<p>{subject}</p><p>The workflow &quot;{step.TriggerName}&quot; sent this email.</p>");
        return new EmailMessage(to, subject, text, html)
        {
            OrgName = orgName,
            // The same message when a retried step sends it again.
            MessageId = RunInputs.StableId($"{step.RunId:N}/{step.Position}"),
        };
    }
}

/// <summary>A step failure that retrying cannot fix.</summary>
internal sealed class PermanentActionException(string message) : Exception(message);
