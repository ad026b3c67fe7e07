using Google.Protobuf;

namespace LlmConnectors.IntegrationTests.Telemetry;

/// <summary>
/// One protobuf message read field by field with Google.Protobuf's <see cref="CodedInputStream"/>, without generated classes: the
/// OTLP classes (OpenTelemetry.Proto) are not served to this project, and the tests need only a few fields of them by number.
/// </summary>
internal sealed class ProtobufMessage
{
    private readonly List<(int Field, object Value)> _fields = [];

    private ProtobufMessage()
    {
    }

    public static ProtobufMessage Parse(ReadOnlySpan<byte> data) => Parse(ByteString.CopyFrom(data));

    public static ProtobufMessage Parse(ByteString data)
    {
        var message = new ProtobufMessage();
        var input = data.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            object value = WireFormat.GetTagWireType(tag) switch
            {
                WireFormat.WireType.Varint => input.ReadUInt64(),
                WireFormat.WireType.Fixed64 => input.ReadFixed64(),
                WireFormat.WireType.Fixed32 => input.ReadFixed32(),
                WireFormat.WireType.LengthDelimited => input.ReadBytes(),
                var other => throw new InvalidDataException($"Unexpected protobuf wire type {other} for field {field}."),
            };
            message._fields.Add((field, value));
        }

        return message;
    }

    /// <summary>Gets every occurrence of an embedded message field (repeated or not).</summary>
    public IEnumerable<ProtobufMessage> Messages(int field) =>
        _fields.Where(f => f.Field == field && f.Value is ByteString).Select(f => Parse((ByteString)f.Value));

    public ProtobufMessage? Message(int field) => Messages(field).FirstOrDefault();

    public string? String(int field) => _fields.LastOrDefault(f => f.Field == field && f.Value is ByteString).Value is ByteString bytes ? bytes.ToStringUtf8() : null;

    public ByteString? Bytes(int field) => _fields.LastOrDefault(f => f.Field == field && f.Value is ByteString).Value as ByteString;

    /// <summary>Gets a varint or fixed-width field as read from the wire (the caller knows its type: int64, bool, double bits).</summary>
    public ulong? Number(int field) => _fields.LastOrDefault(f => f.Field == field && f.Value is ulong or uint).Value switch
    {
        ulong u => u,
        uint u => u,
        _ => null,
    };
}
