using System.Security.Cryptography;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// New ids for an import: SHA-256 of a random per-import salt and the old id, as a version-8 UUID. The same old
/// id always gets the same new one, so references follow their rows with no table of ids in memory, and two
/// imports of one file get different ids.
/// </summary>
internal sealed class IdMap
{
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(16);

    public string Map(string oldId, string file)
    {
        if (!Guid.TryParse(oldId, out var id))
        {
            throw new ImportRefusedException("bad_row", $"{file}: '{Shorten(oldId)}' is not an id.");
        }

        Span<byte> input = stackalloc byte[32];
        _salt.CopyTo(input);
        id.TryWriteBytes(input[16..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString();
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
