using System.Buffers;

namespace OpsDash.Modules.Crm.Contacts.Transfers;

/// <summary>
/// A transfer's temp file: an upload before it is parsed, an export before it is sent. Never whole in memory,
/// bounded by its writer, and opened delete-on-close, so disposing it (or an exception that ends the request)
/// removes it.
/// </summary>
internal sealed class SpoolFile : IAsyncDisposable
{
    private const int ChunkBytes = 64 * 1024;

    private SpoolFile(FileStream stream) => Stream = stream;

    public FileStream Stream { get; }

    public static SpoolFile Create(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.csv");
        return new SpoolFile(new FileStream(
            path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, ChunkBytes, FileOptions.Asynchronous | FileOptions.DeleteOnClose));
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the file, at most <paramref name="maxBytes"/> (413 beyond), calling
    /// <paramref name="progress"/> after each chunk; then rewinds it for reading.
    /// </summary>
    public async Task FillAsync(Stream source, long maxBytes, Func<Task> progress, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ChunkBytes), ct)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
                }

                await Stream.WriteAsync(buffer.AsMemory(0, read), ct);
                await progress();
            }

            await Stream.FlushAsync(ct);
            Stream.Position = 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends the whole file to <paramref name="destination"/>, calling <paramref name="progress"/> after each chunk.</summary>
    public async Task SendAsync(Stream destination, Func<Task> progress, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            Stream.Position = 0;
            int read;
            while ((read = await Stream.ReadAsync(buffer.AsMemory(0, ChunkBytes), ct)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), ct);
                await progress();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
