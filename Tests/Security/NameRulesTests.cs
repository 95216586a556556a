using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Tests.Security;

/// <summary>What a user name may not hold (<see cref="NameRules"/>), code point by code point.</summary>
public sealed class NameRulesTests
{
    // The first and last code point of every Default_Ignorable_Code_Point range in Unicode's DerivedCoreProperties.txt.
    [Theory]
    [InlineData(0x00AD)]
    [InlineData(0x034F)]
    [InlineData(0x061C)]
    [InlineData(0x115F)]
    [InlineData(0x1160)]
    [InlineData(0x17B4)]
    [InlineData(0x17B5)]
    [InlineData(0x180B)]
    [InlineData(0x180F)]
    [InlineData(0x200B)]
    [InlineData(0x200F)]
    [InlineData(0x202A)]
    [InlineData(0x202E)]
    [InlineData(0x2060)]
    [InlineData(0x2065)]
    [InlineData(0x206F)]
    [InlineData(0x3164)]
    [InlineData(0xFE00)]
    [InlineData(0xFE0F)]
    [InlineData(0xFEFF)]
    [InlineData(0xFFA0)]
    [InlineData(0xFFF0)]
    [InlineData(0xFFF8)]
    [InlineData(0x1BCA0)]
    [InlineData(0x1BCA3)]
    [InlineData(0x1D173)]
    [InlineData(0x1D17A)]
    [InlineData(0xE0000)]
    [InlineData(0xE0001)]
    [InlineData(0xE007F)]
    [InlineData(0xE0100)]
    [InlineData(0xE01EF)]
    [InlineData(0xE0FFF)]
    public void ADefaultIgnorableCodePointIsRefusedByName(int codePoint)
    {
        var problem = NameRules.Problem("Ana" + char.ConvertFromUtf32(codePoint));

        Assert.NotNull(problem);
        Assert.Contains("must not contain invisible", problem);
        Assert.EndsWith($"(U+{codePoint:X4})", problem);
    }

    [Theory]
    [InlineData("Zoë")]
    [InlineData("Ana ❤")]
    [InlineData("李小龍")]
    [InlineData("Ζωή")]
    [InlineData("ḍ̇")]
    [InlineData("Ana \u2764\uFE0F")]
    [InlineData("\u263A\uFE0E Ana")]
    public void NamesWithNothingInvisibleAreAccepted(string name) => Assert.Null(NameRules.Problem(name));

    [Fact]
    public void APresentationSelectorAfterALetterIsRefused() =>
        Assert.EndsWith("(U+FE0F)", NameRules.Problem("Ana\uFE0F"));

    [Fact]
    public void ANameWithAnEmojiPresentationSelectorIsTheSameNameWithout() =>
        Assert.Equal(NameRules.Key("Ana \u2764"), NameRules.Key("Ana \u2764\uFE0F"));
}
