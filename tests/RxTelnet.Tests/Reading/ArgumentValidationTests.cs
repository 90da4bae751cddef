namespace RxTelnet.Tests.Reading;

using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

/// <summary>Calls every public reading operator with each reference argument set to null (Rx's ArgumentValidationTest).</summary>
[TestFixture]
public sealed class ArgumentValidationTests
{
    private static readonly HashSet<string> ReadingOperators =
        ["ReadUntil", "Expect", "ExpectText", "Matches", "SplitAfter", "Decode", "Lines", "IdleFlush"];

    private static IEnumerable<MethodInfo> Methods() =>
        typeof(TelnetObservable).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => ReadingOperators.Contains(m.Name));

    [Test]
    public void ReadingOperators_AllOverloads_AreCovered()
    {
        Assert.That(Methods().Count(), Is.EqualTo(36), "update this count when overloads are added, and check their argument validation");
    }

    [TestCaseSource(nameof(Methods))]
    public void Operator_NullReferenceArgument_ThrowsArgumentNullNamingIt(MethodInfo method)
    {
        var parameters = method.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].ParameterType.IsValueType)
            {
                continue;
            }

            var arguments = parameters.Select(p => (object?)ValidValue(p.ParameterType)).ToArray();
            arguments[i] = null;

            var error = Assert.Throws<TargetInvocationException>(() => method.Invoke(null, arguments))!.InnerException;

            Assert.That(error, Is.TypeOf<ArgumentNullException>(), $"{method} with {parameters[i].Name} null");
            Assert.That(((ArgumentNullException)error!).ParamName, Is.EqualTo(parameters[i].Name), method.ToString());
        }
    }

    [TestCaseSource(nameof(Methods))]
    public void Operator_ValidArguments_ReturnsAnObservableWithoutSubscribing(MethodInfo method)
    {
        var arguments = method.GetParameters().Select(p => ValidValue(p.ParameterType)).ToArray();

        Assert.That(method.Invoke(null, arguments), Is.Not.Null);
    }

    private static object ValidValue(Type type) => type switch
    {
        _ when type == typeof(IObservable<ReadOnlyMemory<byte>>) => Observable.Never<ReadOnlyMemory<byte>>(),
        _ when type == typeof(IObservable<byte[]>) => Observable.Never<byte[]>(),
        _ when type == typeof(ReadOnlyMemory<byte>) => new ReadOnlyMemory<byte>("x"u8.ToArray()),
        _ when type == typeof(IReadOnlyList<Regex>) => new[] { new Regex("x") },
        _ when type == typeof(IReadOnlyList<string>) || type == typeof(string[]) => new[] { "x" },
        _ when type == typeof(Encoding) => Encoding.UTF8,
        _ when type == typeof(IScheduler) => ImmediateScheduler.Instance,
        _ when type == typeof(TimeSpan) => TimeSpan.FromSeconds(1),
        _ when type == typeof(int) => 100,
        _ => throw new NotSupportedException($"No test value for {type}."),
    };
}
