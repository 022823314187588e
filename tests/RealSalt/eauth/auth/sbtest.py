"""
A test-only external_auth backend for the real-Salt suite: users, passwords and groups from the JSON file named by
the master option ``sbtest_users``. Salt's ``file`` backend has no groups, and PAM would need system accounts; this
gives genuine Salt's ``group%`` rules a backend without either.
"""

import json

__virtualname__ = "sbtest"


def __virtual__():
    return __virtualname__


def _users():
    with open(__opts__["sbtest_users"], encoding="utf-8") as stream:
        return json.load(stream)


def auth(username, password, **kwargs):
    user = _users().get(username)
    return isinstance(user, dict) and user.get("password") == password


def groups(username, **kwargs):
    user = _users().get(username)
    return list(user.get("groups", [])) if isinstance(user, dict) else []
