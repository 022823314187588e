#!/usr/bin/python3
"""Writes a large, deterministic .batch.p exactly as Salt's payload.dumps would (use_bin_type=False), streaming.

Usage: make_batch.py OUT --minions N --return-bytes B [--jid JID] [--failing-every K]

The 24 keys are written in BatchState order; `done` holds every minion but the last 1% (which are active), each
return a state.apply-shaped dict whose comment carries about B bytes. Streaming piece by piece keeps the generator's
memory small, so files far beyond 2 GB can be made; the bytes equal packb() of the whole dict. With --failing-every K,
every Kth done minion's state failed (result False, retcode 2), as the outcome benchmarks need.
"""
import argparse
import random

try:
    import msgpack
except ImportError:
    raise SystemExit("Test peers missing: install Debian's python3-msgpack and python3-zmq (apt-get install python3-msgpack python3-zmq)")


def pack(value):
    return msgpack.packb(value, use_bin_type=False)


def map_header(count):
    return bytes([0x80 | count]) if count < 16 else (b"\xde" + count.to_bytes(2, "big") if count < 65536 else b"\xdf" + count.to_bytes(4, "big"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--minions", type=int, required=True)
    parser.add_argument("--return-bytes", type=int, required=True)
    parser.add_argument("--jid", default="20240610120000000000")
    parser.add_argument("--failing-every", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.minions * 7919 + args.return_bytes)
    minions = ["web%05d.dc%d.example.com" % (i, i % 3 + 1) for i in range(args.minions)]
    active_count = max(1, args.minions // 100)
    done_minions, active_minions = minions[:-active_count], minions[-active_count:]
    comment = "x" * args.return_bytes
    with open(args.out, "wb") as out:
        out.write(map_header(24))
        out.write(pack("jid") + pack(args.jid))
        out.write(pack("all_minions") + pack(minions))
        out.write(pack("pending") + pack([]))
        out.write(pack("active") + pack({m: 1718020800.0 + i for i, m in enumerate(active_minions)}))
        out.write(pack("done") + map_header(len(done_minions)))
        for index, minion in enumerate(done_minions):
            failing = args.failing_every and index % args.failing_every == args.failing_every - 1
            ret = {"pkg_|-nginx_|-nginx_|-installed": {
                "name": "nginx", "changes": {}, "result": not failing, "comment": comment, "__sls__": "web.nginx",
                "__run_num__": index, "start_time": "12:00:00.123456", "duration": round(rng.random() * 1000, 3), "__id__": "nginx"}}
            code = 2 if failing else 0
            retcode = {"state.apply": code} if index % 3 == 2 else code
            out.write(pack(minion) + pack({"ret": ret, "retcode": retcode}))
        for key, value in (("failed", {}), ("wait", []), ("batch_size", active_count), ("fun", "state.apply"), ("arg", ["nginx"]),
                           ("kwargs", {}), ("tgt", "web*"), ("tgt_type", "glob"), ("failhard", False), ("batch_wait", 0),
                           ("timeout", 60), ("gather_job_timeout", 10), ("last_progress", 1718024400.0), ("created", 1718020800.0),
                           ("halted", False), ("halted_reason", None), ("driver", "master"), ("ret", ""), ("user", "root")):
            out.write(pack(key) + pack(value))


if __name__ == "__main__":
    main()
