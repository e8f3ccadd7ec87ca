using System.Globalization;
using System.Text;
using static OpsDash.Modules.Platform.Operations.OpsHtml;

namespace OpsDash.Modules.Platform.Operations;

/// <summary>The markup of <c>/ops/jobs</c>. Every value is encoded with <see cref="OpsHtml.E"/>, error texts included.</summary>
internal static class JobsPageHtml
{
    private const int ChartWidth = 960;
    private const int ChartHeight = 180;
    private const int AxisLeft = 40;
    private const int AxisBottom = 22;

    public static string Header(JobsPageView view) => $"""
        <header><h1>OpsDash · Jobs</h1>
          <form method="post" action="/ops/logout"><a href="/ops/billing" style="color:#fff;margin-right:12px">Billing</a><span>{E(view.Email)}</span>{Csrf(view.CsrfField, view.CsrfToken)}<button type="submit">Sign out</button></form>
        </header>
        """;

    public static string Body(JobsPageView view)
    {
        var s = view.Summary;
        var html = new StringBuilder();
        if (view.Flash is { } flash)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<p class="flash">{E(flash)}</p>""");
        }

        html.Append("<h2>Jobs by state</h2><div class=\"cards\">");
        foreach (var state in s.ByState)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<div class="card {E(state.State)}"><small>{E(state.State)}</small><b>{E(state.Jobs)}</b></div>""");
        }

        html.Append("</div><div class=\"cards\" style=\"margin-top:10px\">")
            .Append(CultureInfo.InvariantCulture, $"""<div class="card"><small>oldest pending</small><b>{E(Age(s.OldestPendingSeconds))}</b></div>""")
            .Append(CultureInfo.InvariantCulture, $"""<div class="card completed"><small>completed, last minute</small><b>{E(s.CompletedLastMinute)}</b></div>""")
            .Append(CultureInfo.InvariantCulture, $"""<div class="card failed"><small>failed, last minute</small><b>{E(s.FailedLastMinute)}</b></div>""")
            .Append("</div>");

        html.Append("<h2>Throughput, last hour (per minute)</h2><div class=\"chart\">").Append(Chart(view.Throughput)).Append("</div>");
        html.Append(ByKind(s.ByKind));
        html.Append(Failed(view));
        return html.ToString();
    }

    private static string Age(double? seconds) => seconds switch
    {
        null => "none",
        < 60 => $"{seconds.Value.ToString("0.#", CultureInfo.InvariantCulture)} s",
        < 3600 => $"{(seconds.Value / 60).ToString("0.#", CultureInfo.InvariantCulture)} min",
        _ => $"{(seconds.Value / 3600).ToString("0.#", CultureInfo.InvariantCulture)} h",
    };

    // Stacked bars: completed (green) under failed (red), one per minute, oldest on the left.
    private static string Chart(IReadOnlyList<MinuteCount> minutes)
    {
        var max = Math.Max(1, minutes.Count == 0 ? 1 : minutes.Max(m => m.Completed + m.Failed));
        var plotWidth = ChartWidth - AxisLeft - 10;
        var plotHeight = ChartHeight - AxisBottom - 10;
        var slot = minutes.Count == 0 ? plotWidth : (double)plotWidth / minutes.Count;
        var svg = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {ChartWidth} {ChartHeight}" role="img" aria-label="Jobs finished per minute over the last hour">""")
            .Append(CultureInfo.InvariantCulture, $"""<line x1="{AxisLeft}" y1="10" x2="{AxisLeft}" y2="{10 + plotHeight}" stroke="#8a93a3"/>""")
            .Append(CultureInfo.InvariantCulture, $"""<line x1="{AxisLeft}" y1="{10 + plotHeight}" x2="{ChartWidth - 10}" y2="{10 + plotHeight}" stroke="#8a93a3"/>""")
            .Append(CultureInfo.InvariantCulture, $"""<text x="{AxisLeft - 6}" y="16" font-size="11" text-anchor="end" fill="#5b6475">{E(max)}</text>""")
            .Append(CultureInfo.InvariantCulture, $"""<text x="{AxisLeft - 6}" y="{10 + plotHeight}" font-size="11" text-anchor="end" fill="#5b6475">0</text>""");
        for (var i = 0; i < minutes.Count; i++)
        {
            var m = minutes[i];
            var x = AxisLeft + (i * slot) + 1;
            var width = Math.Max(1, slot - 2);
            var completedHeight = plotHeight * m.Completed / (double)max;
            var failedHeight = plotHeight * m.Failed / (double)max;
            var baseY = 10 + plotHeight;
            svg.Append(CultureInfo.InvariantCulture, $"""<g><title>{E(m.Minute.ToString("HH:mm", CultureInfo.InvariantCulture))} UTC: {E(m.Completed)} completed, {E(m.Failed)} failed</title>""")
                .Append(CultureInfo.InvariantCulture, $"""<rect x="{x:0.##}" y="{baseY - completedHeight:0.##}" width="{width:0.##}" height="{completedHeight:0.##}" fill="#52be80"/>""")
                .Append(CultureInfo.InvariantCulture, $"""<rect x="{x:0.##}" y="{baseY - completedHeight - failedHeight:0.##}" width="{width:0.##}" height="{failedHeight:0.##}" fill="#e74c3c"/></g>""");
        }

        if (minutes.Count > 0)
        {
            var labelY = ChartHeight - 6;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{AxisLeft}" y="{labelY}" font-size="11" fill="#5b6475">{E(minutes[0].Minute.ToString("HH:mm", CultureInfo.InvariantCulture))}</text>""")
                .Append(CultureInfo.InvariantCulture, $"""<text x="{ChartWidth - 10}" y="{labelY}" font-size="11" text-anchor="end" fill="#5b6475">{E(minutes[^1].Minute.ToString("HH:mm", CultureInfo.InvariantCulture))} UTC</text>""")
                .Append(CultureInfo.InvariantCulture, $"""<text x="{ChartWidth / 2}" y="{labelY}" font-size="11" text-anchor="middle" fill="#5b6475"><tspan fill="#1e8449">■ completed</tspan>  <tspan fill="#c0392b">■ failed (dead or cancelled)</tspan></text>""");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string ByKind(IReadOnlyList<KindCount> byKind)
    {
        var html = new StringBuilder("<h2>By kind</h2>");
        if (byKind.Count == 0)
        {
            return html.Append("<p class=\"muted\">No jobs.</p>").ToString();
        }

        html.Append("<table><thead><tr><th>kind</th><th>state</th><th>jobs</th></tr></thead><tbody>");
        foreach (var k in byKind)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<tr><td>{E(k.Kind)}</td><td>{E(k.State)}</td><td>{E(k.Jobs)}</td></tr>""");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static string Failed(JobsPageView view)
    {
        var html = new StringBuilder("<h2>Failed jobs (dead or waiting to retry)</h2>");
        if (view.Failed.Count == 0)
        {
            return html.Append("<p class=\"muted\">No failed jobs.</p>").ToString();
        }

        html.Append("<table><thead><tr><th>id</th><th>kind</th><th>org</th><th>state</th><th>attempts</th><th>error</th><th>when (UTC)</th><th></th></tr></thead><tbody>");
        foreach (var j in view.Failed)
        {
            var id = E(j.Id);
            var when = j.State == Jobs.JobStates.Retryable
                ? "next try " + j.RunAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                : "died " + (j.FinishedAt ?? j.RunAt).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            html.Append(CultureInfo.InvariantCulture, $"""<tr id="job-{id}"><td>{id}</td><td>{E(j.Kind)}</td><td>{E(j.OrgSlug ?? "(platform)")}</td><td>{E(j.State)}</td><td>{E(j.Attempt)}/{E(j.MaxAttempts)}</td><td class="err">{E(j.LastError)}</td><td>{E(when)}</td><td class="actions">""");
            if (j.State == Jobs.JobStates.Dead)
            {
                html.Append(CultureInfo.InvariantCulture, $"""<form method="post" action="/ops/jobs/{id}/retry">{Csrf(view.CsrfField, view.CsrfToken)}<button class="primary" type="submit">Retry</button></form>""");
            }

            html.Append(CultureInfo.InvariantCulture, $"""<form method="post" action="/ops/jobs/{id}/discard">{Csrf(view.CsrfField, view.CsrfToken)}<button type="submit">Discard</button></form></td></tr>""");
        }

        return html.Append("</tbody></table>").ToString();
    }
}
