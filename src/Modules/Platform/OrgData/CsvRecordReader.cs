using System.Text;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// Reads PostgreSQL's CSV (RFC 4180) one record at a time, keeping the difference COPY makes: an unquoted
/// empty cell is NULL, a quoted one an empty string. Memory is one buffer and one record.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader)
{
    private readonly char[] _buffer = new char[64 * 1024];
    private readonly StringBuilder _field = new();
    private int _position;
    private int _length;

    /// <summary>The next record's cells into <paramref name="cells"/>; false at the end of the file.</summary>
    public async ValueTask<bool> ReadAsync(List<string?> cells)
    {
        cells.Clear();
        if (await PeekAsync() == -1)
        {
            return false;
        }

        while (true)
        {
            _field.Clear();
            var quoted = false;
            var c = await NextAsync();
            if (c == '"')
            {
                quoted = true;
                while (true)
                {
                    c = await NextAsync();
                    if (c == -1)
                    {
                        throw new FormatException("A quoted cell is not closed.");
                    }

                    if (c == '"')
                    {
                        if (await PeekAsync() != '"')
                        {
                            break;
                        }

                        await NextAsync();
                    }

                    _field.Append((char)c);
                }

                c = await NextAsync();
            }
            else
            {
                while (c is not (-1 or ',' or '\n' or '\r'))
                {
                    _field.Append((char)c);
                    c = await NextAsync();
                }
            }

            cells.Add(!quoted && _field.Length == 0 ? null : _field.ToString());
            switch (c)
            {
                case ',':
                    continue;
                case '\r':
                    if (await PeekAsync() == '\n')
                    {
                        await NextAsync();
                    }

                    return true;
                case '\n' or -1:
                    return true;
                default:
                    throw new FormatException("Text after a quoted cell.");
            }
        }
    }

    private async ValueTask<int> PeekAsync()
    {
        if (_position == _length && !await FillAsync())
        {
            return -1;
        }

        return _buffer[_position];
    }

    private async ValueTask<int> NextAsync()
    {
        if (_position == _length && !await FillAsync())
        {
            return -1;
        }

        return _buffer[_position++];
    }

    private async ValueTask<bool> FillAsync()
    {
        _length = await reader.ReadAsync(_buffer.AsMemory());
        _position = 0;
        return _length > 0;
    }
}
