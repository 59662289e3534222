namespace Practice.Domain.Staff;

public enum Modality
{
    TriggerPointTherapy,
    Swedish,
    DeepTissue,
    MyofascialRelease,
    NeuromuscularTherapy,
    DryNeedling,
}

public static class CredentialKinds
{
    public const string DryNeedling = "dry-needling";
}
