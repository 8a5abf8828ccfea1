using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Dealership.Hosting.Security;

/// <summary>
/// The RSA key the identity service signs people's and clients' tokens with, and every service
/// checks them with. Distributed: <c>Identity:SigningKey</c> holds a PEM (the private key for the
/// identity service, the public key is enough for the others). Embedded: generated once into the
/// data folder, so tokens stay valid across restarts.
/// </summary>
public static class SigningKey
{
    public const string Issuer = "dealership-identity";
    public const string Audience = "dealership-api";
    public const string FileName = "identity-signing-key.pem";

    private static readonly Lock Gate = new();

    public static RsaSecurityKey Load(IConfiguration configuration)
    {
        var pem = configuration["Identity:SigningKey"];
        if (string.IsNullOrWhiteSpace(pem))
            pem = ReadOrCreate(Path.Combine(Data.ServiceDatabase.DataDirectory(configuration), FileName));
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa) { KeyId = KeyId(rsa) };
    }

    public static TokenValidationParameters ValidationParameters(SecurityKey key) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = key,
        NameClaimType = DealershipClaims.Name,
        RoleClaimType = DealershipClaims.Role,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    private static string ReadOrCreate(string path)
    {
        lock (Gate)
        {
            if (File.Exists(path))
                return File.ReadAllText(path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var rsa = RSA.Create(2048);
            var pem = rsa.ExportPkcs8PrivateKeyPem();
            // Written aside and moved, so a process that reads it at the same moment never sees half a key.
            var temp = path + "." + Guid.NewGuid().ToString("N");
            File.WriteAllText(temp, pem);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
            return File.ReadAllText(path);
        }
    }

    private static string KeyId(RSA rsa) =>
        Convert.ToHexString(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16].ToLowerInvariant();
}
