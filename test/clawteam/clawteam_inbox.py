#!/usr/bin/env python3
"""A ClawTeam 0.3 mailbox and cost reporter, standard library only, for Lockstep's cross-language tests.

It follows ClawTeam's protocol as its source does (clawteam/transport/file.py, team/mailbox.py, team/costs.py,
fileutil.py):
  send:     msg-<ms>-<8 hex>.json written as .tmp-<8 hex>.json + rename into teams/<team>/inboxes/<inbox>/,
            plus evt-<ms>-<8 hex>.json (written as .tmp + rename) in teams/<team>/events/; pretty JSON, camelCase,
            null fields left out (pydantic's model_dump_json(indent=2, by_alias=True, exclude_none=True)).
  receive:  list msg-*.json and msg-*.consumed sorted, take the first LIMIT; rename .json -> .consumed (skip on
            failure), open, flock(LOCK_EX|LOCK_NB) (skip when busy), read; ack = unlock, close, unlink.
  cost:     cost-<reportedAt ':'->'-' '+'->'p'>-<8 hex>.json via .tmp + replace, then under a blocking flock of
            summary.json.lock: load summary.json, replace this file's entry, write it back (mkstemp + replace).

  clawteam_inbox.py send    --data-dir D --team T --to INBOX[,INBOX...] --from F [--content C] [--count N | --seconds S]
                            [--field K=V]... [--barrier F]
  clawteam_inbox.py receive --data-dir D --team T --inbox I [--limit N] [--drain] [--until-file F] [--quiet]
                            [--pause-in-ack FILE] [--barrier F]
  clawteam_inbox.py peek    --data-dir D --team T --inbox I
  clawteam_inbox.py cost    --data-dir D --team T --agent A [--count N] [--cents X] [--input N] [--output N] [--barrier F]
  clawteam_inbox.py summary --data-dir D --team T

--drain: receive until the inbox lists nothing. --until-file F: keep receiving until F exists and the inbox is empty. --pause-in-ack FILE: after unlocking a message and before
unlinking it, write FILE.paused.<pid> (the file name) and wait until FILE exists (to show ClawTeam's ack gap).
Prints one JSON document.
"""
import argparse
import datetime
import fcntl
import json
import os
import sys
import tempfile
import time
import uuid

FIELDS = ["type", "from", "to", "content", "requestId", "timestamp", "key", "proposedName", "capabilities",
          "assignedName", "agentId", "teamName", "planFile", "summary", "plan", "feedback", "reason", "lastTask",
          "status"]


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def dumps(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False)


def wait_barrier(barrier):
    if not barrier:
        return
    open(f"{barrier}.ready.{os.getpid()}", "w").close()
    deadline = time.time() + 120
    while not os.path.exists(barrier):
        if time.time() > deadline:
            raise SystemExit("barrier never released")
        time.sleep(0.002)


def team_dir(args):
    return os.path.join(args.data_dir, "teams", args.team)


def deliver(inbox_dir, data):
    os.makedirs(inbox_dir, exist_ok=True)
    uid = uuid.uuid4().hex[:8]
    tmp = os.path.join(inbox_dir, f".tmp-{uid}.json")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, os.path.join(inbox_dir, f"msg-{int(time.time() * 1000)}-{uid}.json"))


def log_event(events_dir, data):
    os.makedirs(events_dir, exist_ok=True)
    base = os.path.join(events_dir, f"evt-{int(time.time() * 1000)}-{uuid.uuid4().hex[:8]}")
    with open(base + ".tmp", "wb") as f:
        f.write(data)
    os.rename(base + ".tmp", base + ".json")


def cmd_send(args):
    sent = []
    wait_barrier(args.barrier)
    deadline = time.time() + args.seconds if args.seconds else None
    i = -1
    while True:
        i += 1
        if deadline is None and i >= args.count:
            break
        if deadline is not None and time.time() >= deadline:
            break
        msg = {"type": args.type, "from": args.sender, "to": args.to,
               "content": args.content if args.count == 1 and not deadline else f"{args.content}{i}",
               "requestId": uuid.uuid4().hex[:12], "timestamp": now_iso()}
        for pair in args.field or []:
            k, v = pair.split("=", 1)
            msg[k] = v
        ordered = {k: msg[k] for k in FIELDS if msg.get(k) is not None}
        ordered.update({k: v for k, v in msg.items() if k not in ordered and v is not None})
        to = args.to.split(",")[i % len(args.to.split(","))]
        ordered["to"] = to
        data = dumps(ordered).encode("utf-8")
        deliver(os.path.join(team_dir(args), "inboxes", to), data)
        log_event(os.path.join(team_dir(args), "events"), data)
        sent.append(ordered)
    return {"count": len(sent), "messages": sent if len(sent) <= 10 else []}


def claimable(inbox):
    try:
        names = os.listdir(inbox)
    except FileNotFoundError:
        return []
    return sorted(n for n in names if n.startswith("msg-") and (n.endswith(".json") or n.endswith(".consumed")))


def receive_once(inbox, limit, pause_in_ack):
    got = []
    for name in claimable(inbox)[:limit]:
        path = os.path.join(inbox, name)
        consumed = path
        if name.endswith(".json"):
            consumed = path[: -len(".json")] + ".consumed"
            try:
                os.rename(path, consumed)
            except OSError:
                continue
        try:
            fh = open(consumed, "rb")
        except OSError:
            try:
                os.unlink(consumed)
            except OSError:
                pass
            continue
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            continue
        data = fh.read()
        # ClawTeam's ack: unlock, close, then unlink.
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        fh.close()
        if pause_in_ack:
            with open(f"{pause_in_ack}.paused.{os.getpid()}", "w") as f:
                f.write(os.path.basename(consumed))
            deadline = time.time() + 120
            while not os.path.exists(pause_in_ack) and time.time() < deadline:
                time.sleep(0.005)
        try:
            os.unlink(consumed)
        except FileNotFoundError:
            pass
        try:
            got.append(json.loads(data))
        except ValueError:
            pass
    return got


def cmd_receive(args):
    inbox = os.path.join(team_dir(args), "inboxes", args.inbox)
    wait_barrier(args.barrier)
    got = receive_once(inbox, args.limit, args.pause_in_ack)
    while args.drain and claimable(inbox):
        got.extend(receive_once(inbox, args.limit, args.pause_in_ack))
    while args.until_file:
        batch = receive_once(inbox, args.limit, args.pause_in_ack)
        got.extend(batch)
        if not batch:
            if os.path.exists(args.until_file) and not claimable(inbox):
                break
            time.sleep(0.001)
    return {"count": len(got), "messages": got if not args.quiet else []}


def is_locked(path):
    try:
        fh = open(path, "rb")
    except OSError:
        return True
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False
    finally:
        fh.close()


def cmd_peek(args):
    inbox = os.path.join(team_dir(args), "inboxes", args.inbox)
    out = []
    for name in claimable(inbox):
        path = os.path.join(inbox, name)
        if name.endswith(".consumed") and is_locked(path):
            continue
        try:
            with open(path, "rb") as f:
                out.append(json.loads(f.read()))
        except (OSError, ValueError):
            continue
    return {"count": len(out), "messages": out}


# ---- costs -------------------------------------------------------------------------------------------------

def costs_root(args):
    d = os.path.join(args.data_dir, "costs", args.team)
    os.makedirs(d, exist_ok=True)
    return d


def load_cache(path, team):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if data.get("teamName") != team:
        return None
    data.setdefault("files", {})
    data.setdefault("byAgent", {})
    return data


def empty_cache(team):
    return {"teamName": team, "totalCostCents": 0.0, "totalInputTokens": 0, "totalOutputTokens": 0,
            "byAgent": {}, "eventCount": 0, "files": {}}


def normalize(v):
    return 0.0 if abs(v) < 1e-12 else v


def remove_entry(cache, name):
    entry = cache["files"].pop(name, None)
    if entry is None:
        return
    cache["totalCostCents"] = normalize(cache["totalCostCents"] - entry["costCents"])
    cache["totalInputTokens"] -= entry["inputTokens"]
    cache["totalOutputTokens"] -= entry["outputTokens"]
    rest = normalize(cache["byAgent"].get(entry["agentName"], 0.0) - entry["costCents"])
    if rest == 0.0:
        cache["byAgent"].pop(entry["agentName"], None)
    else:
        cache["byAgent"][entry["agentName"]] = rest
    cache["eventCount"] = len(cache["files"])


def add_entry(cache, name, entry):
    cache["totalCostCents"] = float(cache["totalCostCents"]) + entry["costCents"]
    cache["totalInputTokens"] += entry["inputTokens"]
    cache["totalOutputTokens"] += entry["outputTokens"]
    cache["byAgent"][entry["agentName"]] = float(cache["byAgent"].get(entry["agentName"], 0.0)) + entry["costCents"]
    cache["files"][name] = entry
    cache["eventCount"] = len(cache["files"])


def atomic_write_text(path, content):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(content)
    os.replace(tmp, path)


def report(args, root, cents):
    event = {"id": uuid.uuid4().hex[:8], "agentName": args.agent, "provider": "test", "model": "m",
             "inputTokens": args.input, "outputTokens": args.output, "costCents": float(cents),
             "reportedAt": now_iso()}
    ts = event["reportedAt"].replace(":", "-").replace("+", "p")
    name = f"cost-{ts}-{event['id']}.json"
    path = os.path.join(root, name)
    with open(path[: -len(".json")] + ".tmp", "w", encoding="utf-8") as f:
        f.write(dumps(event))
    os.replace(path[: -len(".json")] + ".tmp", path)
    summary = os.path.join(root, "summary.json")
    with open(summary + ".lock", "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            cache = load_cache(summary, args.team) or empty_cache(args.team)
            st = os.stat(path)
            remove_entry(cache, name)
            add_entry(cache, name, {"agentName": args.agent, "inputTokens": args.input, "outputTokens": args.output,
                                    "costCents": float(cents), "size": st.st_size, "mtimeNs": st.st_mtime_ns})
            atomic_write_text(summary, dumps(cache))
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return event


def cmd_cost(args):
    root = costs_root(args)
    wait_barrier(args.barrier)
    events = [report(args, root, args.cents) for _ in range(args.count)]
    return {"count": len(events), "events": events if args.count <= 10 else []}


def cmd_summary(args):
    root = costs_root(args)
    return load_cache(os.path.join(root, "summary.json"), args.team)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["send", "receive", "peek", "cost", "summary"])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--team", required=True)
    ap.add_argument("--to")
    ap.add_argument("--from", dest="sender")
    ap.add_argument("--type", default="message")
    ap.add_argument("--content", default="")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--field", action="append")
    ap.add_argument("--inbox")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--drain", action="store_true")
    ap.add_argument("--pause-in-ack")
    ap.add_argument("--barrier")
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--until-file")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--agent")
    ap.add_argument("--cents", type=float, default=1.0)
    ap.add_argument("--input", type=int, default=10)
    ap.add_argument("--output", type=int, default=5)
    args = ap.parse_args()
    result = {"send": cmd_send, "receive": cmd_receive, "peek": cmd_peek, "cost": cmd_cost,
              "summary": cmd_summary}[args.mode](args)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
