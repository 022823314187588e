#!/usr/bin/python3
"""Reference peer for starting a batch: what the salt CLI's async hand-off writes (start-and-api §1.3-§1.6).

Paraphrases salt/utils/batch_state.py (get_batch_size, create_batch_state, write_batch_state, add_to_active_index),
salt/utils/batch_output.py (new_payload) and salt.utils.args.condition_input, on Debian's python3-msgpack, packing
with salt.payload.dumps' settings (use_bin_type=False for .p files, True for event data).

Command:
    create CACHEDIR HASH_TYPE      stdin: JSON {"jid", "minions", "now" (text), "existing_index", "opts": {"batch",
                                   "fun", "arg", "kwarg" ([[k, v], ...]), "tgt", "tgt_type", "failhard",
                                   "batch_wait" (text), "timeout", "gather_job_timeout", "ret", "return", "user"}}
                                   writes <CACHEDIR>/jobs/<h[:2]>/<h[2:]>/.batch.p and <CACHEDIR>/batch_active.p;
                                   stdout: hex of packb(new_payload(state), use_bin_type=True)
    sizes                          stdin: JSON [[spec, minion count], ...]; stdout: get_batch_size of each, a line each
"""

import hashlib
import json
import os
import sys

from salt_payload import salt_default, salt_loads

import msgpack


def condition_input(args, kwargs):
    """salt.utils.args.condition_input: keyword arguments travel as a trailing {"__kwarg__": True, ...} map."""
    ret = list(args)
    if kwargs:
        kw_ = {"__kwarg__": True}
        for key, value in kwargs.items():
            kw_[key] = value
        ret.append(kw_)
    return ret


def get_batch_size(batch, minion_count):
    """Reference §2.6: N, or P% of the minions - rounded up to 1 below one minion, truncated above."""
    if isinstance(batch, str) and batch.endswith("%"):
        share = float(batch[:-1]) / 100.0 * minion_count
        return 1 if share < 1 else int(share)
    return max(1, int(batch))


def create_batch_state(opts, minions, jid, driver="cli", now=None):
    minions = list(minions)
    return {
        "jid": jid,
        "all_minions": minions,
        "pending": list(minions),
        "active": {},
        "done": {},
        "failed": {},
        "wait": [],
        "batch_size": get_batch_size(opts["batch"], len(minions)),
        "fun": opts.get("fun", ""),
        "arg": list(opts.get("arg") or []),
        "kwargs": dict(opts.get("kwargs") or {}),
        "tgt": opts.get("tgt", ""),
        "tgt_type": opts.get("tgt_type", "glob"),
        "failhard": bool(opts.get("failhard", False)),
        "batch_wait": opts.get("batch_wait") or 0,
        "timeout": opts.get("timeout", 60),
        "gather_job_timeout": opts.get("gather_job_timeout", 10),
        "last_progress": now,
        "created": now,
        "halted": False,
        "halted_reason": None,
        "driver": driver,
        "ret": opts.get("ret") or opts.get("return") or "",
        "user": opts.get("user", "root"),
    }


def new_payload(state):
    payload = {key: state.get(key) for key in ("jid", "fun", "tgt", "tgt_type", "user")}
    payload["total_minions"] = len(state.get("all_minions") or [])
    payload["batch_size"] = state.get("batch_size")
    payload["driver"] = state.get("driver")
    payload["created"] = state.get("created")
    return payload


def dumps(value):
    """salt.payload.dumps(value): use_bin_type=False."""
    return msgpack.packb(value, use_bin_type=False, default=salt_default)


def create(cachedir, hash_type, spec):
    given = spec["opts"]
    opts = dict(given)
    opts["arg"] = condition_input(given["arg"], dict(given.get("kwarg") or []))
    opts.pop("kwarg", None)
    opts["batch_wait"] = float(given["batch_wait"])
    state = create_batch_state(opts, spec["minions"], spec["jid"], driver="master", now=float(spec["now"]))

    digest = hashlib.new(hash_type, spec["jid"].encode()).hexdigest()
    job_dir = os.path.join(cachedir, "jobs", digest[:2], digest[2:])
    os.makedirs(job_dir, exist_ok=True)
    with open(os.path.join(job_dir, ".batch.p"), "wb") as state_file:
        state_file.write(dumps(state))

    index_path = os.path.join(cachedir, "batch_active.p")
    jids = set(spec.get("existing_index") or [])
    if os.path.exists(index_path):
        with open(index_path, "rb") as index_file:
            jids.update(salt_loads(index_file.read()))
    jids.add(spec["jid"])
    with open(index_path, "wb") as index_file:
        index_file.write(dumps(sorted(jids)))

    return msgpack.packb(new_payload(state), use_bin_type=True).hex()


def main(argv):
    if len(argv) == 4 and argv[1] == "create":
        print(create(argv[2], argv[3], json.load(sys.stdin)))
        return 0
    if len(argv) == 2 and argv[1] == "sizes":
        for spec, count in json.load(sys.stdin):
            print(get_batch_size(spec, count))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
