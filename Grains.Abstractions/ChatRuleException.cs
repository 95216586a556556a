namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// Input that breaks one of the <see cref="ChatRules"/>. The message names the field and the rule and is
/// safe to show to the user; nothing was stored when it is thrown.
/// </summary>
[GenerateSerializer]
public sealed class ChatRuleException : Exception
{
    public ChatRuleException(string message) : base(message)
    {
    }
}
