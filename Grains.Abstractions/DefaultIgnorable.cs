using System.Text;

namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt; the same ranges from Unicode 14
/// on): code points that a renderer which does not support them shows as nothing. Besides format characters
/// they hold combining marks (variation selectors, the combining grapheme joiner), fillers that are letters,
/// and reserved code points kept for more of the same, none of which .NET's categories single out.
/// </summary>
public static class DefaultIgnorable
{
    private static readonly (int First, int Last)[] Ranges =
    [
        (0x00AD, 0x00AD), // soft hyphen
        (0x034F, 0x034F), // combining grapheme joiner
        (0x061C, 0x061C), // Arabic letter mark
        (0x115F, 0x1160), // Hangul choseong and jungseong fillers
        (0x17B4, 0x17B5), // Khmer inherent vowels
        (0x180B, 0x180F), // Mongolian free variation selectors and vowel separator
        (0x200B, 0x200F), // zero-width space, joiners, directional marks
        (0x202A, 0x202E), // directional embeddings and overrides
        (0x2060, 0x206F), // word joiner, invisible operators, directional isolates, deprecated format characters
        (0x3164, 0x3164), // Hangul filler
        (0xFE00, 0xFE0F), // variation selectors 1-16
        (0xFEFF, 0xFEFF), // zero-width no-break space
        (0xFFA0, 0xFFA0), // half-width Hangul filler
        (0xFFF0, 0xFFF8), // reserved
        (0x1BCA0, 0x1BCA3), // shorthand format controls
        (0x1D173, 0x1D17A), // musical beam and phrase controls
        (0xE0000, 0xE0FFF), // tags, variation selectors 17-256, reserved
    ];

    public static bool Contains(Rune rune)
    {
        var value = rune.Value;
        foreach (var (first, last) in Ranges)
        {
            if (value < first)
            {
                return false;
            }

            if (value <= last)
            {
                return true;
            }
        }

        return false;
    }
}
