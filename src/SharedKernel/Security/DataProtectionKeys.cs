using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Security;

/// <summary>
/// Data Protection's key ring in PostgreSQL (<c>keyring.data_protection_keys</c>, db/scripts/0068), so every
/// Host reads and accepts what another sealed (the /ops cookie, antiforgery tokens). It runs on the jobs
/// role's pool with no context: the only caller the SQL functions admit (ADR 0019). Synchronous because
/// <see cref="IXmlRepository"/> is; Data Protection calls it at start-up and when it refreshes its ring.
/// </summary>
internal sealed class PostgresXmlRepository(JobsDataSource jobs) : IXmlRepository
{
    private const string ReadSql = "select xml from keyring.read_keys()";

    private const string StoreSql = "select keyring.store_key(@FriendlyName, @Xml)";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = jobs.Source.OpenConnection();
        return connection.Query<string>(ReadSql).Select(xml => XElement.Parse(xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = jobs.Source.OpenConnection();
        connection.Execute(StoreSql, new { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}

/// <summary>Seals a key's secret with the Host's <see cref="SecretBox"/> before Data Protection stores it.</summary>
internal sealed class SealedXmlEncryptor(SecretBox secrets) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement(SealedXmlDecryptor.ElementName, secrets.Seal(plaintextElement.ToString(SaveOptions.DisableFormatting))), typeof(SealedXmlDecryptor));
}

/// <summary>Opens what <see cref="SealedXmlEncryptor"/> sealed. Data Protection creates it by type name, with the service provider.</summary>
public sealed class SealedXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    internal const string ElementName = "sealed";

    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<SecretBox>().Open(encryptedElement.Value));
}
