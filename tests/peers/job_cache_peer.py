#!/usr/bin/python3
"""Reference peer: a job directory as a Salt master leaves it after a state.apply batch, bytes by python3-msgpack.

Usage: job_cache_peer.py outcome-batch CACHEDIR HASH_TYPE JID

Writes <cachedir>/jobs/<jid dir>/ with `jid`, `.batch.p` (BatchState, salt.payload.dumps: use_bin_type=False) and,
per minion that returned, `<minion>/return.p` and `<minion>/out.p` as salt/returners/local_cache.py writes them: the
3006.x+ format `{"return", "retcode", "success"}`, and for one late minion the older format that held the bare return
(local_cache.get_jid still reads both). The batch has one minion of every outcome, then halted on failhard:

    ok1         done, retcode 0, 3 states succeeded, none changed
    changed1    done, retcode 0, 3 states succeeded, 1 changed
    statefail1  done, retcode 2, 1 succeeded with changes, 2 failed (one of them a requisite)
    render1     done, retcode 1, the SLS did not render (a list of errors, no state ran)
    flagged1    failed "failed" (a `failed: true` return); its return is only in the job cache
    slow1       failed "timeout", returned after the batch gave up on it (old-format return.p)
    slow2       failed "timeout", never returned
    run1        active when the batch halted
    wait1       pending when the batch halted

Prints a JSON object describing what it wrote, for the test to compare against.
"""

import hashlib
import json
import os
import sys

from salt_payload import salt_dumps

CREATED = 1718020800.0


def state(state_id, fun, name, result, comment, run_num, duration, changes=None):
    module = fun.split(".")[0]
    key = "_|-".join((module, state_id, name, fun.split(".")[1]))
    return key, {
        "name": name,
        "changes": changes or {},
        "result": result,
        "comment": comment,
        "__sls__": "web",
        "__run_num__": run_num,
        "start_time": "12:00:0%d.000000" % run_num,
        "duration": duration,
        "__id__": state_id,
    }


def highstate(*states):
    return dict(states)


def outcome_batch():
    nginx_changes = {"nginx": {"old": "1.22.1-9", "new": "1.24.0-2"}}
    returns = {
        "ok1": (highstate(
            state("nginx", "pkg.installed", "nginx", True, "All specified packages are already installed", 0, 12.5),
            state("nginx-conf", "file.managed", "/etc/nginx/nginx.conf", True, "File is in the correct state", 1, 3.25),
            state("nginx-svc", "service.running", "nginx", True, "The service nginx is already running", 2, 40.0),
        ), 0),
        "changed1": (highstate(
            state("nginx", "pkg.installed", "nginx", True, "1 targeted package was installed/updated.", 0, 812.5, nginx_changes),
            state("nginx-conf", "file.managed", "/etc/nginx/nginx.conf", True, "File is in the correct state", 1, 3.25),
            state("nginx-svc", "service.running", "nginx", True, "The service nginx is already running", 2, 40.0),
        ), 0),
        "statefail1": (highstate(
            state("nginx", "pkg.installed", "nginx", True, "1 targeted package was installed/updated.", 0, 798.0, nginx_changes),
            state("nginx-conf", "file.managed", "/etc/nginx/nginx.conf", False,
                  "Source file salt://web/nginx.conf not found in saltenv 'base'", 1, 5.5),
            state("nginx-svc", "service.running", "nginx", False,
                  "One or more requisite failed: web.nginx-conf", 2, 0.0),
        ), 2),
        "render1": (["Rendering SLS 'base:web' failed: Jinja variable 'port' is undefined"], 1),
    }
    flagged = "The minion function caused an exception: Traceback (most recent call last): ..."
    late = highstate(state("nginx", "pkg.installed", "nginx", True, "All specified packages are already installed", 0, 61000.0))
    minions = ["ok1", "changed1", "statefail1", "render1", "flagged1", "slow1", "slow2", "run1", "wait1"]
    batch = {
        "jid": None,
        "all_minions": minions,
        "pending": ["wait1"],
        "active": {"run1": CREATED + 30.0},
        "done": {minion: {"ret": ret, "retcode": retcode} for minion, (ret, retcode) in returns.items()},
        "failed": {"flagged1": "failed", "slow1": "timeout", "slow2": "timeout"},
        "wait": [],
        "batch_size": 2,
        "fun": "state.apply",
        "arg": ["web"],
        "kwargs": {"pillar": {"port": 8080}},
        "tgt": "*",
        "tgt_type": "glob",
        "failhard": True,
        "batch_wait": 1.5,
        "timeout": 30,
        "gather_job_timeout": 10,
        "last_progress": CREATED + 75.0,
        "created": CREATED,
        "halted": True,
        "halted_reason": "failhard",
        "driver": "master",
        "ret": "syslog",
        "user": "root",
    }
    cache_returns = {minion: ({"return": ret, "retcode": retcode, "success": retcode == 0}, "highstate")
                     for minion, (ret, retcode) in returns.items()}
    cache_returns["flagged1"] = ({"return": flagged, "retcode": 1, "success": False}, "nested")
    cache_returns["slow1"] = (late, "highstate")
    return batch, cache_returns


def write(path, value):
    with open(path, "wb") as handle:
        handle.write(salt_dumps(value))


def main(argv):
    if len(argv) != 5 or argv[1] != "outcome-batch":
        sys.stderr.write(__doc__)
        return 2
    cachedir, hash_type, jid = argv[2:]
    digest = hashlib.new(hash_type, jid.encode()).hexdigest()
    job_dir = os.path.join(cachedir, "jobs", digest[:2], digest[2:])
    os.makedirs(job_dir, exist_ok=True)
    batch, cache_returns = outcome_batch()
    batch["jid"] = jid
    with open(os.path.join(job_dir, "jid"), "w") as handle:
        handle.write(jid)
    write(os.path.join(job_dir, ".batch.p"), batch)
    for minion, (stored, outputter) in cache_returns.items():
        os.makedirs(os.path.join(job_dir, minion))
        write(os.path.join(job_dir, minion, "return.p"), stored)
        write(os.path.join(job_dir, minion, "out.p"), outputter)
    json.dump({"jobDir": job_dir, "minions": batch["all_minions"]}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
