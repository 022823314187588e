#!/usr/bin/python3
"""A stand-in for the master's request server (reference sections 8.3, 8.5 and 8.8): a ZeroMQ ROUTER on loopback that
takes one clear publish request, checks its shape and key order, and answers with a success reply -- or, for an
envelope version below 3 (the minimum_auth_version default of masters since 3006.17 / 3007.9), with the bare text
"bad load", as those masters do before they look at anything else.

Prints the bound port, then one JSON line describing the request it got (never the key itself).
"""
import json
import sys

import msgpack
import zmq

ENVELOPE_KEYS = ["enc", "load", "version"]
MINIMUM_AUTH_VERSION = 3
LOAD_KEYS = ["cmd", "tgt", "fun", "arg", "key", "tgt_type", "ret", "jid", "user"]


def main(new_jid):
    context = zmq.Context()
    router = context.socket(zmq.ROUTER)
    router.setsockopt(zmq.LINGER, 0)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    print(port, flush=True)
    if not router.poll(20000):
        raise SystemExit("no request arrived")
    identity, delimiter, payload = router.recv_multipart()
    envelope = msgpack.unpackb(payload, raw=False)
    load = envelope["load"]
    try:
        version = int(envelope.get("version", 0))
    except ValueError:
        version = 0
    if version < MINIMUM_AUTH_VERSION:
        reply = "bad load"
    else:
        reply = {"enc": "clear", "load": {"jid": new_jid, "minions": load["tgt"], "missing": []}}
    router.send_multipart([identity, b"", msgpack.packb(reply, use_bin_type=False)])
    print(json.dumps({
        "delimiter_empty": delimiter == b"",
        "envelope_keys_ok": list(envelope.keys()) == ENVELOPE_KEYS,
        "load_keys_ok": list(load.keys()) == LOAD_KEYS,
        "version": envelope["version"],
        "cmd": load["cmd"],
        "tgt": load["tgt"],
        "fun": load["fun"],
        "arg": load["arg"],
        "user": load["user"],
        "key_length": len(load["key"]),
    }), flush=True)
    router.close()
    context.term()


if __name__ == "__main__":
    main(sys.argv[1])
