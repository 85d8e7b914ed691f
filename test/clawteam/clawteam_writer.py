#!/usr/bin/env python3
"""A writer that behaves like ClawTeam 0.3's FileTaskStore, for Lockstep's cross-language race tests.

Standard library only. Like ClawTeam it serializes on fcntl.flock(LOCK_EX) of tasks/<team>/.tasks.lock (opened in
append mode, never deleted), re-reads the task inside the lock, keeps only ClawTeam's known fields (unknown
top-level fields are dropped, metadata is merged one level deep), and saves with tempfile.mkstemp in the same
folder + os.replace, without fsync.

  clawteam_writer.py merge-meta --data-dir D --team T --task ID --prefix P --count N [--no-lock] [--barrier F]
  clawteam_writer.py claim      --data-dir D --team T --task ID --as AGENT [--barrier F]
  clawteam_writer.py complete   --data-dir D --team T --task ID
  clawteam_writer.py delete     --data-dir D --team T --task ID
  clawteam_writer.py reset      --data-dir D --team T --task ID   (ClawTeam's exit hook: a dead agent's task -> pending)
  clawteam_writer.py bench-update --data-dir D --team T --task ID --duration-ms MS [--grow] [--fsync] [--barrier F]
  clawteam_writer.py bench-claim  --data-dir D --team T --task ID[,ID...] --duration-ms MS [--fsync] [--barrier F]

bench-*: the same locked read-modify-write loops as Lockstep's bench workers (one key per process merged into one
task, or with --grow a new key per update, so the task grows as in ClawTeam's own race test; or claim + release of
a random task), for DURATION ms after the barrier; prints {"ops", "refused", "latencies"} (ms per locked operation
as the caller sees it).

--fsync: Lockstep's durability (ClawTeam does not fsync): the temp file is fsynced before os.replace and the folder
after it, so a reported update survives a crash.

--barrier F: write F.ready.<pid>, then wait until F exists, so racers start together.
Prints one JSON line; exit 0 on success, 3 when the task is claimed by somebody else.
"""
import argparse
import datetime
import fcntl
import json
import os
import sys
import tempfile
import time

FIELDS = ["id", "subject", "description", "status", "priority", "owner", "lockedBy", "lockedAt",
          "blocks", "blockedBy", "startedAt", "createdAt", "updatedAt", "metadata"]


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()  # 2026-11-24T01:26:29.055421+00:00


class TeamLock:
    def __init__(self, tasks_dir, enabled=True):
        self.path = os.path.join(tasks_dir, ".tasks.lock")
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            self.f = open(self.path, "a")
            fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.enabled:
            fcntl.flock(self.f, fcntl.LOCK_UN)
            self.f.close()


def load(path):
    with open(path) as f:
        data = json.load(f)
    task = {k: data.get(k) for k in FIELDS}
    task["metadata"] = task["metadata"] or {}
    return task


FSYNC = False  # --fsync: the reference at Lockstep's durability (file fsynced before the rename, folder after)


def save(tasks_dir, task_id, task):
    fd, tmp = tempfile.mkstemp(dir=tasks_dir, prefix=f"task-{task_id}-", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(task, f, indent=2)
        if FSYNC:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, os.path.join(tasks_dir, f"task-{task_id}.json"))
    if FSYNC:
        dfd = os.open(tasks_dir, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def wait_barrier(barrier):
    if not barrier:
        return
    open(f"{barrier}.ready.{os.getpid()}", "w").close()
    deadline = time.time() + 120
    while not os.path.exists(barrier):
        if time.time() > deadline:
            raise SystemExit("barrier never released")
        time.sleep(0.002)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["merge-meta", "claim", "complete", "delete", "reset", "bench-update", "bench-claim"])
    ap.add_argument("--duration-ms", type=int, default=2000)
    ap.add_argument("--stop-file", help="bench-*: also stop as soon as this file exists")
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--team", required=True)
    ap.add_argument("--task", required=True)
    ap.add_argument("--prefix", default="py-")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--as", dest="agent", default="agent")
    ap.add_argument("--no-lock", action="store_true")
    ap.add_argument("--barrier")
    ap.add_argument("--fsync", action="store_true", help="fsync the temp file before the rename and the folder after")
    ap.add_argument("--grow", action="store_true", help="bench-update: a new metadata key per update (ClawTeam's race test)")
    args = ap.parse_args()
    global FSYNC
    FSYNC = args.fsync

    tasks_dir = os.path.join(args.data_dir, "tasks", args.team)
    path = os.path.join(tasks_dir, f"task-{args.task}.json")
    wait_barrier(args.barrier)

    if args.mode.startswith("bench-"):
        return bench(args, tasks_dir)

    if args.mode == "complete":
        # Like ClawTeam's `task update --status completed`: clears the claim, keeps the owner.
        with TeamLock(tasks_dir):
            task = load(path)
            task["status"] = "completed"
            task["lockedBy"] = ""
            task["lockedAt"] = ""
            task["updatedAt"] = now()
            save(tasks_dir, args.task, task)
        print(json.dumps({"ok": True}))
        return 0

    if args.mode == "reset":
        with TeamLock(tasks_dir):
            task = load(path)
            task.update(status="pending", lockedBy="", lockedAt="", updatedAt=now())
            save(tasks_dir, args.task, task)
        print(json.dumps({"ok": True}))
        return 0

    if args.mode == "delete":
        with TeamLock(tasks_dir):
            os.remove(path)
        print(json.dumps({"ok": True}))
        return 0

    if args.mode == "merge-meta":
        for i in range(args.count):
            with TeamLock(tasks_dir, enabled=not args.no_lock):
                task = load(path)
                task["metadata"][f"{args.prefix}{i}"] = i
                task["updatedAt"] = now()
                save(tasks_dir, args.task, task)
        print(json.dumps({"ok": True}))
        return 0

    with TeamLock(tasks_dir):
        task = load(path)
        holder = task.get("lockedBy") or ""
        if holder and holder != args.agent:
            print(json.dumps({"ok": False, "code": "TASK_LOCKED", "holder": holder}))
            return 3
        stamp = now()
        task["status"] = "in_progress"
        task["lockedBy"] = args.agent
        task["lockedAt"] = stamp
        if not task.get("startedAt"):
            task["startedAt"] = stamp
        if not task.get("owner"):
            task["owner"] = args.agent
        task["updatedAt"] = stamp
        save(tasks_dir, args.task, task)
    print(json.dumps({"ok": True}))
    return 0


def bench(args, tasks_dir):
    ids = args.task.split(",")
    me = f"py-{os.getpid()}"
    ops = refused = 0
    latencies = []
    end = time.time() + args.duration_ms / 1000
    i = 0
    while time.time() < end and not (args.stop_file and os.path.exists(args.stop_file)):
        t0 = time.perf_counter()
        if args.mode == "bench-update":
            with TeamLock(tasks_dir):
                path = os.path.join(tasks_dir, f"task-{ids[0]}.json")
                task = load(path)
                task["metadata"][f"{me}-{i}" if args.grow else me] = i
                task["updatedAt"] = now()
                save(tasks_dir, ids[0], task)
            i += 1
        else:
            tid = ids[int.from_bytes(os.urandom(2), "little") % len(ids)]
            path = os.path.join(tasks_dir, f"task-{tid}.json")
            with TeamLock(tasks_dir):
                task = load(path)
                holder = task.get("lockedBy") or ""
                got = not holder or holder == me
                if got:
                    stamp = now()
                    task.update(status="in_progress", lockedBy=me, lockedAt=stamp, updatedAt=stamp)
                    if not task.get("startedAt"):
                        task["startedAt"] = stamp
                    save(tasks_dir, tid, task)
            if got:
                with TeamLock(tasks_dir):
                    task = load(path)
                    if task.get("lockedBy") == me:
                        task.update(status="pending", lockedBy="", lockedAt="", updatedAt=now())
                        save(tasks_dir, tid, task)
                ops += 1  # the release is a second locked read-modify-write
            else:
                refused += 1
        latencies.append((time.perf_counter() - t0) * 1000)
        ops += 1
    print(json.dumps({"ops": ops, "refused": refused, "latencies": latencies}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
