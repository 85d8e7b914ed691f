#!/usr/bin/env python3
"""ClawTeam 0.3's spawn registry and liveness, for Lockstep's interoperability tests (standard library only).

Written from clawteam/spawn/registry.py and subprocess_backend.py: the registry is teams/<team>/spawn_registry.json,
`{agent: {backend, tmux_target, block_id, pid, command, spawned_at}}`, rewritten whole under fcntl.flock of the
sidecar spawn_registry.json.lock (opened "a+") and saved with tempfile.mkstemp + replace. is_agent_alive: subprocess
→ os.kill(pid, 0) (PermissionError counts as alive), tmux → the pane, falling back to the pid; no entry → None.

  clawteam_spawn.py registry      --data-dir D --team T
  clawteam_spawn.py alive         --data-dir D --team T --agent A      -> {"alive": true|false|null}
  clawteam_spawn.py dead          --data-dir D --team T                -> {"dead": [...]}   (list_dead_agents)
  clawteam_spawn.py spawn         --data-dir D --team T --agent A -- CMD ARGS...   (SubprocessBackend.spawn)
  clawteam_spawn.py register-many --data-dir D --team T --prefix P --count N
  clawteam_spawn.py hold          --data-dir D --team T --agent A --seconds S
      takes the registry's flock, reads the registry, prints "locked", sleeps S, adds A, saves, releases: a writer
      that does not take the same lock loses its entry (or this one).
"""
import argparse
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def registry_path(data_dir, team):
    return Path(data_dir) / "teams" / team / "spawn_registry.json"


def _load(path):
    if path.exists():
        try:
            return json.loads(path.read_text())
        except (json.JSONDecodeError, OSError):
            return {}
    return {}


def _save(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=2)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def register_agent(data_dir, team, agent, backend, pid=0, command=None, tmux_target=""):
    path = registry_path(data_dir, team)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            registry = _load(path)
            registry[agent] = {
                "backend": backend,
                "tmux_target": tmux_target,
                "block_id": "",
                "pid": pid,
                "command": command or [],
                "spawned_at": time.time(),
            }
            _save(path, registry)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def get_registry(data_dir, team):
    return _load(registry_path(data_dir, team))


def _pid_alive(pid):
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def is_agent_alive(data_dir, team, agent):
    info = get_registry(data_dir, team).get(agent)
    if not info:
        return None
    backend = info.get("backend", "")
    if backend == "tmux":
        # No tmux here: ClawTeam falls back to the pid when the pane check fails.
        pid = info.get("pid", 0)
        return _pid_alive(pid) if pid else False
    if backend in ("subprocess", "acpx"):
        return _pid_alive(info.get("pid", 0))
    return None


def main():
    argv = sys.argv[1:]
    rest = []
    if "--" in argv:
        at = argv.index("--")
        argv, rest = argv[:at], argv[at + 1:]
    p = argparse.ArgumentParser()
    p.add_argument("cmd")
    p.add_argument("--data-dir", required=True)
    p.add_argument("--team", required=True)
    p.add_argument("--agent")
    p.add_argument("--prefix", default="peer")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--seconds", type=float, default=1.0)
    a = p.parse_args(argv)
    if a.cmd == "registry":
        print(json.dumps(get_registry(a.data_dir, a.team)))
    elif a.cmd == "alive":
        print(json.dumps({"alive": is_agent_alive(a.data_dir, a.team, a.agent)}))
    elif a.cmd == "dead":
        names = [n for n in get_registry(a.data_dir, a.team) if is_agent_alive(a.data_dir, a.team, n) is False]
        print(json.dumps({"dead": names}))
    elif a.cmd == "spawn":
        env = os.environ.copy()
        env.update({"CLAWTEAM_AGENT_ID": "0123456789ab", "CLAWTEAM_AGENT_NAME": a.agent, "CLAWTEAM_AGENT_TYPE": "general-purpose",
                    "CLAWTEAM_TEAM_NAME": a.team, "CLAWTEAM_AGENT_LEADER": "0", "CLAWTEAM_DATA_DIR": a.data_dir})
        proc = subprocess.Popen(rest, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        register_agent(a.data_dir, a.team, a.agent, "subprocess", pid=proc.pid, command=rest)
        print(json.dumps({"pid": proc.pid}))
    elif a.cmd == "register-many":
        for i in range(a.count):
            register_agent(a.data_dir, a.team, f"{a.prefix}{i}", "subprocess", pid=0, command=["true"])
        print(json.dumps({"registered": a.count}))
    elif a.cmd == "hold":
        path = registry_path(a.data_dir, a.team)
        with open(str(path) + ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            registry = _load(path)
            print("locked", flush=True)
            time.sleep(a.seconds)
            registry[a.agent] = {"backend": "subprocess", "tmux_target": "", "block_id": "", "pid": 0, "command": ["true"],
                                 "spawned_at": time.time()}
            _save(path, registry)
            fcntl.flock(lock, fcntl.LOCK_UN)
        print(json.dumps({"saved": a.agent}), flush=True)
    else:
        p.error(f"unknown command {a.cmd}")


if __name__ == "__main__":
    main()
