using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Tests.Security;

/// <summary>Names that look alike share a key (UTS #39 skeletons from the system's ICU).</summary>
public sealed class ConfusableSkeletonTests
{
    [Fact]
    public void TheSystemsIcuProvidesSkeletons() => Assert.True(ConfusableSkeleton.Available, "libicui18n with its spoof checker was not found");

    [Theory]
    [InlineData("ana", "\u0430na")] // Cyrillic а
    [InlineData("Paypal", "P\u0430yp\u0430l")]
    [InlineData("mary", "rnary")]
    [InlineData("Bob", "ＢＯＢ")]
    [InlineData("ozzy", "0zzy")]
    public void LookAlikeNamesShareAKey(string name, string lookAlike) => Assert.Equal(NameRules.Key(name), NameRules.Key(lookAlike));

    [Theory]
    [InlineData("ana", "ann")]
    [InlineData("Ζωή", "Zoe")]
    [InlineData("李", "季")]
    public void DifferentNamesKeepDifferentKeys(string name, string other) => Assert.NotEqual(NameRules.Key(name), NameRules.Key(other));
}
