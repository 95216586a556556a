using System.Globalization;
using System.Text;

namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// What a user name may hold beyond being one line of text: nothing invisible (no format character and no
/// default-ignorable code point, <see cref="DefaultIgnorable"/>), nothing that changes how the text around it
/// is shown, and no pile of combining marks; and when two names are the same name.
/// </summary>
public static class NameRules
{
    /// <summary>Combining marks allowed on one base character (enough for any language's accents).</summary>
    public const int MaxCombiningMarks = 3;

    // Draws nothing, yet is neither default-ignorable nor a format character.
    private const int BlankBraillePattern = 0x2800;

    // Text and emoji presentation selectors: phones put U+FE0F after symbols such as a heart, where it picks
    // the colour glyph of the same symbol. After a symbol they are allowed; after anything else they draw
    // nothing. Names that differ only by them are the same name (Key).
    private const int TextPresentation = 0xFE0E, EmojiPresentation = 0xFE0F;

    /// <summary>The reason <paramref name="name"/> is refused, or null when it is fine.</summary>
    public static string? Problem(string name)
    {
        var marks = 0;
        var previous = UnicodeCategory.Control;
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (rune.Value is TextPresentation or EmojiPresentation && previous == UnicodeCategory.OtherSymbol)
            {
                previous = UnicodeCategory.NonSpacingMark;
                continue;
            }

            previous = category;
            switch (category)
            {
                case UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    return $"must not contain invisible or direction-changing characters (U+{rune.Value:X4})";
                case var _ when DefaultIgnorable.Contains(rune) || rune.Value == BlankBraillePattern:
                    // Before the marks: a variation selector is one, and would otherwise pass as an accent.
                    return $"must not contain invisible characters (U+{rune.Value:X4})";
                case UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned:
                    return $"must not contain private-use or unassigned characters (U+{rune.Value:X4})";
                case UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark:
                    if (++marks > MaxCombiningMarks)
                    {
                        return $"must not put more than {MaxCombiningMarks} combining marks on one character";
                    }

                    continue;
            }

            marks = 0;
        }

        return null;
    }

    /// <summary>
    /// The form two names share when a person could not tell them apart by case, by compatibility variants
    /// (full-width letters, ligatures) or by look-alike letters of other scripts: NFKC, case-folded, then the
    /// UTS #39 confusable skeleton (<see cref="ConfusableSkeleton"/>), folded again because skeletons keep
    /// case ("0" becomes "O").
    /// </summary>
    public static string Key(string name) =>
        Fold(ConfusableSkeleton.Of(Fold(WithoutPresentationSelectors(name).Normalize(NormalizationForm.FormKC))));

    private static string WithoutPresentationSelectors(string name) =>
        name.Contains((char)EmojiPresentation) || name.Contains((char)TextPresentation)
            ? name.Replace(((char)EmojiPresentation).ToString(), "").Replace(((char)TextPresentation).ToString(), "")
            : name;

    private static string Fold(string text) => text.ToUpperInvariant().ToLowerInvariant();
}
