namespace OpsDash.SharedKernel.Paging;

/// <summary>
/// A list request's sort, cursor and page size, parsed once (the validator reads it, the handler uses it;
/// a query record keeps it in a field). <see cref="Sort"/> is null for a sort the table does not have.
/// </summary>
public sealed record KeysetRequest(KeysetSort? Sort, KeysetPosition? After, int Limit, bool CursorRejected, string RejectionMessage);
