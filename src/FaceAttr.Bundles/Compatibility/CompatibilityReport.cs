namespace FaceAttr.Bundles.Compatibility;

/// <summary>How one model did in the check.</summary>
/// <param name="Id">Model id.</param>
/// <param name="LoadMs">Milliseconds to open the session (hash, load, contract).</param>
/// <param name="InferenceMs">Milliseconds of the test inference.</param>
public sealed record ModelCheck(string Id, double LoadMs, double InferenceMs);

/// <summary>A passed compatibility check: the bundle and each model's timings (a baseline for the health window).</summary>
/// <param name="Bundle">Bundle name.</param>
/// <param name="Version">Bundle version.</param>
/// <param name="Models">Per-model timings.</param>
public sealed record CompatibilityReport(string Bundle, string Version, IReadOnlyList<ModelCheck> Models);
