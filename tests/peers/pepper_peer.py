"""A real salt-api client against the simulated salt-api: Debian's salt-pepper, through its library API.

usage: pepper_peer.py URL USER PASSWORD JID

Logs in with pepper.libpepper.Pepper (certificate checks off, as `pepper --ignore-ssl-errors` for a self-signed
salt-api), calls batch.list_active and batch.status through the runner client, opens /events with req_stream,
stops JID with batch.stop (kill as a JSON boolean) and reads the stream until salt/batch/JID/halted. Then it tries a
wrong password. Prints one JSON object with what it saw; exits non-zero on anything unexpected.
"""
import json
import sys
import threading
import warnings

from pepper.libpepper import Pepper, PepperException


def read_events(response, jid, seen, done):
    """Collects the tags of the SSE records (tag: / data: lines) until the halted event of JID."""
    # Line by line from the raw stream: iter_lines() would wait for 512-byte chunks that a quiet stream never fills.
    for raw in iter(response.raw.readline, b""):
        line = raw.decode("utf-8").rstrip("\n")
        if line.startswith("data: "):
            record = json.loads(line[len("data: "):])
            seen.append(record["tag"])
            if record["tag"] == "salt/batch/%s/halted" % jid:
                seen.append(record["data"].get("reason"))
                break
    done.set()


def main():
    url, user, password, jid = sys.argv[1:5]
    warnings.simplefilter("ignore")  # urllib3's InsecureRequestWarning for the self-signed certificate
    api = Pepper(url, ignore_ssl_errors=True)
    auth = api.login(user, password, "pam")
    result = {"user": auth["user"], "eauth": auth["eauth"], "perms": auth["perms"], "token_is_hex": all(c in "0123456789abcdef" for c in auth["token"])}

    result["list_active"] = api.runner("batch.list_active")["return"][0]
    result["status"] = api.runner("batch.status", jid=jid)["return"][0]
    result["status_missing"] = api.runner("batch.status", jid="20000101000000000000")["return"][0]

    stream = api.req_stream("/events")
    first = stream.raw.readline().decode("utf-8").strip()
    result["events_first_line"] = first
    seen, done = [], threading.Event()
    reader = threading.Thread(target=read_events, args=(stream, jid, seen, done), daemon=True)
    reader.start()
    result["stop"] = api.low([{"client": "runner", "fun": "batch.stop", "jid": jid, "kill": True}])["return"][0]
    done.wait(20)
    stream.close()
    result["events"] = seen
    result["status_after_stop"] = api.runner("batch.status", jid=jid)["return"][0]

    try:
        Pepper(url, ignore_ssl_errors=True).login(user, password + "-wrong", "pam")
        result["wrong_password"] = "accepted"
    except PepperException as error:
        result["wrong_password"] = str(error)

    print(json.dumps(result))


if __name__ == "__main__":
    main()
