using System.Security.Cryptography;
using OpsDash.Host.Database;

namespace OpsDash.Host.Setup;

/// <summary>
/// For the embedded (dev) database only: a random JWT signing key kept in the git-ignored data
/// folder, so sessions survive restarts without anyone committing a key.
/// </summary>
internal static class DevelopmentSecrets
{
    public static string SigningKey()
    {
        var path = Path.Combine(RepositoryRoot.Find(), ".data", "dev-jwt-signing-key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return File.ReadAllText(path).Trim();
    }
}
