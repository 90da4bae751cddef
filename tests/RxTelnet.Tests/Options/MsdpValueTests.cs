namespace RxTelnet.Tests.Options;

using RxTelnet.Options;

/// <summary>MSDP values on their own: the factories' checks, lookup by name, equality by content and the compact text.</summary>
[TestFixture]
public sealed class MsdpValueTests
{
    [Test]
    public void Factories_NullArguments_ThrowNamingTheParameterAndThePosition()
    {
        Assert.That(() => MsdpValue.Of(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
        Assert.That(() => MsdpValue.ArrayOf((string[])null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("items"));
        Assert.That(() => MsdpValue.ArrayOf((IEnumerable<MsdpValue>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("items"));
        Assert.That(() => MsdpValue.TableOf((IEnumerable<MsdpVariable>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("fields"));

        var item = Assert.Throws<ArgumentNullException>(() => MsdpValue.ArrayOf(new MsdpValue[] { null!, "b" }));
        Assert.That(item!.ParamName, Is.EqualTo("items"));
        Assert.That(item.Message, Does.Contain("Item 0 "), "the first item is null");
        Assert.That(() => MsdpValue.ArrayOf(new MsdpValue[] { "a", null! }), Throws.ArgumentNullException.With.Message.Contains("Item 1 "));
        Assert.That(() => MsdpValue.ArrayOf("a", null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"), "a null string is refused by Of");

        var field = Assert.Throws<ArgumentNullException>(() => MsdpValue.TableOf(null!, new MsdpVariable("B", "2")));
        Assert.That(field!.ParamName, Is.EqualTo("fields"));
        Assert.That(field.Message, Does.Contain("Field 0 "));
        Assert.That(() => MsdpValue.TableOf(new MsdpVariable("A", "1"), null!), Throws.ArgumentNullException.With.Message.Contains("Field 1 "));
    }

    [Test]
    public void Kinds_EachValueHasOnlyItsOwnPart()
    {
        var text = MsdpValue.Of("x");
        var array = MsdpValue.ArrayOf("a", "b");
        var table = MsdpValue.TableOf(new MsdpVariable("A", "1"));

        Assert.That(text.Kind, Is.EqualTo(MsdpValueKind.Text));
        Assert.That(text.Text, Is.EqualTo("x"));
        Assert.That(text.Items, Is.Empty);
        Assert.That(text.Fields, Is.Empty);
        Assert.That(array.Kind, Is.EqualTo(MsdpValueKind.Array));
        Assert.That(array.Text, Is.Empty);
        Assert.That(array.Items, Is.EqualTo(new MsdpValue[] { "a", "b" }));
        Assert.That(array.Fields, Is.Empty);
        Assert.That(table.Kind, Is.EqualTo(MsdpValueKind.Table));
        Assert.That(table.Text, Is.Empty);
        Assert.That(table.Items, Is.Empty);
        Assert.That(table.Fields, Is.EqualTo(new[] { new MsdpVariable("A", "1") }));
    }

    [Test]
    public void Indexer_FindsTheFirstFieldOfThatName_OrNull()
    {
        var table = MsdpValue.TableOf(new MsdpVariable("A", "1"), new MsdpVariable("B", "2"), new MsdpVariable("A", "3"));

        Assert.That(table["B"], Is.EqualTo(MsdpValue.Of("2")));
        Assert.That(table["A"], Is.EqualTo(MsdpValue.Of("1")), "the first of two fields named A");
        Assert.That(table["C"], Is.Null);
        Assert.That(table["a"], Is.Null, "names are compared exactly");
        Assert.That(MsdpValue.Of("A")["A"], Is.Null, "a string has no fields");
    }

    [Test]
    public void Equals_ComparesKindTextItemsAndFields()
    {
        MsdpValue[] distinct =
        [
            MsdpValue.Of(string.Empty),
            MsdpValue.Of("a"),
            MsdpValue.ArrayOf(Array.Empty<string>()),
            MsdpValue.ArrayOf("a"),
            MsdpValue.ArrayOf("a", "b"),
            MsdpValue.ArrayOf("b", "a"),
            MsdpValue.TableOf(),
            MsdpValue.TableOf(new MsdpVariable("a", "a")),
            MsdpValue.TableOf(new MsdpVariable("a", "b")),
            MsdpValue.TableOf(new MsdpVariable("b", "a")),
        ];

        for (var i = 0; i < distinct.Length; i++)
        {
            for (var j = 0; j < distinct.Length; j++)
            {
                Assert.That(distinct[i].Equals(distinct[j]), Is.EqualTo(i == j), $"{distinct[i]} against {distinct[j]}");
                Assert.That(distinct[i].Equals((object)distinct[j]), Is.EqualTo(i == j), $"{distinct[i]} against {distinct[j]} as object");
            }

            Assert.That(distinct[i].Equals(null), Is.False);
            Assert.That(distinct[i].Equals((object?)null), Is.False);
            Assert.That(distinct[i].Equals((object)"a"), Is.False, "a string is not an MSDP value");
        }
    }

    [Test]
    public void EqualValues_BuiltApart_AreEqualWithEqualHashCodes()
    {
        static MsdpValue Build() => MsdpValue.TableOf(
            new MsdpVariable("ROOM", MsdpValue.TableOf(new MsdpVariable("EXITS", MsdpValue.ArrayOf("n", "e")))),
            new MsdpVariable("HP", "10"));

        var (a, b) = (Build(), Build());

        Assert.That(a, Is.Not.SameAs(b));
        Assert.That(a.Equals(b), Is.True);
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(new HashSet<MsdpValue> { a, b }, Has.Count.EqualTo(1));
    }

    [Test]
    public void ToString_IsCompactAndNested()
    {
        var value = MsdpValue.TableOf(
            new MsdpVariable("NAME", "x"),
            new MsdpVariable("TAGS", MsdpValue.ArrayOf("a", "b", "c")),
            new MsdpVariable("EMPTY", MsdpValue.TableOf()));

        Assert.That(value.ToString(), Is.EqualTo("{NAME: \"x\", TAGS: [\"a\", \"b\", \"c\"], EMPTY: {}}"));
        Assert.That(MsdpValue.ArrayOf(Array.Empty<string>()).ToString(), Is.EqualTo("[]"));
        Assert.That(new MsdpVariable("HP", "10").ToString(), Is.EqualTo("HP = \"10\""));
    }
}
