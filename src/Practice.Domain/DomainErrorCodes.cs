namespace Practice.Domain;

// HTTP mapping used by the APIs: "*-not-found" -> 404, the codes in Conflicts -> 409, every other code -> 422.
public static class DomainErrorCodes
{
    public const string OrganisationNotFound = "organisation-not-found";
    public const string LocationNotFound = "location-not-found";
    public const string RoomNotFound = "room-not-found";
    public const string TherapistNotFound = "therapist-not-found";
    public const string ClientNotFound = "client-not-found";
    public const string AppointmentNotFound = "appointment-not-found";
    public const string SessionNotFound = "session-not-found";
    public const string TriggerPointNotFound = "trigger-point-not-found";
    public const string PlanNotFound = "plan-not-found";
    public const string GoalNotFound = "goal-not-found";

    // The thing to create exists already (same id).
    public const string AlreadyExists = "already-exists";

    // The therapist or the room is taken for an overlapping time, buffer included.
    public const string DoubleBooking = "double-booking";

    // The target is in a status that does not allow the action (e.g. checking in a cancelled appointment).
    public const string StatusConflict = "status-conflict";

    // A signed note is never edited; only amended.
    public const string NoteAlreadySigned = "note-already-signed";

    public const string InvalidValue = "invalid-value";
    public const string OutOfRange = "out-of-range";
    public const string InvalidTimeZone = "invalid-time-zone";
    public const string InvalidHours = "invalid-hours";
    public const string NotAtLocation = "not-at-location";
    public const string OutsideOpeningHours = "outside-opening-hours";
    public const string OutsideWorkingHours = "outside-working-hours";
    public const string NoticeTooShort = "notice-too-short";
    public const string BeyondHorizon = "beyond-horizon";
    public const string ModalityNotPractised = "modality-not-practised";
    public const string CredentialRequired = "credential-required";
    public const string ConsentRequired = "consent-required";
    public const string IntakeRequired = "intake-required";

    // Replacing an intake is for those who can read it; the front desk takes only the first.
    public const string IntakeAlreadyTaken = "intake-already-taken";
    public const string WrittenConsentRequired = "written-consent-required";
    public const string ConsentNotGranted = "consent-not-granted";
    public const string GuardianRequired = "guardian-required";
    public const string Contraindicated = "contraindicated";

    // A contraindication that warns: the therapist must acknowledge it before treating.
    public const string ContraindicationUnacknowledged = "contraindication-unacknowledged";
    public const string NotSessionTherapist = "not-session-therapist";
    public const string SessionCompleted = "session-completed";
    public const string SessionNotCompleted = "session-not-completed";
    public const string NoteNotSigned = "note-not-signed";
    public const string TooEarly = "too-early";

    // The appointment's time has come or gone: what is left is a no-show (or, for a late change, a cancellation).
    public const string TooLate = "too-late";

    public static IReadOnlySet<string> Conflicts { get; } =
        new HashSet<string>(StringComparer.Ordinal) { AlreadyExists, DoubleBooking, StatusConflict, NoteAlreadySigned };
}
