namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// 400 <c>validation_error</c> with a stable <c>reason</c>: the uploaded export is not one this install imports
/// (not_a_zip, manifest_missing, manifest_invalid, schema_version_mismatch, missing_file, unexpected_file,
/// checksum_mismatch, row_count_mismatch, bad_header, bad_row, invalid_data). Nothing was written.
/// </summary>
internal sealed class ImportRefusedException : AppException
{
    public ImportRefusedException(string reason, string message)
        : base(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "Validation failed", message)
    {
        Extensions["errors"] = new Dictionary<string, string[]> { ["file"] = [message] };
        Extensions["reason"] = reason;
    }
}
