using System.Security.Cryptography;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Security;

namespace OpsDash.SharedKernel.Email;

public static class SealedLinks
{
    /// <summary>
    /// Opens the sealed link of an email job. Missing (the job finished once and its sealed args were
    /// removed, then was retried) or unreadable (the signing key changed): retrying cannot help, so the
    /// job is parked and the user asks for a new link.
    /// </summary>
    public static string OpenForEmail(this SecretBox secrets, string? sealedLink)
    {
        if (string.IsNullOrEmpty(sealedLink))
        {
            throw new JobCancelledException("The sealed link was removed when this job finished before; request a new email.");
        }

        try
        {
            return secrets.Open(sealedLink);
        }
        catch (CryptographicException e)
        {
            throw new PermanentJobException("The sealed link cannot be opened with the current signing key.", e);
        }
    }
}
