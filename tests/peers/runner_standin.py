#!/usr/bin/python3
"""Runs the companion runner (src/salt/_runners/saltbatch.py) outside Salt, against stand-ins for the Salt APIs it calls.

Usage: runner_standin.py [--user NAME] [--cli] [--opt key=json]... [--kwargs JSON] [--minions JSON] [--tokens JSON]
                         [--events FILE] RUNNER_FILE CACHEDIR HASH_TYPE FUNCTION [ARG | key=value]...

--user sets __user__ (the caller salt-api authenticated; default "alice"), --cli makes it a local salt-run
(__opts__["__cli"] = "salt-run"), --opt adds a master option (its value JSON), --kwargs gives keyword arguments as
salt-api's kwarg does (JSON types kept; those the function does not take are dropped, as Salt's
load_args_and_kwargs(ignore_invalid=True) does). FUNCTION is the runner's (minions) or jobs.list_job, the stand-in
for Salt's own (then RUNNER_FILE may be "-"). For start: --minions {"id": answers, ...} are the accepted minions and
whether each answers test.ping, --tokens [{"name", "eauth", "groups"}] the live token store, --events the file each
fired event is appended to as a JSON line {"tag", "data"}.

Each stand-in follows shared/companion-runner.md and Salt's own behaviour, not SaltBatch's engine:
  salt.utils.jid.is_jid            20 characters, or longer with "_" at index 20, whose first 20 parse as int
  salt.utils.batch_state.read_batch_state
                                   <cachedir>/jobs/<h[:2]>/<h[2:]>/.batch.p, h = hash_type(jid) (§4.5), read as
                                   salt.payload.loads does (python3-msgpack); None when missing, empty or corrupt
  salt.payload.load, salt.utils.files.fopen
                                   python3-msgpack with Salt's hooks (salt_payload.py); open()
  __salt__["jobs.list_job"]        {"jid", "Result": local_cache.get_jid}: per minion directory of the job, return.p
                                   (an old-format one wrapped as {"return": ...}) plus "out" from out.p
  For start (companion-runner.md §2-4; the genuine ones are exercised in RealSalt/CompanionRunnerStart.Tests.ps1):
  salt.utils.args.condition_input  args, then {"__kwarg__": True, **kwargs} when there are kwargs (§2.1)
  salt.utils.args.clean_kwargs     drops keys that start with "__"
  salt.acl.PublisherACL            modules / users lists matched as a glob, else a full regex (§3)
  salt.utils.minions.CkMinions     check_minions: glob (fnmatch) and list over the accepted minions; fill_auth_list:
                                   name (glob), "group%" and "*" only when no name matched (§2.1.3); auth_check: a
                                   string rule matches the function, a {minion-glob: [...]} rule needs every targeted
                                   minion to match and then a function or {function: {args, kwargs}} (regexes) (§2.1.5)
  salt.auth.LoadAuth               list_tokens, get_tok, get_auth_list (the token's eauth, name and groups), get_groups
  salt.client.get_local_client     cmd_iter(yield_pub_data=True): the pub data, then each answer, {"failed": True} for
                                   a minion that does not answer (§4.3)
  salt.loader.returners            {"local_cache.prep_jid"}: a new JID's directory and its jid file (§4.3)
  batch_state / batch_output       create_batch_state (§4.1, keys in its order), get_batch_size, write_batch_state
                                   (salt.payload.dumps), add_to_active_index (sorted list), new_payload, tag_new (§4.4)
The runner's __opts__ holds cachedir and hash_type, as the master's do. Prints the function's result as JSON; a
result with "retcode" exits with it, as salt-run does.
"""

import datetime
import fnmatch
import hashlib
import importlib.util
import inspect
import json
import os
import re
import sys
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from salt_payload import salt_dumps, salt_loads  # noqa: E402


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



def expr_match(expression, value):
    """A glob first, else a regular expression matching the whole value."""
    if fnmatch.fnmatch(value, expression):
        return True
    try:
        return re.fullmatch(expression, value) is not None
    except re.error:
        return False


def condition_input(args, kwargs):
    return list(args) + ([dict({"__kwarg__": True}, **kwargs)] if kwargs else [])


def clean_kwargs(**kwargs):
    return {key: value for key, value in kwargs.items() if not key.startswith("__")}


class PublisherACL:
    def __init__(self, blacklist):
        self.blacklist = blacklist

    def cmd_is_blacklisted(self, cmd):
        return any(expr_match(pattern, cmd) for pattern in self.blacklist.get("modules", []))

    def user_is_blacklisted(self, user):
        return any(expr_match(pattern, user) for pattern in self.blacklist.get("users", []))


class CkMinions:
    def __init__(self, opts):
        self.accepted = list(opts["standin_minions"])

    def check_minions(self, expr, tgt_type="glob", delimiter=":", greedy=True, fun=None):
        if tgt_type == "list":
            wanted = expr if isinstance(expr, list) else str(expr).split(",")
            return {"minions": [minion for minion in self.accepted if minion in wanted], "missing": []}
        if tgt_type == "glob":
            return {"minions": [minion for minion in self.accepted if fnmatch.fnmatch(minion, expr)], "missing": []}
        raise NotImplementedError("the stand-in targets glob and list only, not " + tgt_type)

    def fill_auth_list(self, auth_provider, name, groups, auth_list=None, permissive=None):
        auth_list = [] if auth_list is None else auth_list
        name_matched = False
        for match, rules in auth_provider.items():
            if match == "*":
                continue
            if match.endswith("%"):
                if match[:-1] in groups:
                    auth_list.extend(rules)
            elif expr_match(match, name):
                name_matched = True
                auth_list.extend(rules)
        if not name_matched and "*" in auth_provider:
            auth_list.extend(auth_provider["*"])
        return auth_list

    def auth_check(self, auth_list, funs, args, tgt, tgt_type="glob", groups=None, publish_validate=False,
                   minions=None, whitelist=None):
        if whitelist and funs in whitelist:
            return True
        for rule in auth_list:
            if isinstance(rule, str) and expr_match(rule, funs):
                return True
            if isinstance(rule, dict) and len(rule) == 1:
                valid, allowed = next(iter(rule.items()))
                if minions and all(fnmatch.fnmatch(minion, valid) for minion in minions):
                    if any(self._fun_allowed(entry, funs, args) for entry in allowed):
                        return True
        return False

    @staticmethod
    def _fun_allowed(entry, fun, args):
        if isinstance(entry, str):
            return expr_match(entry, fun)
        if not isinstance(entry, dict):
            return False
        for name, spec in entry.items():
            if not expr_match(name, fun):
                continue
            positional = [arg for arg in args if not (isinstance(arg, dict) and arg.get("__kwarg__"))]
            keywords = next((arg for arg in args if isinstance(arg, dict) and arg.get("__kwarg__")), {})
            wanted_args = (spec or {}).get("args") or []
            wanted_kwargs = (spec or {}).get("kwargs") or {}
            if len(positional) < len(wanted_args):
                continue
            if all(re.fullmatch(str(pattern), str(arg)) for pattern, arg in zip(wanted_args, positional)) and all(
                key in keywords and re.fullmatch(str(pattern), str(keywords[key])) for key, pattern in wanted_kwargs.items()
            ):
                return True
        return False


class LoadAuth:
    def __init__(self, opts):
        self.opts = opts
        self.tokens = {"token-{}".format(number): token for number, token in enumerate(opts["standin_tokens"])}

    def list_tokens(self):
        return list(self.tokens)

    def get_tok(self, token):
        return self.tokens.get(token)

    def get_groups(self, load):
        return []

    def get_auth_list(self, load, token=None):
        backend = self.opts["external_auth"].get(token["eauth"]) or {}
        return CkMinions(self.opts).fill_auth_list(backend, token["name"], token.get("groups") or [])


class LocalClient:
    def __init__(self, opts):
        self.opts = opts

    def cmd_iter(self, tgt, fun, arg=(), timeout=None, tgt_type="glob", gather_job_timeout=10, yield_pub_data=False, **kwargs):
        targeted = CkMinions(self.opts).check_minions(tgt, tgt_type)["minions"]
        yield {"jid": gen_jid(self.opts), "minions": targeted}
        for minion in targeted:
            yield {minion: {"ret": True, "retcode": 0}} if self.opts["standin_minions"][minion] else {minion: {"failed": True}}

    def destroy(self):
        pass


def gen_jid(opts):
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S%f")


def returners(opts, functions):
    def prep_jid(nocache=False, passed_jid=None):
        jid = passed_jid or gen_jid(opts)
        os.makedirs(job_dir(jid, opts))
        with open(os.path.join(job_dir(jid, opts), "jid"), "w", encoding="utf-8") as stream:
            stream.write(jid)
        return jid

    return {"local_cache.prep_jid": prep_jid}


def get_batch_size(batch, count):
    text = str(batch).strip()
    if text.endswith("%"):
        size = int(float(text[:-1]) * count / 100)
    else:
        size = int(text)
    return max(1, size)


def create_batch_state(opts, minions, jid, driver="cli", now=None):
    now = time.time() if now is None else now
    minions = list(minions)
    return {
        "jid": jid, "all_minions": list(minions), "pending": list(minions), "active": {}, "done": {}, "failed": {},
        "wait": [], "batch_size": get_batch_size(opts.get("batch"), len(minions)), "fun": opts.get("fun", ""),
        "arg": list(opts.get("arg") or []), "kwargs": dict(opts.get("kwargs") or {}), "tgt": opts.get("tgt", ""),
        "tgt_type": opts.get("tgt_type", "glob"), "failhard": bool(opts.get("failhard", False)),
        "batch_wait": opts.get("batch_wait", 0) or 0, "timeout": 60 if opts.get("timeout") is None else opts["timeout"],
        "gather_job_timeout": 10 if opts.get("gather_job_timeout") is None else opts["gather_job_timeout"],
        "last_progress": now, "created": now, "halted": False, "halted_reason": None, "driver": driver,
        "ret": opts.get("ret") or opts.get("return") or "", "user": opts.get("user", "root"),
    }


def write_batch_state(jid, state, opts):
    path = os.path.join(job_dir(jid, opts), ".batch.p")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as stream:
        stream.write(salt_dumps(state))


def add_to_active_index(jid, opts):
    path = os.path.join(opts["cachedir"], "batch_active.p")
    jids = set()
    if os.path.exists(path):
        with open(path, "rb") as stream:
            jids = set(salt_loads(stream.read()) or ())
    jids.add(jid)
    with open(path, "wb") as stream:
        stream.write(salt_dumps(sorted(jids)))


class MasterEvent:
    def __init__(self, opts):
        self.journal = opts.get("standin_events")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def fire_event(self, data, tag):
        if self.journal:
            with open(self.journal, "a", encoding="utf-8") as stream:
                stream.write(json.dumps({"tag": tag, "data": data}) + "\n")
        return True


def new_payload(state):
    payload = {key: state.get(key) for key in ("jid", "fun", "tgt", "tgt_type", "user")}
    payload.update(total_minions=len(state.get("all_minions", [])), batch_size=state.get("batch_size"),
                   driver=state.get("driver"), created=state.get("created"))
    return payload


def install_standins():
    def module(name, **members):
        made = types.ModuleType(name)
        made.__dict__.update(members)
        sys.modules[name] = made
        return made

    salt = module("salt")
    salt.utils = module("salt.utils")
    salt.utils.jid = module("salt.utils.jid", is_jid=is_jid, gen_jid=gen_jid)
    salt.utils.batch_state = module(
        "salt.utils.batch_state", read_batch_state=read_batch_state, get_batch_size=get_batch_size,
        create_batch_state=create_batch_state, write_batch_state=write_batch_state,
        add_to_active_index=add_to_active_index,
        is_batch_done=lambda state: bool(state.get("halted")) or (not state.get("pending") and not state.get("active")))
    salt.utils.batch_output = module("salt.utils.batch_output", new_payload=new_payload,
                                     tag_new=lambda jid: "salt/batch/{}/new".format(jid))
    salt.utils.files = module("salt.utils.files", fopen=open)
    salt.utils.args = module("salt.utils.args", condition_input=condition_input, clean_kwargs=clean_kwargs)
    salt.utils.minions = module("salt.utils.minions", CkMinions=CkMinions,
                                nodegroup_comp=lambda name, groups: str(groups[name]).split())
    salt.utils.event = module("salt.utils.event", get_master_event=lambda opts, sock_dir, listen=True: MasterEvent(opts))
    salt.payload = module("salt.payload", load=payload_load)
    salt.acl = module("salt.acl", PublisherACL=PublisherACL)
    salt.auth = module("salt.auth", LoadAuth=LoadAuth)
    salt.client = module("salt.client", get_local_client=lambda c_path=None, mopts=None, listen=False: LocalClient(mopts))
    salt.loader = module("salt.loader", returners=returners)


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
        elif flag == "--minions":
            options["standin_minions"] = json.loads(argv.pop(0))
        elif flag == "--tokens":
            options["standin_tokens"] = json.loads(argv.pop(0))
        elif flag == "--events":
            options["standin_events"] = argv.pop(0)
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
    opts = dict({"standin_minions": {}, "standin_tokens": [], "user": "root", "timeout": 5, "gather_job_timeout": 10,
                 "sock_dir": cachedir}, **options)
    opts.update(cachedir=cachedir, hash_type=hash_type, __cli="salt-run" if cli else "salt-master")
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
    parameters = inspect.signature(func).parameters
    takes_any = any(parameter.kind == parameter.VAR_KEYWORD for parameter in parameters.values())
    return report(func(*args, **{key: value for key, value in kwargs.items() if takes_any or key in parameters}))


def report(result):
    print(json.dumps(result))
    return result["retcode"] if isinstance(result, dict) and "retcode" in result else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
