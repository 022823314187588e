#!/usr/bin/python3
"""What Salt itself writes and reads on the event bus and the request server (reference sections 7.3 and 8.3).

Commands:
  stop-frame <jid> <stamp> <prefixed|bare>     hex of the wire bytes of a batch stop event
  envelope <user> <batch-jid> <minion>...      hex of the clear publish envelope; the key comes from $PEER_KEY
  serve-unix <socket-path> <prefixed|bare>     accept one connection, read one event frame, print it as JSON
"""
import json
import os
import socket
import struct
import sys

import msgpack


def pack_event(tag, data):
    return tag.encode("utf-8") + b"\n\n" + msgpack.packb(data, use_bin_type=True)


def frame(event_bytes, framing):
    body = msgpack.packb({"head": {}, "body": event_bytes}, use_bin_type=True)
    return struct.pack(">I", len(body)) + body if framing == "prefixed" else body


def stop_frame(jid, stamp, framing):
    data = {"jid": jid, "reason": "stop", "_stamp": stamp}
    return frame(pack_event("salt/batch/{}/stop".format(jid), data), framing)


def envelope(user, batch_jid, minions):
    load = {
        "cmd": "publish",
        "tgt": sorted(minions),
        "fun": "saltutil.kill_job",
        "arg": [batch_jid],
        "key": os.environ["PEER_KEY"],
        "tgt_type": "list",
        "ret": "",
        "jid": "",
        "user": user,
    }
    return msgpack.packb({"enc": "clear", "load": load, "version": 3}, use_bin_type=False)


def read_exactly(connection, count):
    chunks = b""
    while len(chunks) < count:
        chunk = connection.recv(count - len(chunks))
        if not chunk:
            raise EOFError("connection closed after {} of {} bytes".format(len(chunks), count))
        chunks += chunk
    return chunks


def read_frame(connection, framing):
    if framing == "prefixed":
        (length,) = struct.unpack(">I", read_exactly(connection, 4))
        return msgpack.unpackb(read_exactly(connection, length), raw=False)
    unpacker = msgpack.Unpacker(raw=False)
    while True:
        for value in unpacker:
            return value
        chunk = connection.recv(4096)
        if not chunk:
            raise EOFError("connection closed inside a frame")
        unpacker.feed(chunk)


def serve_unix(path, framing):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    server.settimeout(20)
    print("ready", flush=True)
    connection, _ = server.accept()
    connection.settimeout(20)
    frame_map = read_frame(connection, framing)
    tag, _, data = frame_map["body"].partition(b"\n\n")
    decoded = msgpack.unpackb(data, raw=False)
    print(json.dumps({"head": frame_map["head"], "tag": tag.decode("utf-8"), "data": decoded}), flush=True)


def main(argv):
    command = argv[1]
    if command == "stop-frame":
        print(stop_frame(argv[2], argv[3], argv[4]).hex())
    elif command == "envelope":
        print(envelope(argv[2], argv[3], argv[4:]).hex())
    elif command == "serve-unix":
        serve_unix(argv[2], argv[3])
    else:
        raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    main(sys.argv)
