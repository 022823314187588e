namespace SaltBatch.Core.Payload;

public enum PayloadTokenKind
{
    Nil,
    Boolean,
    Integer,
    UnsignedInteger,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}
