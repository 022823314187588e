#!/usr/bin/python3
"""Runs the companion runner (src/salt/_runners/saltbatch.py) outside Salt, against stand-ins for the Salt APIs it calls.

Usage: runner_standin.py [--user NAME] [--cli] [--opt key=json]... [--kwargs JSON] RUNNER_FILE CACHEDIR HASH_TYPE FUNCTION [ARG | key=value]...

--user sets __user__ (the caller salt-api authenticated; default "alice"), --cli makes it a local salt-run
(__opts__["__cli"] = "salt-run"), --opt adds a master option (its value JSON), --kwargs gives keyword arguments as
salt-api's kwarg does (JSON types kept; those the function does not take are dropped, as Salt's
load_args_and_kwargs(ignore_invalid=True) does). FUNCTION is the runner's (minions) or jobs.list_job, the stand-in
for Salt's own (then RUNNER_FILE may be "-").

Each stand-in follows shared/companion-runner.md and Salt's own behaviour, not SaltBatch's engine:
  salt.utils.jid.is_jid            20 characters, or longer with "_" at index 20, whose first 20 parse as int
  salt.utils.batch_state.read_batch_state
                                   <cachedir>/jobs/<h[:2]>/<h[2:]>/.batch.p, h = hash_type(jid) (§4.5), read as
                                   salt.payload.loads does (python3-msgpack); None when missing, empty or corrupt
  salt.payload.load, salt.utils.files.fopen
                                   python3-msgpack with Salt's hooks (salt_payload.py); open()
  __salt__["jobs.list_job"]        {"jid", "Result": local_cache.get_jid}: per minion directory of the job, return.p
                                   (an old-format one wrapped as {"return": ...}) plus "out" from out.p
The runner's __opts__ holds cachedir and hash_type, as the master's do. Prints the function's result as JSON; a
result with "retcode" exits with it, as salt-run does.
"""

import hashlib
import importlib.util
import inspect
import json
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from salt_payload import salt_loads  # noqa: E402


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
    path = os.path.join(job_dir(jid, opts), ".batch.p")
    if not os.path.exists(path):
        return None
    try:
        with open(path, "rb") as stream:
            data = stream.read()
        return salt_loads(data) if data else None
    except Exception:  # pylint: disable=broad-except
        return None


def job_dir(jid, opts):
    digest = hashlib.new(opts.get("hash_type", "sha256"), jid.encode()).hexdigest()
    return os.path.join(opts["cachedir"], "jobs", digest[:2], digest[2:])


def list_job(opts):
    def run(jid):
        result = {}
        directory = job_dir(jid, opts)
        if os.path.isdir(directory):
            for name in os.listdir(directory):
                ret_path = os.path.join(directory, name, "return.p")
                if name.startswith(".") or not os.path.isfile(ret_path):
                    continue
                with open(ret_path, "rb") as stream:
                    stored = salt_loads(stream.read())
                if not isinstance(stored, dict) or "return" not in stored:
                    stored = {"return": stored}
                out_path = os.path.join(directory, name, "out.p")
                if os.path.isfile(out_path):
                    with open(out_path, "rb") as stream:
                        stored["out"] = salt_loads(stream.read())
                result[name] = stored
        return {"jid": jid, "Result": result}

    return run


def payload_load(stream):
    return salt_loads(stream.read())


def install_standins():
    salt = types.ModuleType("salt")
    utils = types.ModuleType("salt.utils")
    jid = types.ModuleType("salt.utils.jid")
    jid.is_jid = is_jid
    batch_state = types.ModuleType("salt.utils.batch_state")
    batch_state.read_batch_state = read_batch_state
    batch_state.is_batch_done = lambda state: bool(state.get("halted")) or (not state.get("pending") and not state.get("active"))
    files = types.ModuleType("salt.utils.files")
    files.fopen = open
    payload = types.ModuleType("salt.payload")
    payload.load = payload_load
    salt.utils, salt.payload, utils.jid, utils.batch_state, utils.files = utils, payload, jid, batch_state, files
    sys.modules.update({"salt": salt, "salt.utils": utils, "salt.utils.jid": jid, "salt.payload": payload,
                        "salt.utils.batch_state": batch_state, "salt.utils.files": files})


def main(argv):
    argv = list(argv[1:])
    user, cli, options, given = "alice", False, {}, {}
    while argv and argv[0].startswith("--"):
        flag = argv.pop(0)
        if flag == "--user":
            user = argv.pop(0)
        elif flag == "--cli":
            cli = True
        elif flag == "--opt":
            key, _, value = argv.pop(0).partition("=")
            options[key] = json.loads(value)
        elif flag == "--kwargs":
            given.update(json.loads(argv.pop(0)))
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    runner_file, cachedir, hash_type, function = argv[:4]
    args, kwargs = [], dict(given)
    for item in argv[4:]:
        key, sep, value = item.partition("=")
        if sep and key.isidentifier():
            kwargs[key] = value
        else:
            args.append(item)
    install_standins()
    opts = dict(options, cachedir=cachedir, hash_type=hash_type, __cli="salt-run" if cli else "salt-master")
    if function == "jobs.list_job":
        return report(list_job(opts)(*args, **kwargs))
    spec = importlib.util.spec_from_file_location("saltbatch", runner_file)
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    runner.__opts__, runner.__user__, runner.__context__ = opts, user, {}
    runner.__salt__ = {"jobs.list_job": list_job(opts)}
    if runner.__virtual__() != "saltbatch":
        sys.stderr.write("error: __virtual__ refused: %r\n" % (runner.__virtual__(),))
        return 1
    func = getattr(runner, function)
    accepted = inspect.signature(func).parameters
    return report(func(*args, **{key: value for key, value in kwargs.items() if key in accepted}))


def report(result):
    print(json.dumps(result))
    return result["retcode"] if isinstance(result, dict) and "retcode" in result else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
