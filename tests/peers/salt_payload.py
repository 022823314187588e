#!/usr/bin/python3
"""Reference peer for the payload tests: Salt's msgpack dialect as msgpack-python produces and reads it.

Run with Debian's /usr/bin/python3 (python3-msgpack 1.0.3). The C# tests exchange values with it in a tagged JSON
encoding so that every Python type survives the trip:

    null, true, false, "text"          None, bool, str
    [v, ...]                           list
    {"int": "123"}                     int of any size (decimal text)
    {"float": "1718020800.0"}          float (round-trip decimal, "nan", "inf", "-inf")
    {"bytes": "00ff"}                  bytes (hex)
    {"tuple": [v, ...]}                tuple
    {"map": [[k, v], ...]}             dict, in insertion order, keys of any type
    {"datetime": "2024-06-10T12:00:00.000000"}   datetime.datetime (packed as ext 78 by the Salt hook)
    {"date": "2024-06-10"}             datetime.date (ext 78 too)
    {"constant": ["NAME", v]}          a Salt constant (ext 79)
    {"ext": [code, "hex"]}             msgpack.ExtType
    {"timestamp": [seconds, nanos]}    msgpack.Timestamp (output of `loads` only)

Commands:
    pack-json true|false [--many]      stdin: a tagged value (or, with --many, a JSON list of them);
                                       stdout: hex of packb(value, use_bin_type=flag, default=salt_default), a line each
    loads FILE                         stdout: the tagged rendering of salt.payload.loads(FILE's bytes)
    jid-dir HASH_TYPE JID...           stdout: hashlib.new(HASH_TYPE, jid.encode()).hexdigest(), a line each
    realistic-batch FILE               writes a .batch.p as the master would, with the awkward cases Salt allows
"""

import datetime
import hashlib
import json
import sys

MISSING = (
    "Test peers missing: install Debian's python3-msgpack and python3-zmq "
    "(apt-get install python3-msgpack python3-zmq)"
)
EXIT_PEERS_MISSING = 3

try:
    import msgpack
    import zmq  # noqa: F401  the event-bus peers need it; checking here gives one message for both
except ImportError as missing:
    sys.stderr.write("%s [%s]\n" % (MISSING, missing))
    sys.exit(EXIT_PEERS_MISSING)

DATETIME_EXT = 78
CONSTANT_EXT = 79
SALT_DATETIME_FORMAT = "%Y%m%dT%H:%M:%S.%f"
JSON_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


class Constant:
    """Stands in for salt.defaults._Constant: a named sentinel with a value."""

    def __init__(self, name, value=None):
        self.name = name
        self.value = value


def salt_default(obj):
    """salt.payload's default hook (reference §1.3)."""
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, (datetime.datetime, datetime.date)):
        return msgpack.ExtType(DATETIME_EXT, obj.strftime(SALT_DATETIME_FORMAT).encode())
    if isinstance(obj, Constant):
        return msgpack.ExtType(CONSTANT_EXT, msgpack.packb((obj.name, obj.value), use_bin_type=True))
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    raise TypeError("cannot pack %r" % (obj,))


def salt_ext_hook(code, data):
    """salt.payload's ext hook (reference §1.4): unknown codes give the raw payload bytes."""
    if code == DATETIME_EXT:
        return datetime.datetime.strptime(data.decode(), SALT_DATETIME_FORMAT)
    if code == CONSTANT_EXT:
        name, value = msgpack.unpackb(data, raw=False)
        return Constant(name, value)
    return data


def decode_embedded_strs(value):
    """salt.transport.frame.decode_embedded_strs: bytes become str wherever they are valid UTF-8."""
    if isinstance(value, dict):
        return {decode_embedded_strs(k): decode_embedded_strs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_embedded_strs(v) for v in value]
    if isinstance(value, bytes):
        try:
            return value.decode()
        except UnicodeError:
            return value
    return value


def salt_loads(data):
    """salt.payload.loads(data) with encoding=None, as the master reads .batch.p and batch_active.p."""
    value = msgpack.unpackb(data, raw=True, strict_map_key=False, use_list=True, ext_hook=salt_ext_hook)
    return decode_embedded_strs(value)


def from_tagged(node):
    if node is None or isinstance(node, (bool, str)):
        return node
    if isinstance(node, list):
        return [from_tagged(item) for item in node]
    if not isinstance(node, dict) or len(node) != 1:
        raise ValueError("not a tagged value: %r" % (node,))
    (tag, body), = node.items()
    if tag == "int":
        return int(body)
    if tag == "float":
        return float(body)
    if tag == "bytes":
        return bytes.fromhex(body)
    if tag == "tuple":
        return tuple(from_tagged(item) for item in body)
    if tag == "map":
        return {from_tagged(k): from_tagged(v) for k, v in body}
    if tag == "datetime":
        return datetime.datetime.strptime(body, JSON_DATETIME_FORMAT)
    if tag == "date":
        return datetime.date.fromisoformat(body)
    if tag == "constant":
        return Constant(body[0], from_tagged(body[1]))
    if tag == "ext":
        return msgpack.ExtType(body[0], bytes.fromhex(body[1]))
    raise ValueError("unknown tag %r" % (tag,))


def to_tagged(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, tuple):
        return {"tuple": [to_tagged(item) for item in value]}
    if isinstance(value, list):
        return [to_tagged(item) for item in value]
    if isinstance(value, dict):
        return {"map": [[to_tagged(k), to_tagged(v)] for k, v in value.items()]}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.strftime(JSON_DATETIME_FORMAT)}
    if isinstance(value, Constant):
        return {"constant": [value.name, to_tagged(value.value)]}
    if isinstance(value, msgpack.ExtType):
        return {"ext": [value.code, value.data.hex()]}
    if isinstance(value, msgpack.Timestamp):
        return {"timestamp": [value.seconds, value.nanoseconds]}
    raise TypeError("cannot render %r" % (value,))


def salt_dumps(value, use_bin_type=False):
    return msgpack.packb(value, use_bin_type=use_bin_type, default=salt_default)


def realistic_batch():
    """A mid-run master-driven batch with everything a real .batch.p may legally contain."""
    created = 1718020800.0
    return {
        "jid": "20240610120000123456",
        "all_minions": ["web01.example.com", "wéb02.zürich.example", "数据库-03", "minion-🚀-04", "web05"],
        "pending": ["web05"],
        "active": {"minion-🚀-04": created + 1.5},
        "done": {
            # In Python True == 1, so this literal is the two-entry dict {1: None, None: 2.5}.
            "web01.example.com": {"ret": {1: "a", True: None, None: 2.5}, "retcode": 0},
            "wéb02.zürich.example": {
                "ret": {
                    "collected": datetime.datetime(2024, 6, 10, 12, 0, 1, 250000),
                    "marker": Constant("NOT_SET"),
                    "opaque": msgpack.ExtType(42, b"\x00\x01\xfe"),
                    True: "bool key",
                    7.5: "float key",
                    b"\xff\xfe": "undecodable key",
                    "raw": b"\x80\x81",
                },
                "retcode": {"state.apply": 2, "test.ping": 0},
            },
        },
        "failed": {"数据库-03": "timeout"},
        "wait": [created + 5.75],
        "batch_size": 2,
        "fun": "state.apply",
        "arg": ["nginx", ("tuple", 2)],
        "kwargs": {"test": True},
        "tgt": ["web01.example.com", "wéb02.zürich.example", "数据库-03", "minion-🚀-04", "web05"],
        "tgt_type": "list",
        "failhard": False,
        "batch_wait": 2.5,
        "timeout": 60,
        "gather_job_timeout": 10,
        "last_progress": created + 3.125,
        "created": created,
        "halted": False,
        "halted_reason": None,
        "driver": "master",
        "ret": "",
        "user": "salt",
    }


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "pack-json" and len(argv) >= 3 and argv[2] in ("true", "false"):
        use_bin_type = argv[2] == "true"
        document = json.load(sys.stdin)
        values = document if "--many" in argv[3:] else [document]
        for value in values:
            print(salt_dumps(from_tagged(value), use_bin_type).hex())
        return 0
    if command == "loads" and len(argv) == 3:
        with open(argv[2], "rb") as handle:
            json.dump(to_tagged(salt_loads(handle.read())), sys.stdout, ensure_ascii=False)
        return 0
    if command == "jid-dir" and len(argv) >= 4:
        for jid in argv[3:]:
            print(hashlib.new(argv[2], jid.encode()).hexdigest())
        return 0
    if command == "realistic-batch" and len(argv) == 3:
        with open(argv[2], "wb") as handle:
            handle.write(salt_dumps(realistic_batch()))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
