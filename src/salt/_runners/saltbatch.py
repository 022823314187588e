"""
SaltBatch's companion runner: what the SaltBatch PowerShell module shows locally, for callers that reach the
master only through salt-api.

Install it where the master loads runners (either is enough):

- copy this file into a directory named in the master's ``runner_dirs``, or
- copy it into ``<file_roots>/_runners/`` and run ``salt-run saltutil.sync_runners``.

Salt-api users need a runner rule for it in ``external_auth``, for example ``'@runner': ['saltbatch\\..*']``.

This version serves ``version`` and ``minions`` (read-only); it never publishes and never writes.
"""

import math

import salt.utils.jid
from salt.exceptions import SaltInvocationError

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


def minions(jid, outcome=None):
    """
    The minions of one batch as ``.batch.p`` has them, in file order: each with its ``.batch.p`` state (pending,
    active, done, failed), its outcome (Succeeded, Failed, TimedOut, Running, NotStarted, Abandoned), the dispatch
    time of an active minion, the failure reason of a failed one, and the retcode of a done one (a per-function map
    collapsed to its largest number, as Salt's failhard check does; the map itself as ``retcode_detail``). Returns
    are not included.

    jid
        The batch's JID.

    outcome
        Only minions of these outcomes: one name, a comma-separated string or a list.

    CLI Example:

    .. code-block:: bash

        salt-run saltbatch.minions 20240610120000000000 outcome=Failed,TimedOut
    """
    jid = str(jid)
    if not salt.utils.jid.is_jid(jid):
        raise SaltInvocationError(
            "'{}' is not a JID: a JID is 20 digits (YYYYMMDDhhmmssffffff), as salt-run batch.list_active shows".format(jid)
        )
    wanted = _outcomes(outcome)
    state = batch_state.read_batch_state(jid, __opts__)
    if not isinstance(state, dict):
        raise SaltInvocationError(
            "No batch with JID {}: its .batch.p is missing, empty or unreadable on this master".format(jid)
        )
    halted = bool(state.get("halted"))
    rows = []
    for section, entries in state.items():
        reader = _SECTIONS.get(section)
        if reader is None:
            continue
        for row in reader(entries or (), halted):
            if wanted is None or row["outcome"] in wanted:
                rows.append(row)
    return rows


_OUTCOMES = ("Succeeded", "Failed", "TimedOut", "Running", "NotStarted", "Abandoned")


def _outcomes(outcome):
    if outcome is None or outcome == "" or outcome == []:
        return None
    names = outcome.split(",") if isinstance(outcome, str) else list(outcome)
    canonical = {name.lower(): name for name in _OUTCOMES}
    wanted = set()
    for name in names:
        key = str(name).strip().lower()
        if key not in canonical:
            raise SaltInvocationError(
                "'{}' is not an outcome; use one or more of {}".format(name, ", ".join(_OUTCOMES))
            )
        wanted.add(canonical[key])
    return wanted


def _pending(entries, halted):
    for minion in entries:
        yield {"minion": minion, "state": "pending", "outcome": "NotStarted"}


def _active(entries, halted):
    for minion, dispatched in dict(entries).items():
        yield {
            "minion": minion,
            "state": "active",
            "outcome": "Abandoned" if halted else "Running",
            "dispatched_at": dispatched,
        }


def _done(entries, halted):
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
        yield row


def _failed(entries, halted):
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
