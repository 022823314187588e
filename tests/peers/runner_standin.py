#!/usr/bin/python3
"""Runs the companion runner (src/salt/_runners/saltbatch.py) outside Salt, against stand-ins for the Salt APIs it calls.

Usage: runner_standin.py RUNNER_FILE CACHEDIR HASH_TYPE FUNCTION [ARG | key=value]...

Each stand-in follows shared/companion-runner.md and Salt's own behaviour, not SaltBatch's engine:
  salt.utils.jid.is_jid            20 characters, or longer with "_" at index 20, whose first 20 parse as int
  salt.utils.batch_state.read_batch_state
                                   <cachedir>/jobs/<h[:2]>/<h[2:]>/.batch.p, h = hash_type(jid) (§4.5), read as
                                   salt.payload.loads does (python3-msgpack); None when missing, empty or corrupt
  salt.exceptions.SaltInvocationError
The runner's __opts__ holds cachedir and hash_type, as the master's do. Prints the function's result as JSON, or
exits 1 with "error: <message>" on stderr when the function raises SaltInvocationError (salt-run's behaviour).
"""

import hashlib
import importlib.util
import json
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from salt_payload import salt_loads  # noqa: E402


class SaltInvocationError(Exception):
    pass


def is_jid(jid):
    if not isinstance(jid, str):
        return False
    if len(jid) != 20 and (len(jid) <= 21 or jid[20] != "_"):
        return False
    try:
        int(jid[:20])
        return True
    except ValueError:
        return False


def read_batch_state(jid, opts):
    digest = hashlib.new(opts.get("hash_type", "sha256"), jid.encode()).hexdigest()
    path = os.path.join(opts["cachedir"], "jobs", digest[:2], digest[2:], ".batch.p")
    if not os.path.exists(path):
        return None
    try:
        with open(path, "rb") as stream:
            data = stream.read()
        return salt_loads(data) if data else None
    except Exception:  # pylint: disable=broad-except
        return None


def install_standins():
    salt = types.ModuleType("salt")
    utils = types.ModuleType("salt.utils")
    jid = types.ModuleType("salt.utils.jid")
    jid.is_jid = is_jid
    batch_state = types.ModuleType("salt.utils.batch_state")
    batch_state.read_batch_state = read_batch_state
    exceptions = types.ModuleType("salt.exceptions")
    exceptions.SaltInvocationError = SaltInvocationError
    salt.utils, salt.exceptions, utils.jid, utils.batch_state = utils, exceptions, jid, batch_state
    sys.modules.update({"salt": salt, "salt.utils": utils, "salt.utils.jid": jid,
                        "salt.utils.batch_state": batch_state, "salt.exceptions": exceptions})


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    runner_file, cachedir, hash_type, function = argv[1:5]
    args, kwargs = [], {}
    for item in argv[5:]:
        key, sep, value = item.partition("=")
        if sep and key.isidentifier():
            kwargs[key] = value
        else:
            args.append(item)
    install_standins()
    spec = importlib.util.spec_from_file_location("saltbatch", runner_file)
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    runner.__opts__ = {"cachedir": cachedir, "hash_type": hash_type}
    if runner.__virtual__() != "saltbatch":
        sys.stderr.write("error: __virtual__ refused: %r\n" % (runner.__virtual__(),))
        return 1
    try:
        result = getattr(runner, function)(*args, **kwargs)
    except SaltInvocationError as error:
        sys.stderr.write("error: %s\n" % error)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
