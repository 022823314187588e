#!/usr/bin/python3
"""The reference: what `salt-run batch.status` does for one .batch.p, timed.

Reads the whole file and decodes it exactly as salt.payload.loads does for these files (raw=True,
strict_map_key=False, an ext_hook for types 78/79, then the recursive UTF-8 pass), then computes the runner's
summary (reference §5.4). Prints JSON: the summary's counts, the median and best seconds over --repeat runs, and the
extra peak resident memory of the runs above the process's baseline (VmHWM after resetting it through
/proc/self/clear_refs; ru_maxrss would include the forking parent's pages) — one fresh process per file.

Usage: reference_summary.py FILE [--repeat N]
"""
import argparse
import datetime
import json
import statistics
import time

try:
    import msgpack
except ImportError:
    raise SystemExit("Test peers missing: install Debian's python3-msgpack and python3-zmq (apt-get install python3-msgpack python3-zmq)")


def ext_hook(code, data):
    if code == 78:
        return datetime.datetime.strptime(data.decode(), "%Y%m%dT%H:%M:%S.%f")
    if code == 79:
        return tuple(msgpack.unpackb(data, raw=False))
    return data


def decode_utf8(value):
    """salt.payload.loads' pass for encoding=None: bytes become text when they are valid UTF-8."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value
    if isinstance(value, dict):
        return {decode_utf8(k): decode_utf8(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_utf8(item) for item in value]
    return value


def summarise(path):
    with open(path, "rb") as handle:
        state = decode_utf8(msgpack.unpackb(handle.read(), raw=True, strict_map_key=False, ext_hook=ext_hook, use_list=True))
    last_progress = state.get("last_progress")
    return {
        "jid": state.get("jid"), "fun": state.get("fun"), "tgt": state.get("tgt"), "tgt_type": state.get("tgt_type"),
        "total": len(state.get("all_minions") or []), "completed": len(state.get("done") or {}),
        "active": len(state.get("active") or {}), "pending": len(state.get("pending") or []),
        "failed": len(state.get("failed") or {}), "batch_size": state.get("batch_size"),
        "halted": bool(state.get("halted")), "halted_reason": state.get("halted_reason"), "driver": state.get("driver"),
        "user": state.get("user"), "created": state.get("created"), "last_progress": last_progress,
        "age_seconds": (time.time() - last_progress) if last_progress else None,
    }


def status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field + " not in /proc/self/status")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with open("/proc/self/clear_refs", "w") as reset:
        reset.write("5")
    baseline_kb = status_kb("VmRSS")
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        summary = summarise(args.file)
        times.append(time.perf_counter() - start)
    print(json.dumps({"completed": summary["completed"], "total": summary["total"], "medianSeconds": statistics.median(times),
                      "bestSeconds": min(times), "baselineKb": baseline_kb, "peakKb": status_kb("VmHWM")}))


if __name__ == "__main__":
    main()
