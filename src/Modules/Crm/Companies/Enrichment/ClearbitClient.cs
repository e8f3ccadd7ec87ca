using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Outbound;

namespace OpsDash.Modules.Crm.Companies.Enrichment;

/// <summary>Configuration section <c>Crm:Clearbit</c>. Without <see cref="ApiKey"/> enrichment uses the fallback.</summary>
public sealed class ClearbitOptions
{
    public const string SectionName = "Crm:Clearbit";

    public string? ApiKey { get; set; }

    public Uri BaseUrl { get; set; } = new("https://company.clearbit.com");
}

/// <summary>
/// Clearbit's company API (<c>GET /v2/companies/find?domain=</c>) through the kernel's guarded client.
/// 404 is an answer (nothing known); 401/403 and other 4xx are permanent; 202 (lookup queued on
/// their side), 429 and 5xx are thrown as ordinary failures so the job retries with backoff.
/// </summary>
internal sealed class ClearbitClient(OutboundHttp http, ClearbitOptions options)
{
    public bool Configured => !string.IsNullOrWhiteSpace(options.ApiKey);

    public async Task<Enriched> FindAsync(string domain, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.BaseUrl, $"v2/companies/find?domain={Uri.EscapeDataString(domain)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is OutboundAddressRefusedException refused)
        {
            throw new PermanentJobException($"Clearbit call refused: {refused.Message}");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    using (var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)))
                    {
                        return ClearbitMapping.Map(body.RootElement);
                    }

                case HttpStatusCode.NotFound:
                    return Enriched.NotFound;
                case HttpStatusCode.Accepted or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout:
                    throw new HttpRequestException($"Clearbit answered {status}; retrying later.");
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    throw new PermanentJobException($"Clearbit refused the API key ({status}).");
                default:
                    throw status >= 500
                        ? new HttpRequestException($"Clearbit answered {status}; retrying later.")
                        : new PermanentJobException($"Clearbit answered {status}.");
            }
        }
    }
}
