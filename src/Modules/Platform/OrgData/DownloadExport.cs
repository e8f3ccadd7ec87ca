namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// <c>GET /export-downloads/{id}/{token}</c>: the ZIP of a ready export, for whoever holds a link handed out by
/// GET /orgs/{slug}/exports/{id} (no bearer token: a browser follows it). The token names its org and export
/// and expires; a wrong, expired or other export's token, or a deleted export, is 404.
/// </summary>
internal static class DownloadExport
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/export-downloads/{id:guid}/{token}", Handle)
            .AllowAnonymous()
            .WithTags("Exports")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesError(StatusCodes.Status404NotFound, ErrorCodes.NotFound)
            .WithName("DownloadOrgExport")
            .WithSummary("Download a ready export's ZIP with the link from GET /orgs/{slug}/exports/{id} (valid for a short time).");

    private static PhysicalFileHttpResult Handle(Guid id, string token, ExportLinks links, OrgDataSettings settings)
    {
        if (links.OrgOf(id, token) is not { } orgId || !File.Exists(settings.FileOf(orgId, id)))
        {
            throw new NotFoundException("This download link is not valid (expired, or the export was deleted).");
        }

        return TypedResults.PhysicalFile(settings.FileOf(orgId, id), "application/zip", $"export-{id:N}.zip", enableRangeProcessing: true);
    }
}
