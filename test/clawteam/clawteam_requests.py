#!/usr/bin/env python3
"""A ClawTeam 0.3 agent's plans and shutdowns, standard library only, for Lockstep's cross-language tests.

Written from ClawTeam's own code (clawteam/team/plan.py, team/lifecycle.py, team/mailbox.py): messages go through
clawteam_inbox.py's send and receive (ClawTeam's file protocol), the plan to plans/<team>/<agent>-<plan_id>.md.

  submit-plan      --data-dir D --team T --agent A --leader L --content C [--summary S] [--wait SECONDS]
  request-shutdown --data-dir D --team T --from F --to A [--reason R] [--wait SECONDS]
  approve-plan     --data-dir D --team T --from LEADER --agent A --request-id ID [--feedback F] [--reject]
  answer-shutdown  --data-dir D --team T --from AGENT --to REQUESTER --request-id ID [--reason R] [--reject]
  wait             --data-dir D --team T --inbox I --type TYPE [--request-id ID] [--wait SECONDS]
  read-plan        --path FILE

--wait: then receive from our own inbox (ClawTeam's receive) until the answer with this request id arrives, and print
it as "answer" (a timeout prints "answer": null). Every mode prints one JSON document.
"""
import argparse
import json
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clawteam_inbox as ci  # noqa: E402


def inbox_of(args, name):
    """ClawTeam's resolve_inbox: <user>_<name> for a member with a user, else the name itself."""
    try:
        with open(os.path.join(args.data_dir, "teams", args.team, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
    except OSError:
        return name
    for m in config.get("members", []):
        if m.get("name") == name:
            return f"{m['user']}_{name}" if m.get("user") else name
    return name


def send(args, **fields):
    """ClawTeam's MailboxManager.send: TeamMessage(...).model_dump_json(by_alias, exclude_none), inbox + event."""
    msg = {"type": fields.pop("type"), "from": fields.pop("sender"), "to": fields.pop("to"),
           "content": fields.pop("content", None), "requestId": fields.pop("requestId", None) or uuid.uuid4().hex[:12],
           "timestamp": ci.now_iso()}
    msg.update(fields)
    ordered = {k: msg[k] for k in ci.FIELDS if msg.get(k) is not None}
    data = ci.dumps(ordered).encode("utf-8")
    team_dir = os.path.join(args.data_dir, "teams", args.team)
    ci.deliver(os.path.join(team_dir, "inboxes", inbox_of(args, ordered["to"])), data)
    ci.log_event(os.path.join(team_dir, "events"), data)
    return ordered


def wait_for(args, inbox, types, request_id, seconds):
    """Receives (ClawTeam's protocol) until a message of one of `types` with this request id; others are kept aside."""
    path = os.path.join(args.data_dir, "teams", args.team, "inboxes", inbox)
    deadline = time.time() + seconds
    others = []
    while time.time() < deadline:
        for m in ci.receive_once(path, 10, None):
            if m.get("type") in types and (request_id is None or m.get("requestId") == request_id):
                return m, others
            others.append(m)
        time.sleep(0.01)
    return None, others


def cmd_submit_plan(args):
    plan_id = uuid.uuid4().hex[:12]
    plans = os.path.join(args.data_dir, "plans", args.team)
    os.makedirs(plans, exist_ok=True)
    plan_path = os.path.join(plans, f"{args.agent}-{plan_id}.md")
    with open(plan_path, "w", encoding="utf-8") as f:
        f.write(args.content)
    sent = send(args, type="plan_approval_request", sender=args.agent, to=args.leader, requestId=plan_id,
                planFile=plan_path, summary=args.summary or args.content[:200], plan=args.content)
    out = {"planId": plan_id, "sent": sent}
    if args.wait:
        print(json.dumps({"ready": plan_id}), flush=True)
        out["answer"], out["others"] = wait_for(args, inbox_of(args, args.agent), ("plan_approved", "plan_rejected"),
                                                plan_id, args.wait)
    return out


def cmd_request_shutdown(args):
    sent = send(args, type="shutdown_request", sender=args.sender, to=args.to,
                content=f"Shutdown requested.{(' Reason: ' + args.reason) if args.reason else ''}",
                reason=args.reason or None)
    out = {"requestId": sent["requestId"], "sent": sent}
    if args.wait:
        print(json.dumps({"ready": sent["requestId"]}), flush=True)
        out["answer"], out["others"] = wait_for(args, inbox_of(args, args.sender),
                                                ("shutdown_approved", "shutdown_rejected"), sent["requestId"], args.wait)
    return out


def cmd_approve_plan(args):
    kind = "plan_rejected" if args.reject else "plan_approved"
    return {"sent": send(args, type=kind, sender=args.sender, to=args.agent, requestId=args.request_id,
                         feedback=args.feedback or None)}


def cmd_answer_shutdown(args):
    if args.reject:
        return {"sent": send(args, type="shutdown_rejected", sender=args.sender, to=args.to, requestId=args.request_id,
                             content=f"Shutdown rejected.{(' Reason: ' + args.reason) if args.reason else ''}",
                             reason=args.reason or None)}
    return {"sent": send(args, type="shutdown_approved", sender=args.sender, to=args.to, requestId=args.request_id,
                         content=f"{args.sender} shutting down.")}


def cmd_wait(args):
    got, others = wait_for(args, args.inbox, (args.type,), args.request_id, args.wait or 60)
    return {"message": got, "others": others}


def cmd_read_plan(args):
    with open(args.path, encoding="utf-8") as f:
        return {"content": f.read()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["submit-plan", "request-shutdown", "approve-plan", "answer-shutdown", "wait",
                                     "read-plan"])
    ap.add_argument("--data-dir")
    ap.add_argument("--team")
    ap.add_argument("--agent")
    ap.add_argument("--leader")
    ap.add_argument("--content", default="")
    ap.add_argument("--summary", default="")
    ap.add_argument("--from", dest="sender")
    ap.add_argument("--to")
    ap.add_argument("--reason", default="")
    ap.add_argument("--feedback", default="")
    ap.add_argument("--request-id")
    ap.add_argument("--reject", action="store_true")
    ap.add_argument("--inbox")
    ap.add_argument("--type")
    ap.add_argument("--path")
    ap.add_argument("--wait", type=float, default=0)
    args = ap.parse_args()
    result = {"submit-plan": cmd_submit_plan, "request-shutdown": cmd_request_shutdown, "approve-plan": cmd_approve_plan,
              "answer-shutdown": cmd_answer_shutdown, "wait": cmd_wait, "read-plan": cmd_read_plan}[args.mode](args)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
