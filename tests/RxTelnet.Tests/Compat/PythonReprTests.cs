namespace RxTelnet.Tests.Compat;

using RxTelnet.Compat;

[TestFixture]
public sealed class PythonReprTests
{
    [TestCase(new byte[0], "b''")]
    [TestCase(new byte[] { 120, 120, 120 }, "b'xxx'")]
    [TestCase(new byte[] { 13, 10, 9, 92 }, @"b'\r\n\t\\'")]
    [TestCase(new byte[] { 0, 31, 127, 128, 255 }, @"b'\x00\x1f\x7f\x80\xff'")]
    [TestCase(new byte[] { 32, 126 }, "b' ~'")]
    [TestCase(new byte[] { 39 }, "b\"'\"")]
    [TestCase(new byte[] { 34 }, "b'\"'")]
    [TestCase(new byte[] { 39, 34 }, "b'\\'\"'")]
    public void Bytes_FormatsLikePythonRepr(byte[] data, string expected) =>
        Assert.That(PythonRepr.Bytes(data), Is.EqualTo(expected));
}
