namespace Practice.Testing;

/// <summary>
/// The key the test hosts sign and check tokens with. Only a Development host accepts the repository's development
/// key, so a test host, which runs as Testing, is given a key of its own as any other deployment is.
/// </summary>
public static class TestSigning
{
    public const string Key = "practice-test-signing-key-for-test-hosts-only-0123456789";
}
