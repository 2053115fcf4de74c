namespace Luffy.Domain;

/// <summary>A rule of the domain refused a value; the message is for the user.</summary>
public sealed class DomainValidationException(string message) : Exception(message);
