using OpsDash.Modules.Crm.Contacts;
using OpsDash.Modules.Projects.Projects;
using OpsDash.SharedKernel.Paging;

namespace OpsDash.Tests.Foundation;

/// <summary>The paged-read helper without a database: what it composes, and how it reads a cursor (ADR 0015).</summary>
public sealed class KeysetListTests
{
    private static ListContacts.Query Contacts(string? sort, string? order, string? cursor, string? limit = null) =>
        new(null, null, null, null, null, null, sort, order, cursor, limit);

    [Fact]
    public void The_statement_is_constant_text_and_the_cursor_condition_appears_only_with_a_cursor()
    {
        var firstPage = Contacts("name", "asc", null, "20");
        var cursor = OpaqueCursor.Encode("name.asc", Guid.NewGuid(), "o'brien'); drop table x; --");
        var nextPage = Contacts("name", "asc", cursor, "20");

        var first = ListContacts.Keyset.Statement(ListContacts.Filtered(firstPage), firstPage.Paging);
        var next = ListContacts.Keyset.Statement(ListContacts.Filtered(nextPage), nextPage.Paging);

        Assert.DoesNotContain("@AfterKey", first, StringComparison.Ordinal);
        Assert.EndsWith("\n order by c.sort_name, c.id\n limit 21", first, StringComparison.Ordinal);
        Assert.Contains("\n   and (c.sort_name, c.id) > (@AfterKey, @AfterId)\n order by c.sort_name, c.id\n limit 21", next, StringComparison.Ordinal);
        Assert.DoesNotContain("o'brien", next, StringComparison.Ordinal);
        Assert.Equal("o'brien'); drop table x; --", nextPage.Paging.After!.Key);
    }

    [Fact]
    public void A_cursor_is_parsed_once_per_request()
    {
        var query = Contacts("created", "desc", OpaqueCursor.Encode("created.desc", Guid.NewGuid(), CursorKeys.Time.Write(DateTime.UtcNow)));

        Assert.Same(query.Paging, query.Paging);
        Assert.IsType<DateTime>(query.Paging.After!.Key);
    }

    [Theory]
    [InlineData("name", "desc")] // made for name.asc
    [InlineData("email", null)] // a sort the table lacks
    public void A_cursor_of_another_sort_is_rejected_with_the_sorted_lists_message(string sort, string? order)
    {
        var page = Contacts(sort, order, OpaqueCursor.Encode("name.asc", Guid.NewGuid(), "a")).Paging;

        Assert.True(page.CursorRejected);
        Assert.Equal("Cursor must be a value returned as nextCursor for the same sort and order.", page.RejectionMessage);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    public void A_cursor_that_is_not_one_is_rejected(string cursor)
    {
        var page = new ListProjects.Query(null, null, null, null, null, null, null, null, cursor, null).Paging;

        Assert.True(page.CursorRejected);
        Assert.Null(page.After);
    }

    [Fact]
    public void A_list_ordered_by_identity_reads_a_plain_number_and_continues_below_it()
    {
        var list = KeysetList.NewestByIdentity<long>("a.id", id => id);

        var page = list.Parse("42", "10");

        Assert.Equal(42L, page.After!.Id);
        Assert.Equal("select 1\n   and a.id < @AfterId\n order by a.id desc\n limit 11", list.Statement("select 1", page));
        Assert.True(list.Parse("-1", null).CursorRejected);
        Assert.Equal("Cursor must be a value returned as nextCursor.", list.Parse("x", null).RejectionMessage);
        Assert.Equal(KeysetPaging.DefaultLimit, list.Parse(null, null).Limit);
    }

    [Fact]
    public void An_export_continues_after_its_last_row_without_a_cursor_string()
    {
        var query = Contacts(null, null, null);
        var row = new ListContacts.Row(Guid.NewGuid(), "A", null, null, null, null, null, null, null, [], DateTime.UtcNow, DateTime.UtcNow, "a");

        var after = ListContacts.Keyset.After(query.Paging, row).After!;

        Assert.Equal(row.Id, after.Id);
        Assert.Equal(row.CreatedAt, after.Key);
    }
}
