using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Practice.EventStore.Projections;
using Practice.ServiceDefaults;

namespace Practice.Integrations.Api;

/// <summary>
/// A feed position sealed for one tenant. Positions are global (every tenant's events share one order), so
/// in clear they would tell a partner how busy the other clinics are; sealed, they tell nothing, and one
/// tenant's cursor does not open for another. Sealing is deterministic (the nonce is a MAC of the position), so
/// the same position always gives the same cursor and a caught-up poller sees <c>next</c> equal to <c>after</c>.
/// </summary>
public sealed class FeedCursor
{
    private const int NonceBytes = 12;
    private const int PositionBytes = 16;
    private const int TagBytes = 16;
    private readonly byte[] _encryptionKey;
    private readonly byte[] _nonceKey;

    public FeedCursor(PracticeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Unset, it is derived from the token signing key under its own label, so no second secret is needed to start.
        var secret = Encoding.UTF8.GetBytes(settings.FeedCursorKey ?? settings.Jwt.SigningKey);
        if (secret.Length < 32)
        {
            throw new InvalidOperationException("Practice__FeedCursorKey must be at least 32 bytes when set.");
        }
        _encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.UTF8.GetBytes("practice feed cursor v1 encryption"));
        _nonceKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.UTF8.GetBytes("practice feed cursor v1 nonce"));
    }

    public string Seal(string tenantId, ProjectionPosition position)
    {
        Span<byte> plain = stackalloc byte[PositionBytes];
        BinaryPrimitives.WriteUInt64BigEndian(plain, position.Transaction);
        BinaryPrimitives.WriteInt64BigEndian(plain[8..], position.Sequence);
        var tenant = Encoding.UTF8.GetBytes(tenantId);
        var sealedBytes = new byte[NonceBytes + PositionBytes + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        HMACSHA256.HashData(_nonceKey, (byte[])[.. tenant, .. plain]).AsSpan(0, NonceBytes).CopyTo(nonce);
        using var aes = new AesGcm(_encryptionKey, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, PositionBytes), sealedBytes.AsSpan(NonceBytes + PositionBytes), tenant);
        return Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>False for anything this feed did not seal for this tenant, including another tenant's cursor.</summary>
    public bool TryOpen(string tenantId, string cursor, out ProjectionPosition position)
    {
        position = ProjectionPosition.Start;
        var sealedBytes = new byte[NonceBytes + PositionBytes + TagBytes];
        if (!Base64Url.IsValid(cursor, out var length) || length != sealedBytes.Length
            || !Base64Url.TryDecodeFromChars(cursor, sealedBytes, out _))
        {
            return false;
        }
        Span<byte> plain = stackalloc byte[PositionBytes];
        using var aes = new AesGcm(_encryptionKey, TagBytes);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, PositionBytes),
                sealedBytes.AsSpan(NonceBytes + PositionBytes), plain, Encoding.UTF8.GetBytes(tenantId));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        position = new ProjectionPosition(BinaryPrimitives.ReadUInt64BigEndian(plain), BinaryPrimitives.ReadInt64BigEndian(plain[8..]));
        return true;
    }
}
