"""
SaltBatch's companion runner: what the SaltBatch PowerShell module shows locally, for callers that reach the
master only through salt-api.

Install it where the master loads runners (either is enough):

- copy this file into a directory named in the master's ``runner_dirs``, or
- copy it into ``<file_roots>/_runners/`` and run ``salt-run saltutil.sync_runners``.

Salt-api users need a runner rule for it in ``external_auth``, for example ``'@runner': ['saltbatch\\..*']``.

``version``, ``minions``, ``history`` and ``launch`` only read. ``start`` writes a new batch for the master's
BatchManager, and only after the caller passed the checks the master itself applies to that caller's own publish
(see ``start``).
"""

import datetime
import fnmatch
import logging
import math
import os

import salt.acl
import salt.auth
import salt.client
import salt.loader
import salt.payload
import salt.utils.args
import salt.utils.event
import salt.utils.files
import salt.utils.jid
import salt.utils.minions

try:
    import salt.utils.batch_output as batch_output
    import salt.utils.batch_state as batch_state
except ImportError:  # a master older than Salt's async batch
    batch_output = batch_state = None

__virtualname__ = "saltbatch"

log = logging.getLogger(__name__)

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
        return _not_a_reader(jid, state, "returns", ", or ask without include_return")
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


def launch(jid):
    """
    What a batch was launched with, the keys of its ``.batch.p`` the BatchManager publishes every sub-batch from:
    ``fun``, ``arg`` (keyword arguments as its trailing ``__kwarg__`` map), ``kwargs``, ``batch_size``, ``batch_wait``,
    ``timeout``, ``failhard``, ``ret``, and ``saltbatch_relaunch_of`` for a relaunch. What SaltBatch's
    Restart-SaltBatch repeats. The arguments are the caller's data as the returns are, so they go to the same callers:
    the batch's own user, the master option's ``saltbatch: {return_readers: [...]}``, and a local ``salt-run``.

    CLI Example:

    .. code-block:: bash

        salt-run saltbatch.launch 20240610120000000000
    """
    jid = str(jid)
    if not salt.utils.jid.is_jid(jid):
        return _not_a_jid(jid)
    state = batch_state.read_batch_state(jid, __opts__)
    if not isinstance(state, dict):
        return _no_batch(jid)
    if not _may_read_returns(state):
        return _not_a_reader(jid, state, "launch parameters")
    return {key: state[key] for key in _LAUNCH_KEYS if key in state}


def start(tgt, job_fun, batch, job_arg=None, job_kwarg=None, tgt_type="glob", job_timeout=None, ping_timeout=None,
          failhard=False, batch_wait=0, returner="", relaunch_of=None, **kwargs):
    """
    Starts a batch the master's BatchManager drives, as ``salt <tgt> <job_fun> -b <batch> --async`` would for the
    caller: pings the target as the master, writes the batch with every responder pending through Salt's own
    ``batch_state`` and fires ``salt/batch/<jid>/new``. Returns the new batch's summary (as ``history`` has it) with
    ``down``, the targeted minions that did not answer.

    The runner publishes with the master's key, and so does the BatchManager after it, so it first asks what the
    master would ask of the caller's own publish: the function is not in ``publisher_acl_blacklist``, the caller is not
    blacklisted, and the caller's ``external_auth`` rules (``CkMinions.auth_check``) allow ``test.ping`` and the
    function with these arguments on the target and on the minions that answered. The rules are those of each of the
    caller's live salt-api tokens (every one must allow it), else of the backends the admin pins in the master option
    ``saltbatch: {eauth: [<backend>, ...]}``. A local ``salt-run`` on the master host is trusted as the master key's
    holder; the master's own user from anywhere else (a minion's ``peer_run``) and the reactor are refused.

    tgt, tgt_type
        The target, as the salt CLI takes it (glob, pcre, list, grain, grain_pcre, pillar, pillar_pcre, nodegroup,
        range, compound, ipcidr); a list target may be a list or a comma-separated string.

    job_fun, job_arg, job_kwarg
        The function each minion runs, its positional arguments (a list) and keyword arguments (a dict).

    batch
        Minions at a time: a number, or a percentage such as ``25%`` of the minions that answered.

    job_timeout
        Seconds a minion may run the job before the BatchManager counts it timed out (default 1800, as SaltBatch's
        Start-SaltBatch; the master's ``timeout`` of 5 would time out any real job).

    ping_timeout
        Seconds to wait for the ping's answers (default: the master's ``timeout``).

    failhard, batch_wait, returner
        Stop dispatching after a failure; seconds to wait before refilling a freed slot; a returner for the job.

    relaunch_of
        The JID of the batch this one repeats (what ``launch`` gave), recorded in the new state as SaltBatch's
        ``saltbatch_relaunch_of``; it grants nothing: the new batch is checked as any other.

    CLI Example:

    .. code-block:: bash

        salt-run saltbatch.start tgt='web*' job_fun=state.apply batch=2 job_timeout=600
    """
    try:
        if kwargs:
            _refuse_unknown(kwargs)
        caller = _caller()
        job = _job(tgt, tgt_type, job_fun, job_arg, job_kwarg, batch, job_timeout, ping_timeout, batch_wait, returner)
        job["failhard"] = _truthy(failhard)
        if relaunch_of is not None and not salt.utils.jid.is_jid(str(relaunch_of)):
            raise ValueError("relaunch_of='{}' is not a JID".format(relaunch_of))
    except ValueError as error:
        return _refusal(str(error), "InvalidArgument")
    local = __opts__.get("__cli") == "salt-run"
    if not local and caller in (__opts__.get("user"), "Reactor", "UNKNOWN", "", None):
        return _refusal(
            "saltbatch.start does not start batches for {}: calls as the master's own user come from a minion's "
            "peer_run, which no external_auth rule governs, and the reactor acts on events others can send. Start it "
            "with salt-run on the master host, or through salt-api as a user with external_auth rules".format(caller),
            "AccessDenied",
        )
    refusal = _blacklisted(caller, job["fun"])
    if refusal:
        return refusal
    checks = salt.utils.minions.CkMinions(__opts__)
    targeted = checks.check_minions(job["tgt"], job["tgt_type"], fun=job["fun"]).get("minions") or []
    rules = None
    if not local:
        rules, refusal = _rule_sets(caller, checks)
        if refusal:
            return refusal
        for source, auth_list in rules:
            for fun, arg in (("test.ping", []), (job["fun"], job["arg"])):
                if not _allowed(checks, auth_list, fun, arg, job["tgt"], job["tgt_type"], targeted):
                    return _not_allowed(caller, source, fun, job["tgt"], job["tgt_type"], arg)
    if not targeted:
        return _refusal("No minion matches {} target '{}' on this master".format(job["tgt_type"], job["tgt"]), "NoMinions")
    answered, down, ping_jid = _ping(job)
    if not answered:
        return _refusal(
            "No minion answered the ping (job {}) within {}s: {} did not respond. Nothing was started or written".format(
                ping_jid, job["ping_timeout"], ", ".join(sorted(down)) or "none was announced"
            ),
            "NoMinions",
        )
    for source, auth_list in rules or ():
        # What the BatchManager will publish: the function to lists of these minions.
        if not _allowed(checks, auth_list, job["fun"], job["arg"], answered, "list", answered):
            return _not_allowed(caller, source, job["fun"], ",".join(answered), "list", job["arg"])
    state = _write_new_batch(job, answered, caller, None if relaunch_of is None else str(relaunch_of))
    summary = _summary(state)
    summary["down"] = sorted(down)
    return summary


# Keywords salt-api consumes itself (``companion-runner`` §1.3) and those the BatchManager's publish never carries.
_START_KEYWORDS = ("tgt", "job_fun", "batch", "job_arg", "job_kwarg", "tgt_type", "job_timeout", "ping_timeout",
                   "failhard", "batch_wait", "returner", "relaunch_of")
# SaltBatch's own key in a state, beside Salt's 24: the batch a relaunch repeats.
_RELAUNCH_OF = "saltbatch_relaunch_of"
# What a batch was launched with: the keys the BatchManager publishes every sub-batch from.
_LAUNCH_KEYS = ("fun", "arg", "kwargs", "batch_size", "batch_wait", "timeout", "failhard", "ret", _RELAUNCH_OF)
_TARGET_TYPES = ("glob", "pcre", "list", "grain", "grain_pcre", "pillar", "pillar_pcre", "nodegroup", "range",
                 "compound", "ipcidr")
_DEFAULT_JOB_TIMEOUT = 1800


def _refuse_unknown(kwargs):
    # Dunder keys (__pub_user and the like) are what orchestration adds, and what a salt-api client can forge: they
    # are dropped unread, as salt.utils.args.clean_kwargs drops them; the caller is only ever __user__.
    unknown = sorted(salt.utils.args.clean_kwargs(**kwargs))
    if unknown:
        raise ValueError("saltbatch.start takes no {}; it takes {}".format(", ".join(unknown), ", ".join(_START_KEYWORDS)))


def _job(tgt, tgt_type, job_fun, job_arg, job_kwarg, batch, job_timeout, ping_timeout, batch_wait, returner):
    """The batch's settings, checked, with the target resolved as LocalClient resolves it before it publishes."""
    tgt_type = str(tgt_type or "glob")
    if tgt_type not in _TARGET_TYPES:
        raise ValueError("tgt_type='{}' is not a Salt target type; use one of {}".format(tgt_type, ", ".join(_TARGET_TYPES)))
    if isinstance(tgt, (list, tuple)):
        tgt = [str(minion) for minion in tgt]
    elif tgt_type == "list":
        tgt = [minion.strip() for minion in str(tgt or "").split(",") if minion.strip()]
    else:
        tgt = str(tgt or "").strip()
    if not tgt:
        raise ValueError("tgt is empty: give a target such as 'web*'")
    fun = str(job_fun or "").strip()
    if not fun:
        raise ValueError("job_fun is empty: give a Salt function such as state.apply")
    if job_arg is None:
        job_arg = []
    elif not isinstance(job_arg, (list, tuple)):
        job_arg = [job_arg]
    if job_kwarg is None:
        job_kwarg = {}
    if not isinstance(job_kwarg, dict):
        raise ValueError("job_kwarg must be a mapping of keyword arguments, not {}".format(type(job_kwarg).__name__))
    try:
        batch_state.get_batch_size(batch, 1)
    except Exception:  # pylint: disable=broad-except
        raise ValueError("batch='{}' is neither a number of minions nor a percentage such as 25%".format(batch))
    tgt, tgt_type = _resolved_target(tgt, tgt_type)
    return {
        "tgt": tgt,
        "tgt_type": tgt_type,
        "fun": fun,
        # The salt CLI's shape, which the BatchManager publishes as is: keywords as a trailing __kwarg__ map.
        "arg": salt.utils.args.condition_input(list(job_arg), dict(job_kwarg)),
        "batch": str(batch),
        "timeout": _seconds(job_timeout, "job_timeout", _DEFAULT_JOB_TIMEOUT),
        "ping_timeout": _seconds(ping_timeout, "ping_timeout", __opts__.get("timeout") or 5),
        # 0.0 is written as the int 0, as the salt CLI's default batch_wait is: the same bytes in .batch.p.
        "batch_wait": _seconds(batch_wait, "batch_wait", 0, whole=False, zero=True) or 0,
        "ret": str(returner or ""),
    }


def _seconds(given, what, default, whole=True, zero=False):
    if given is None or given == "":
        return default
    try:
        value = int(given) if whole else float(given)
    except (TypeError, ValueError):
        value = -1
    if value < 0 or (value == 0 and not zero):
        raise ValueError("{}='{}' is not a positive number of seconds".format(what, given))
    return value


def _resolved_target(tgt, tgt_type):
    """Nodegroups, alone or as N@ in a compound, become compound words, as LocalClient sends them to the master."""
    nodegroups = __opts__.get("nodegroups") or {}

    def expand(name):
        if name not in nodegroups:
            raise ValueError("Node group {} is not in the master's nodegroups".format(name))
        return salt.utils.minions.nodegroup_comp(name, nodegroups)

    if tgt_type == "nodegroup":
        tgt, tgt_type = expand(tgt), "compound"
    if tgt_type == "compound":
        words = tgt.split() if isinstance(tgt, str) else list(tgt)
        resolved = []
        for word in words:
            resolved.extend(expand(word[2:]) if word.startswith("N@") and len(word) > 2 else [word])
        tgt = " ".join(resolved)
    return tgt, tgt_type


def _blacklisted(caller, fun):
    blacklist = salt.acl.PublisherACL(__opts__.get("publisher_acl_blacklist") or {})
    for name in (fun, "test.ping"):
        if blacklist.cmd_is_blacklisted(name):
            return _refusal(
                "{} is in the master's publisher_acl_blacklist (modules): the master rejects every publish of it, the "
                "BatchManager's too".format(name),
                "AccessDenied",
            )
    if blacklist.user_is_blacklisted(caller):
        return _refusal("{} is in the master's publisher_acl_blacklist (users)".format(caller), "AccessDenied")
    master_user = __opts__.get("user")
    if master_user and blacklist.user_is_blacklisted(master_user):
        return _refusal(
            "The master's own user {} is in publisher_acl_blacklist (users), so the master would reject every "
            "sub-batch the BatchManager publishes: remove it from the blacklist to drive batches".format(master_user),
            "ConfigInvalid",
        )
    return None


def _rule_sets(caller, checks):
    """
    The caller's external_auth rule lists, computed as the master computes them for a salt-api token: one per live
    token of the caller (login-time groups and keep_acl_in_token as the master has them), else one per backend the
    admin pinned. Never a backend the client names: the same name may mean more on another backend.
    """
    loadauth = salt.auth.LoadAuth(__opts__)
    backends = __opts__.get("external_auth") or {}
    rules = []
    for token in loadauth.list_tokens() or ():
        data = loadauth.get_tok(token)
        if isinstance(data, dict) and data.get("name") == caller and data.get("eauth") in backends:
            rules.append(("token of eauth {}".format(data["eauth"]), loadauth.get_auth_list({"token": token}, token=data)))
    if rules:
        return rules, None
    pinned = (__opts__.get("saltbatch") or {}).get("eauth") or []
    if isinstance(pinned, str):
        pinned = [pinned]
    for backend in pinned:
        if backend in backends:
            groups = loadauth.get_groups({"eauth": backend, "username": caller}) or []
            rules.append(("eauth {}".format(backend), checks.fill_auth_list(backends[backend] or {}, caller, groups)))
    if rules:
        return rules, None
    return None, _refusal(
        "{} has no live salt-api token on this master, so saltbatch.start cannot tell which external_auth rules are "
        "theirs: log in through salt-api (a token, not username and password on each call), or have the admin name the "
        "backend in the master option 'saltbatch: {{eauth: [<backend>]}}'".format(caller),
        "AccessDenied",
    )


def _allowed(checks, auth_list, fun, arg, tgt, tgt_type, minions):
    return bool(checks.auth_check(auth_list, fun, arg, tgt, tgt_type, minions=list(minions),
                                  whitelist=["saltutil.find_job"]))


def _not_allowed(caller, source, fun, tgt, tgt_type, arg):
    shown = ", ".join(repr(value) for value in arg) if arg else "no arguments"
    return _refusal(
        "{}'s external_auth rules ({}) do not allow {} with {} on {} target '{}', which this batch needs: add a rule "
        "such as - '{}': ['{}'] for {} (or a matching group% or minion rule)".format(
            caller, source, fun, shown, tgt_type, tgt, tgt if isinstance(tgt, str) else ",".join(tgt), fun, caller
        ),
        "AccessDenied",
    )


def _ping(job):
    """test.ping as the master, as the async CLI's gather_minions: who was targeted, who answered, the ping's JID."""
    announced, answered, ping_jid = set(), set(), None
    local = salt.client.get_local_client(mopts=__opts__, listen=True)
    try:
        for reply in local.cmd_iter(job["tgt"], "test.ping", [], job["ping_timeout"], job["tgt_type"],
                                    gather_job_timeout=__opts__.get("gather_job_timeout", 10), yield_pub_data=True):
            if "jid" in reply and "minions" in reply:
                ping_jid = reply["jid"]
                announced.update(reply["minions"])
                continue
            for minion, answer in reply.items():
                if not (isinstance(answer, dict) and answer.get("failed") is True):
                    answered.add(minion)
    finally:
        local.destroy()
    ordered = sorted(answered)
    return ordered, announced - answered, ping_jid


def _write_new_batch(job, minions, caller, relaunch_of):
    """
    The master's job cache prepares the JID first, so the directory has its jid file before .batch.p is written and
    clean_old_jobs cannot scrub it; then the state, the index entry and the new event, as the async CLI does.
    """
    returners = salt.loader.returners(__opts__, {})
    jid = returners["{}.prep_jid".format(__opts__.get("master_job_cache", "local_cache"))](nocache=False)
    settings = dict(job, kwargs={}, user=caller, gather_job_timeout=__opts__.get("gather_job_timeout", 10))
    state = batch_state.create_batch_state(settings, minions, jid, driver="master")
    if relaunch_of is not None:
        # The BatchManager writes the state back whole, so the key survives; Salt reads nothing from it.
        state[_RELAUNCH_OF] = relaunch_of
    batch_state.write_batch_state(jid, state, __opts__)
    batch_state.add_to_active_index(jid, __opts__)
    try:
        with salt.utils.event.get_master_event(__opts__, __opts__["sock_dir"], listen=False) as event:
            event.fire_event(batch_output.new_payload(state), batch_output.tag_new(jid))
    except Exception:  # pylint: disable=broad-except
        # The BatchManager also adopts every master-driven batch of the index on its next tick.
        log.warning("saltbatch.start: salt/batch/%s/new was not fired; the BatchManager adopts it from the index", jid)
    return state


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


def _not_a_reader(jid, state, what, otherwise=""):
    return _refusal(
        "{} may not read the {} of batch {} (started by {}): add the user to the master option "
        "'saltbatch: {{return_readers: [...]}}' to allow it{}".format(_caller(), what, jid, state.get("user"), otherwise),
        "AccessDenied",
    )


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
        "relaunch_of": state.get(_RELAUNCH_OF),
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
