namespace RxTelnet.Tests.Reliability;

using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// Calls every public constructor and method of every public RxTelnet type with each non-nullable reference
/// argument set to null (the others valid) and expects an <see cref="ArgumentNullException"/> naming that
/// parameter, thrown at once (not on a returned task or observable): "bad arguments from the caller throw at once".
/// </summary>
/// <remarks>
/// Parameters annotated nullable (read with <see cref="NullabilityInfoContext"/>) are documented as accepting
/// null and are skipped. Exception types are skipped: like <see cref="Exception"/> itself they accept a null
/// message. Methods that take spans cannot be called by reflection; each such method with a reference parameter
/// needs an entry in <see cref="ManualCases"/>, and a new one without it fails here.
/// </remarks>
[TestFixture]
public sealed class ArgumentValidationTests : LeakCheckedTest
{
    /// <summary>Temporary stand-ins another change replaces; their replacements are checked once they land.</summary>
    private static readonly HashSet<string> TemporaryStandIns = [];

    private static readonly Dictionary<string, Action> ManualCases = new()
    {
        ["TelnetEncoder.EncodeText(writer)"] = static () => TelnetEncoder.EncodeText("a"u8, TelnetNewline.None, null!),
        ["Charset.TrySelect(requested)"] = static () => RxTelnet.Options.Charset.TrySelect(null!, [Encoding.UTF8], out _, out _),
        ["Charset.TrySelect(supported)"] = static () => RxTelnet.Options.Charset.TrySelect(["UTF-8"], null!, out _, out _),
        ["ExpectCase.On(pattern)"] = static () => ExpectCase.On<int>((string)null!, _ => Observable.Return(1)),
        ["ExpectCase.On(then)"] = static () => ExpectCase.On<int>("x", null!),
        ["ExpectCase`1.ctor(pattern)"] = static () => _ = new ExpectCase<int>(null!, _ => Observable.Return(1)),
        ["ExpectCase`1.ctor(then)"] = static () => _ = new ExpectCase<int>(new System.Text.RegularExpressions.Regex("x"), null!),
        ["ExpectCase`1.Continue(result)"] = static () => ExpectCase.On("x", _ => Observable.Return(1)).Continue(null!),
        ["TelnetConversation.Expect(cases)"] = static () => ConversationInstance().Expect<int>(TimeSpan.Zero, null!),
        ["TelnetSession.Converse(script)"] = static () => ((TelnetSession)Instance(typeof(TelnetSession))).Converse<int>(null!),
        ["TelnetObservable.Converse(source)"] = static () => ((IObservable<byte[]>)null!).Converse(_ => Observable.Return(1), new TestScheduler()),
        ["TelnetObservable.Converse(script)"] = static () => Observable.Never<byte[]>().Converse<int>(null!, new TestScheduler()),
        ["TelnetObservable.Converse(scheduler)"] = static () => Observable.Never<byte[]>().Converse(_ => Observable.Return(1), null!),
        ["LineEditor.Type(slc)"] = static () => new RxTelnet.Options.LineEditor().Type("a"u8, default, null!, [], []),
        ["LineEditor.Type(send)"] = static () => new RxTelnet.Options.LineEditor().Type("a"u8, default, new RxTelnet.Options.SlcTable(), null!, []),
        ["LineEditor.Type(echo)"] = static () => new RxTelnet.Options.LineEditor().Type("a"u8, default, new RxTelnet.Options.SlcTable(), [], null!),
    };

    private static readonly Lazy<X509Certificate2> Certificate = new(static () =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=argument-validation", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    });

    public static IEnumerable<TestCaseData> Cases()
    {
        var nullability = new NullabilityInfoContext();
        var types = typeof(TelnetSession).Assembly.GetExportedTypes()
            .Where(static t => !t.IsInterface && !t.IsEnum && !typeof(Delegate).IsAssignableFrom(t) && !typeof(Exception).IsAssignableFrom(t))
            .Where(static t => !TemporaryStandIns.Contains(t.FullName!))
            .OrderBy(static t => t.FullName, StringComparer.Ordinal);
        foreach (var type in types)
        {
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            // Positional records are plain data carriers, like .NET's own records: their constructors are not checked.
            var isRecord = type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null;
            var members = (isRecord ? [] : type.GetConstructors(flags).Cast<MethodBase>())
                .Concat(type.GetMethods(flags).Where(static m => !m.IsSpecialName && !m.Name.StartsWith('<')))
                .Where(static m => !m.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), inherit: false)); // record members
            foreach (var member in members)
            {
                foreach (var parameter in member.GetParameters())
                {
                    var t = parameter.ParameterType;
                    if (t.IsValueType || t.IsByRef || t.IsPointer || t.IsGenericParameter
                        || nullability.Create(parameter).WriteState == NullabilityState.Nullable)
                    {
                        continue;
                    }

                    var name = $"{type.Name}.{(member is ConstructorInfo ? "ctor" : member.Name)}({parameter.Name})";
                    yield return new TestCaseData(member, parameter.Position).SetName(name);
                }
            }
        }
    }

    [Test]
    public void Cases_AreFound()
    {
        // Guards the discovery above: if it silently found nothing, every case would pass by absence.
        var names = Cases().Select(static c => c.TestName).ToList();
        Assert.That(names, Does.Contain("TelnetSession.ctor(transport)"));
        Assert.That(names, Does.Contain("TelnetSession.ReadUntil(scheduler)"));
        Assert.That(names, Does.Contain("TelnetObservable.ParseTelnet(source)"));
        Assert.That(names, Does.Not.Contain("TelnetSession.ctor(options)"), "nullable parameters are skipped");
        Assert.That(ManualCases.Keys, Is.SubsetOf(names), "every manual case stands for a discovered parameter");
    }

    [TestCaseSource(nameof(Cases))]
    public void NullArgument_ThrowsArgumentNullExceptionAtOnce(MethodBase member, int position)
    {
        var parameter = member.GetParameters()[position];
        var name = $"{member.DeclaringType!.Name}.{(member is ConstructorInfo ? "ctor" : member.Name)}({parameter.Name})";
        Exception? thrown;
        if (ManualCases.TryGetValue(name, out var manual))
        {
            thrown = Catch(manual);
        }
        else
        {
            Assert.That(member.GetParameters().Any(static p => p.ParameterType.IsByRefLike || p.ParameterType.IsByRef) || member.ContainsGenericParameters, Is.False,
                $"{name} cannot be called by reflection (span, ref or generic parameters): add it to {nameof(ManualCases)}");
            var args = member.GetParameters().Select(p => p.Position == position ? null : Dummy(p)).ToArray();
            var target = member.IsStatic || member is ConstructorInfo ? null : Instance(member.DeclaringType!);
            object? result = null;
            thrown = Catch(() => result = member is ConstructorInfo ctor ? ctor.Invoke(args) : member.Invoke(target, args));
            if (thrown is null && Deferred(result) is { } deferred)
            {
                Assert.Fail($"{name}: null was reported on the returned {result!.GetType().Name} ({deferred.GetType().Name}), not thrown at once");
            }
        }

        Assert.That(thrown, Is.Not.Null, $"{name} accepted null");
        Assert.That(thrown, Is.InstanceOf<ArgumentNullException>(), $"{name} threw {thrown?.GetType().Name}: {thrown?.Message}");
        Assert.That(((ArgumentNullException)thrown!).ParamName, Is.EqualTo(parameter.Name), $"{name} names the parameter");
    }

    private static Exception? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (TargetInvocationException ex)
        {
            return ex.InnerException;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>The exception a returned task or observable carries, if any (so a deferred check is reported as such).</summary>
    private static Exception? Deferred(object? result)
    {
        switch (result)
        {
            case Task task:
                ((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10));
                return task.IsFaulted ? task.Exception!.InnerException : null;
            case IObservable<object> observable:
                return Catch(() => observable.Subscribe(static _ => { }, static e => throw e).Dispose());
            default:
                return null;
        }
    }

    private static object Instance(Type type)
    {
        if (type == typeof(TelnetSession))
        {
            return new TelnetSession(new ObservableTransport(Observable.Never<byte[]>()), new TelnetSessionOptions { Scheduler = new TestScheduler() });
        }

        if (type == typeof(RxTelnet.Options.LineEditor) || type == typeof(RxTelnet.Options.SlcTable))
        {
            return Activator.CreateInstance(type)!;
        }

        if (type == typeof(ObservableTransport))
        {
            return new ObservableTransport(Observable.Never<byte[]>());
        }

        if (type == typeof(InMemoryTransport))
        {
            return InMemoryTransport.CreatePair(new TestScheduler()).Client;
        }

        if (type == typeof(StreamTransport))
        {
            return new StreamTransport(new MemoryStream());
        }

        if (type == typeof(RxTelnet.Compat.Telnet))
        {
            return new RxTelnet.Compat.Telnet(new ObservableTransport(Observable.Never<byte[]>()), new TestScheduler());
        }

        if (type == typeof(RxTelnet.Serial.InMemorySerialLine))
        {
            return new RxTelnet.Serial.InMemorySerialLine();
        }

        if (type == typeof(TelnetConversation))
        {
            return ConversationInstance();
        }

        if (type == typeof(RxTelnet.Negotiation.TelnetOptionPolicy))
        {
            return RxTelnet.Negotiation.TelnetOptionPolicy.RefuseAll;
        }

        throw new AssertionException($"No instance of {type.Name} to call its methods on: add one to {nameof(Instance)}.");
    }

    private static TelnetConversation ConversationInstance()
    {
        TelnetConversation? conversation = null;
        Observable.Never<byte[]>().Converse(
            c =>
            {
                conversation = c;
                return Observable.Never<int>();
            },
            new TestScheduler(),
            (_, _) => Task.CompletedTask).Subscribe();
        return conversation!;
    }

    private static object? Dummy(ParameterInfo parameter)
    {
        var t = parameter.ParameterType;
        if (Nullable.GetUnderlyingType(t) is not null
            || (!t.IsValueType && new NullabilityInfoContext().Create(parameter).WriteState == NullabilityState.Nullable))
        {
            return null;
        }

        if (t.IsEnum)
        {
            return Enum.GetValues(t).GetValue(0);
        }

        if (t.IsValueType)
        {
            return t == typeof(TimeSpan) ? TimeSpan.FromSeconds(1)
                : t == typeof(int) ? 1
                : t == typeof(long) ? 1L
                : t == typeof(ReadOnlyMemory<byte>) ? new ReadOnlyMemory<byte>([1])
                : Activator.CreateInstance(t);
        }

        return t == typeof(string) ? "localhost"
            : t == typeof(byte[]) ? new byte[] { 1 }
            : t == typeof(RxTelnet.Options.MsdpValue) ? RxTelnet.Options.MsdpValue.Of("1")
            : t == typeof(ITelnetTransport) ? new ObservableTransport(Observable.Never<byte[]>())
            : t == typeof(IObservable<byte[]>) ? Observable.Never<byte[]>()
            : t == typeof(IScheduler) ? new TestScheduler()
            : t == typeof(IReadOnlyList<Regex>) ? new[] { new Regex("x") }
            : t == typeof(Stream) ? new MemoryStream()
            : t == typeof(Socket) ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            : t == typeof(X509Certificate2) ? Certificate.Value
            : t == typeof(IPEndPoint) ? new IPEndPoint(IPAddress.Loopback, 0)
            : t == typeof(Encoding) ? Encoding.ASCII
            : t == typeof(IBufferWriter<byte>) ? new ArrayBufferWriter<byte>()
            : t == typeof(TelnetParserOptions) ? TelnetParserOptions.Default
            : t == typeof(TelnetSessionOptions) ? TelnetSessionOptions.Default
            : t == typeof(string[]) ? new[] { "x" }
            : t == typeof(object[]) ? Array.Empty<object>()
            : t == typeof(TextReader) ? new StringReader(string.Empty)
            : t == typeof(TextWriter) ? new StringWriter()
            : t == typeof(Task) ? Task.CompletedTask
            : t == typeof(StartTlsOptions) ? StartTlsOptions.Client("localhost")
            : t == typeof(RxTelnet.Compat.Telnet) ? Instance(t)
            : t == typeof(TelnetSession) ? Instance(t)
            : t == typeof(RxTelnet.Serial.ISerialLine) ? new RxTelnet.Serial.InMemorySerialLine()
            : t == typeof(Func<TelnetSession, RxTelnet.Serial.ISerialLine>) ? new Func<TelnetSession, RxTelnet.Serial.ISerialLine>(static _ => new RxTelnet.Serial.InMemorySerialLine())
            : t == typeof(TelnetListener) ? TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0))
            : t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IObservable<>)
                ? typeof(Observable).GetMethod(nameof(Observable.Never), Type.EmptyTypes)!.MakeGenericMethod(t.GetGenericArguments()[0]).Invoke(null, null)
            : t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) || t.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                ? One(t.GetGenericArguments()[0])
            : throw new AssertionException($"No valid dummy for a {t.Name} parameter ({parameter.Member.DeclaringType!.Name}.{parameter.Member.Name}): add one to {nameof(Dummy)}.");
    }

    private static Array One(Type element)
    {
        object? item = element == typeof(Regex) ? new Regex("x")
            : element == typeof(string) ? "x"
            : element == typeof(Encoding) ? Encoding.ASCII
            : null;
        var array = Array.CreateInstance(element, item is null ? 0 : 1);
        if (item is not null)
        {
            array.SetValue(item, 0);
        }

        return array;
    }
}
