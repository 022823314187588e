#!/usr/bin/python3
"""Reads one batch's .batch.p the way the genuine master does, with the Salt tree on PYTHONPATH.

    salt_batch_state.py MASTER_CONFIG JID

Loads the master options with salt.config.master_config and the state with salt.utils.batch_state.read_batch_state
(the BatchManager's and the batch runner's reader), and prints one JSON line: the runner's summary of it
(salt.runners.batch._summary, what `salt-run batch.status` returns) and, per minion, what the state records:
{"summary": {...}, "minions": {"<id>": {"state": "pending|active|done|failed", "dispatched": float|null,
"retcode": int|null, "reason": str|null}}, "launch": {what the BatchManager publishes each sub-batch with: "fun", "arg",
"kwargs", "batch_size", "batch_wait", "timeout", "failhard", "ret", and SaltBatch's "saltbatch_relaunch_of" if the
state kept it}, "keys": [the state's keys, in its order]}. Prints null when Salt cannot read the file.
"""
import json
import sys

import salt.config
import salt.runners.batch
import salt.utils.batch_state


def per_minion(state):
    minions = {}
    for minion in state["pending"]:
        minions[minion] = {"state": "pending", "dispatched": None, "retcode": None, "reason": None}
    for minion, dispatched in state["active"].items():
        minions[minion] = {"state": "active", "dispatched": dispatched, "retcode": None, "reason": None}
    for minion, done in state["done"].items():
        # What the BatchManager collapses a return to: one retcode, the largest of a per-function map.
        retcode = salt.utils.batch_state._collapse_retcode(done)  # pylint: disable=protected-access
        minions[minion] = {"state": "done", "dispatched": None, "retcode": retcode, "reason": None}
    for minion, reason in state["failed"].items():
        minions[minion] = {"state": "failed", "dispatched": None, "retcode": None, "reason": reason}
    return minions


def main(config_path, jid):
    opts = salt.config.master_config(config_path)
    state = salt.utils.batch_state.read_batch_state(jid, opts)
    if state is None:
        print("null")
        return 0
    summary = salt.runners.batch._summary(state)  # pylint: disable=protected-access
    launch_keys = ("fun", "arg", "kwargs", "batch_size", "batch_wait", "timeout", "failhard", "ret", "saltbatch_relaunch_of")
    launch = {key: state[key] for key in launch_keys if key in state}
    print(json.dumps({"summary": summary, "minions": per_minion(state), "launch": launch, "keys": list(state)}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
