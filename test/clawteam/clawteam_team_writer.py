#!/usr/bin/env python3
"""Rewrites a team's config.json the way ClawTeam 0.3 does (`clawteam cost budget`, `team add-member`, ...).

Standard library only. Like ClawTeam's TeamManager it loads config.json into its own model, which knows only
ClawTeam's fields, and writes the whole file back (tempfile.mkstemp in the same folder + os.replace): any field it
does not know, on the team or on a member, is dropped.

  clawteam_team_writer.py budget --data-dir D --team T --cents N
Prints one JSON line; exit 0 on success.
"""
import argparse
import json
import os
import sys
import tempfile

TEAM_FIELDS = ["name", "description", "leadAgentId", "createdAt", "members", "budgetCents"]
MEMBER_FIELDS = ["name", "user", "agentId", "agentType", "joinedAt"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["budget"])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--team", required=True)
    ap.add_argument("--cents", type=float, required=True)
    args = ap.parse_args()

    team_dir = os.path.join(args.data_dir, "teams", args.team)
    path = os.path.join(team_dir, "config.json")
    with open(path) as f:
        data = json.load(f)
    model = {k: data.get(k) for k in TEAM_FIELDS}
    model["members"] = [{k: m.get(k) for k in MEMBER_FIELDS} for m in data.get("members", [])]
    model["budgetCents"] = args.cents
    fd, tmp = tempfile.mkstemp(dir=team_dir, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(model, f, indent=2)
    os.replace(tmp, path)
    print(json.dumps({"ok": True}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
