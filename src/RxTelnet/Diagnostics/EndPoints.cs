namespace RxTelnet.Diagnostics;

using System.Net;
using System.Net.Sockets;

/// <summary>A socket's end points for log lines and tags, null when the socket has none or is already closed.</summary>
internal static class EndPoints
{
    public static EndPoint? Local(Socket? socket)
    {
        try
        {
            return socket?.LocalEndPoint;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            return null;
        }
    }

    public static EndPoint? Remote(Socket? socket)
    {
        try
        {
            return socket?.RemoteEndPoint;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            return null;
        }
    }
}
