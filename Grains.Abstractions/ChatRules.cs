using System.Text;

namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// The input rules of the chat, in one place: the hub checks them before calling a grain and the grain
/// checks them again. Each method returns the normalized value or throws <see cref="ChatRuleException"/>
/// whose message names the field and the rule. docs/protocol.md lists the same rules for clients.
/// </summary>
public static class ChatRules
{
    public const int MaxRoomLength = 64;
    public const int MaxUserLength = 32;
    public const int MaxTextLength = 2000;
    public const int MaxClientMessageIdLength = 64;
    public const int MaxHistoryPage = 100;
    public const int MaxSearchQueryLength = 200;

    /// <summary>
    /// Room names are case-insensitive: surrounding whitespace is trimmed, the text is put in Unicode NFC
    /// and lower-cased, so "Lobby" and " lobby " are one room. Letters that draw nothing (Hangul fillers) are
    /// refused as in user names (<see cref="NameRules.Problem"/>); look-alike names are one name (<see cref="IRoomNameGrain"/>).
    /// </summary>
    public static string NormalizeRoom(string? room)
    {
        var value = Unicode(room, "room").Trim().ToLowerInvariant();
        if (value.Length is 0 or > MaxRoomLength || !value.All(IsRoomChar))
        {
            throw new ChatRuleException(
                $"room: must be 1 to {MaxRoomLength} characters, letters, digits, '-', '_' or '.'");
        }

        return NameRules.Problem(value) is { } problem ? throw new ChatRuleException($"room: {problem}") : value;
    }

    /// <summary>
    /// User names keep their case; surrounding whitespace is trimmed and the text put in NFC. Nothing
    /// invisible or direction-changing, no private-use or unassigned code points, at most
    /// <see cref="NameRules.MaxCombiningMarks"/> combining marks per character (<see cref="NameRules"/>).
    /// </summary>
    public static string NormalizeUser(string? user)
    {
        var value = LineOfText(user, "user", MaxUserLength);
        return NameRules.Problem(value) is { } problem ? throw new ChatRuleException($"user: {problem}") : value;
    }

    /// <summary>
    /// Message text: line breaks are normalized to "\n", surrounding whitespace is trimmed and the text put
    /// in NFC. Tabs and line breaks are allowed; other control characters are not.
    /// </summary>
    public static string NormalizeText(string? text)
    {
        var value = Unicode(text, "text").Replace("\r\n", "\n").Replace('\r', '\n').Trim();
        if (value.Length == 0)
        {
            throw new ChatRuleException("text: must not be empty or only whitespace");
        }

        if (value.Length > MaxTextLength)
        {
            throw new ChatRuleException($"text: must be at most {MaxTextLength} characters");
        }

        if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            throw new ChatRuleException("text: must not contain control characters other than tab and line break");
        }

        return value;
    }

    /// <summary>
    /// A client message id is optional: without one the room assigns a fresh id (and a retry cannot be
    /// recognized). With one it must be 1 to 64 ASCII letters, digits, '-', '_', ':' or '.'.
    /// </summary>
    public static string? NormalizeClientMessageId(string? clientMessageId)
    {
        if (string.IsNullOrEmpty(clientMessageId))
        {
            return null;
        }

        if (clientMessageId.Length > MaxClientMessageIdLength || !clientMessageId.All(IsIdChar))
        {
            throw new ChatRuleException(
                $"clientMessageId: must be 1 to {MaxClientMessageIdLength} ASCII letters, digits, '-', '_', ':' or '.'");
        }

        return clientMessageId;
    }

    /// <summary>
    /// A search query: surrounding whitespace trimmed, in NFC, 1 to 200 characters without control characters.
    /// Words match whole words in any case; "quoted words" match a phrase and -word excludes a word.
    /// </summary>
    public static string NormalizeSearchQuery(string? query) => LineOfText(query, "query", MaxSearchQueryLength);

    public static long? CheckSince(long? since) =>
        since is < 0 ? throw new ChatRuleException("since: must be null or a sequence number of 0 or more") : since;

    public static long CheckBeforeSeq(long beforeSeq) =>
        beforeSeq < 1 ? throw new ChatRuleException("beforeSeq: must be 1 or more") : beforeSeq;

    public static int CheckLimit(int limit) =>
        limit is < 1 or > MaxHistoryPage
            ? throw new ChatRuleException($"limit: must be 1 to {MaxHistoryPage}")
            : limit;

    /// <summary>One line of text: trimmed, NFC, 1 to <paramref name="maxLength"/> characters, no control characters.</summary>
    private static string LineOfText(string? value, string field, int maxLength)
    {
        var text = Unicode(value, field).Trim();
        if (text.Length is 0 || text.Length > maxLength)
        {
            throw new ChatRuleException($"{field}: must be 1 to {maxLength} characters");
        }

        if (text.Any(char.IsControl))
        {
            throw new ChatRuleException($"{field}: must not contain control characters");
        }

        return text;
    }

    private static bool IsRoomChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '.';

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':' or '.';

    private static string Unicode(string? value, string field) =>
        IsPairedSurrogates(value ?? "")
            ? (value ?? "").Normalize(NormalizationForm.FormC)
            : throw new ChatRuleException($"{field}: must be valid Unicode text");

    private static bool IsPairedSurrogates(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
