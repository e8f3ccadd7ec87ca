using System.Net.Http.Headers;
using System.Text;

namespace OpsDash.Tests.Crm;

/// <summary>
/// A text/csv body that keeps coming until released: a row every 100 ms (above Kestrel's minimum request data
/// rate, which ends an upload that stalls for good), then its last row.
/// </summary>
internal sealed class HeldCsvContent : HttpContent
{
    private readonly int _upload;
    private readonly Task _release;

    public HeldCsvContent(int upload, Task release)
    {
        _upload = upload;
        _release = release;
        Headers.ContentType = new MediaTypeHeaderValue("text/csv");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await WriteAsync(stream, $"first name,email\nUpload{_upload},upload{_upload}@example.com\n");
        for (var row = 0; !_release.IsCompleted; row++)
        {
            await Task.WhenAny(_release, Task.Delay(100));
            await WriteAsync(stream, $"Held{_upload}x{row},held{_upload}x{row}@example.com\n");
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    private static async Task WriteAsync(Stream stream, string text)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await stream.FlushAsync();
    }
}

/// <summary>A text/csv body sent in parts, as a slow client sends it: a pause before each part after the first.</summary>
internal sealed class SlowCsvContent : HttpContent
{
    private readonly IReadOnlyList<string> _parts;
    private readonly TimeSpan _pause;

    public SlowCsvContent(IReadOnlyList<string> parts, TimeSpan pause)
    {
        _parts = parts;
        _pause = pause;
        Headers.ContentType = new MediaTypeHeaderValue("text/csv");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var i = 0; i < _parts.Count; i++)
        {
            if (i > 0)
            {
                await Task.Delay(_pause);
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(_parts[i]));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
