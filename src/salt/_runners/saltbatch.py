"""
SaltBatch's companion runner: what the SaltBatch PowerShell module shows locally, for callers that reach the
master only through salt-api.

Install it where the master loads runners (either is enough):

- copy this file into a directory named in the master's ``runner_dirs``, or
- copy it into ``<file_roots>/_runners/`` and run ``salt-run saltutil.sync_runners``.

Salt-api users need a runner rule for it in ``external_auth``, for example ``'@runner': ['saltbatch\\..*']``.

This version serves ``version``, ``minions`` and ``history``, all read-only: it never publishes and never writes.
"""

import datetime
import fnmatch
import math
import os

import salt.payload
import salt.utils.files
import salt.utils.jid

try:
    import salt.utils.batch_state as batch_state
except ImportError:  # a master older than Salt's async batch
    batch_state = None

__virtualname__ = "saltbatch"

VERSION = "0.1.0"

# The failure reason Salt's batch state machine records for a minion that never answered.
_TIMEOUT_REASON = "timeout"


def __virtual__():
    if batch_state is None:
        return False, "saltbatch needs a Salt master with async batch support (salt.utils.batch_state)"
    return __virtualname__


def version():
    """
    The version of this runner, which SaltBatch's client checks before it calls the others.

    CLI Example:

    .. code-block:: bash

        salt-run saltbatch.version
    """
    return VERSION


def minions(jid, outcome=None, include_return=False):
    """
    The minions of one batch as ``.batch.p`` has them, in file order: each with its ``.batch.p`` state (pending,
    active, done, failed), its outcome (Succeeded, Failed, TimedOut, Running, NotStarted, Abandoned), the dispatch
    time of an active minion, the failure reason of a failed one, and the retcode of a done one (a per-function map
    collapsed to its largest number, as Salt's failhard check does; the map itself as ``retcode_detail``).

    jid
        The batch's JID.

    outcome
        Only minions of these outcomes: one name, a comma-separated string or a list.

    include_return
        Also each minion's return: a done minion's from ``.batch.p``, a failed or timed-out one's from the master's
        job cache (``jobs.list_job``), with its outputter. Only for the user who started the batch, the users named in
        the master option ``saltbatch: {return_readers: [...]}`` (globs), and a local ``salt-run``.

    A refusal is a dict with ``error`` (what was wrong and what to do), ``kind`` and ``retcode`` 1.

    CLI Example:

    .. code-block:: bash

        salt-run saltbatch.minions 20240610120000000000 outcome=Failed,TimedOut
    """
    jid = str(jid)
    if not salt.utils.jid.is_jid(jid):
        return _not_a_jid(jid)
    try:
        wanted = _outcomes(outcome)
    except ValueError as error:
        return _refusal(str(error), "InvalidArgument")
    state = batch_state.read_batch_state(jid, __opts__)
    if not isinstance(state, dict):
        return _no_batch(jid)
    with_returns = _truthy(include_return)
    if with_returns and not _may_read_returns(state):
        return _refusal(
            "{} may not read the returns of batch {} (started by {}): add the user to the master option "
            "'saltbatch: {{return_readers: [...]}}' to allow it, or ask without include_return".format(
                _caller(), jid, state.get("user")
            ),
            "AccessDenied",
        )
    halted = bool(state.get("halted"))
    rows = []
    for section, entries in state.items():
        reader = _SECTIONS.get(section)
        if reader is None:
            continue
        for row in reader(entries or (), halted, with_returns):
            if wanted is None or row["outcome"] in wanted:
                rows.append(row)
    if with_returns:
        _add_job_cache_returns(jid, rows)
    return rows


def history(state=None, function=None, target=None, user=None, after=None, before=None, limit=None):
    """
    The batches still in the master's job cache, newest first (by creation, then JID), as ``batch.status``
    summarises each, with ``state`` (Running, Halted, Complete). Every filter given must match; within one, any of
    its values (a comma-separated string or a list) may.

    state
        Running, Halted or Complete.

    function, target, user
        Shell-style globs, case-insensitive; a list target is matched joined with commas.

    after, before
        Creation time: Unix seconds, or an ISO 8601 time (UTC when it names no zone).

    limit
        At most this many batches.

    CLI Example:

    .. code-block:: bash

        salt-run saltbatch.history state=Halted function='state.*' limit=10
    """
    try:
        states = _choices(state, _RUN_STATES, "state")
        functions, targets, users = _globs(function), _globs(target), _globs(user)
        after_ts, before_ts = _timestamp(after, "after"), _timestamp(before, "before")
        most = _limit(limit)
    except ValueError as error:
        return _refusal(str(error), "InvalidArgument")
    kept = []
    for summary in _batch_summaries():
        if (
            (states is None or summary["state"] in states)
            and _matches(functions, summary["fun"])
            and _matches(targets, _joined(summary["tgt"]))
            and _matches(users, summary["user"])
            and (after_ts is None or (summary["created"] or 0) > after_ts)
            and (before_ts is None or (summary["created"] or 0) < before_ts)
        ):
            kept.append(summary)
    kept.sort(key=lambda summary: (summary["created"] is not None, summary["created"] or 0, summary["jid"] or ""), reverse=True)
    return kept if most is None else kept[:most]


_OUTCOMES = ("Succeeded", "Failed", "TimedOut", "Running", "NotStarted", "Abandoned")
_RUN_STATES = ("Running", "Halted", "Complete")


def _outcomes(outcome):
    return _choices(outcome, _OUTCOMES, "outcome")


def _choices(given, names, what):
    """The canonical spellings of the names given (any case), or None when none is given."""
    values = _values(given)
    if values is None:
        return None
    canonical = {name.lower(): name for name in names}
    wanted = set()
    for value in values:
        if value.lower() not in canonical:
            raise ValueError("'{}' is not {} {}; use one or more of {}".format(value, _article(what), what, ", ".join(names)))
        wanted.add(canonical[value.lower()])
    return wanted


def _article(word):
    return "an" if word[:1] in "aeiou" else "a"


def _values(given):
    if given is None or given == "" or given == []:
        return None
    items = given.split(",") if isinstance(given, str) else list(given)
    return [str(item).strip() for item in items if str(item).strip()]


def _globs(given):
    values = _values(given)
    return None if values is None else [value.lower() for value in values]


def _matches(globs, value):
    return globs is None or any(fnmatch.fnmatchcase(str(value or "").lower(), glob) for glob in globs)


def _joined(target):
    return ",".join(str(item) for item in target) if isinstance(target, (list, tuple)) else target


def _timestamp(given, what):
    if given is None or given == "":
        return None
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        return float(given)
    text = str(given).strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("{}='{}' is neither Unix seconds nor an ISO 8601 time such as 2024-06-10T03:00:00".format(what, given))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def _limit(given):
    if given is None or given == "":
        return None
    try:
        most = int(given)
    except (TypeError, ValueError):
        most = -1
    if most < 1:
        raise ValueError("limit='{}' is not a positive whole number".format(given))
    return most


def _truthy(value):
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _refusal(message, kind):
    """What a function returns instead of raising: salt-run prints it and exits 1, salt-api hands it to the client."""
    return {"error": message, "kind": kind, "retcode": 1}


def _not_a_jid(jid):
    return _refusal(
        "'{}' is not a JID: a JID is 20 digits (YYYYMMDDhhmmssffffff), as salt-run batch.list_active shows".format(jid),
        "InvalidArgument",
    )


def _no_batch(jid):
    return _refusal(
        "No batch with JID {} on this master: its .batch.p is missing, empty or unreadable. The JID may be a normal "
        "(non-batch) job, or its job directory was cleaned up (keep_jobs_seconds)".format(jid),
        "NotFound",
    )


def _caller():
    return globals().get("__user__") or "UNKNOWN"


def _may_read_returns(state):
    """Returns are the minions' data: the batch's own user, the admin's named readers, and the master host's root."""
    if __opts__.get("__cli") == "salt-run":
        return True
    caller = _caller()
    if caller == state.get("user"):
        return True
    readers = (__opts__.get("saltbatch") or {}).get("return_readers") or []
    return any(fnmatch.fnmatchcase(caller, str(reader)) for reader in readers)


def _add_job_cache_returns(jid, rows):
    """A failed or timed-out minion's return is only in the job cache, which jobs.list_job reads whatever it is."""
    if not any(row["state"] in ("done", "failed") for row in rows):
        return
    cached = (__salt__["jobs.list_job"](jid) or {}).get("Result") or {}
    for row in rows:
        entry = cached.get(row["minion"])
        if not isinstance(entry, dict):
            continue
        if "out" in entry:
            row["outputter"] = entry["out"]
        if row["state"] == "failed":
            row["return"] = entry.get("return")
            row["late_return"] = row["outcome"] == "TimedOut"


def _batch_summaries():
    """Each readable .batch.p under <cachedir>/jobs, summarised as batch.status does, whatever master_job_cache is."""
    jobs = os.path.join(__opts__["cachedir"], "jobs")
    try:
        buckets = sorted(os.scandir(jobs), key=lambda entry: entry.name)
    except FileNotFoundError:
        return
    for bucket in buckets:
        if not bucket.is_dir(follow_symlinks=False):
            continue
        for job in os.scandir(bucket.path):
            path = os.path.join(job.path, ".batch.p")
            if not job.is_dir(follow_symlinks=False) or not os.path.isfile(path):
                continue
            try:
                with salt.utils.files.fopen(path, "rb") as stream:
                    state = salt.payload.load(stream)
            except Exception:  # pylint: disable=broad-except
                # batch.list_active skips an unreadable state the same way.
                continue
            if isinstance(state, dict):
                yield _summary(state)


def _summary(state):
    """batch.status's summary of one state, with its run state."""
    created = state.get("created")
    summary = {
        "jid": state.get("jid"),
        "fun": state.get("fun"),
        "tgt": state.get("tgt"),
        "tgt_type": state.get("tgt_type"),
        "total": len(state.get("all_minions") or ()),
        "completed": len(state.get("done") or ()),
        "active": len(state.get("active") or ()),
        "pending": len(state.get("pending") or ()),
        "failed": len(state.get("failed") or ()),
        "batch_size": state.get("batch_size"),
        "halted": bool(state.get("halted")),
        "halted_reason": state.get("halted_reason"),
        "driver": state.get("driver"),
        "user": state.get("user"),
        "created": created if isinstance(created, (int, float)) and not isinstance(created, bool) else None,
        "last_progress": state.get("last_progress"),
    }
    summary["state"] = "Halted" if summary["halted"] else "Complete" if batch_state.is_batch_done(state) else "Running"
    return summary


def _pending(entries, halted, with_returns):
    for minion in entries:
        yield {"minion": minion, "state": "pending", "outcome": "NotStarted"}


def _active(entries, halted, with_returns):
    for minion, dispatched in dict(entries).items():
        yield {
            "minion": minion,
            "state": "active",
            "outcome": "Abandoned" if halted else "Running",
            "dispatched_at": dispatched,
        }


def _done(entries, halted, with_returns):
    for minion, stored in dict(entries).items():
        retcode = stored.get("retcode") if isinstance(stored, dict) else None
        collapsed = _collapse(retcode)
        row = {
            "minion": minion,
            "state": "done",
            "outcome": "Succeeded" if collapsed == 0 else "Failed",
            "retcode": collapsed,
        }
        if isinstance(retcode, dict):
            row["retcode_detail"] = retcode
        if with_returns:
            row["return"] = stored.get("ret") if isinstance(stored, dict) else None
        yield row


def _failed(entries, halted, with_returns):
    for minion, reason in dict(entries).items():
        yield {
            "minion": minion,
            "state": "failed",
            "outcome": "TimedOut" if reason == _TIMEOUT_REASON else "Failed",
            "reason": reason,
        }


_SECTIONS = {"pending": _pending, "active": _active, "done": _done, "failed": _failed}


def _collapse(retcode):
    """The same number SaltBatch's local cmdlets show: a map as its largest number (0 when empty), non-numbers as 0."""
    if isinstance(retcode, dict):
        return max((_number(value) for value in retcode.values()), default=0)
    return _number(retcode)


# Salt stores retcodes as msgpack integers, which reach 2**64 - 1; the local cmdlets hold them as 64-bit signed.
_LARGEST = 2**63 - 1
_SMALLEST = -(2**63)


def _number(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return max(_SMALLEST, min(_LARGEST, value))
    if isinstance(value, float):
        if value != value:
            return 0
        if value in (float("inf"), float("-inf")):
            return _LARGEST if value > 0 else _SMALLEST
        # Away from zero, so a fractional retcode still fails like Salt's retcode > 0.
        return max(_SMALLEST, min(_LARGEST, math.ceil(value) if value > 0 else math.floor(value)))
    return 0
