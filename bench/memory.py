"""Benchmark: resident memory of `forumbot serve`, idle on an empty database and with 10,000 forums.

Starts the real command (local mode, SQLite file in a temporary directory) as a child process, waits for
/healthz, lets the scheduler tick (which reads every forum and meeting), and reads VmRSS from /proc. Then fills
the database with 10,000 forums (each with 6 agenda sections and 8 organisations), starts it again and measures
after two ticks. Targets (issue "ready for an IT department"): idle ≤ 120 MB, 10,000 forums ≤ 250 MB.

Run: `.venv/bin/python bench/memory.py` (Linux only: it reads /proc). A bench reports; it exits 0.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORUMS = 10_000
TARGETS = {"idle": 120.0, f"{FORUMS:,} forums": 250.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def serve_and_measure(db: Path, settle_seconds: float) -> float:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORUMBOT_", "Microsoft"))}
    env.update({"FORUMBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}", "FORUMBOT_PORT": str(port),
                "FORUMBOT_TICK_SECONDS": "2", "FORUMBOT_LOG_LEVEL": "WARNING"})
    process = subprocess.Popen([str(ROOT / ".venv/bin/forumbot"), "serve"], env=env, cwd=db.parent,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(settle_seconds)  # ticks run meanwhile
        return rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)


def fill(db: Path) -> None:
    now = datetime(2026, 11, 23, 7, 0, tzinfo=UTC).isoformat()
    schedule = ('{"frequency": "weekly", "weekday": 3, "time": "09:00", "timezone": "Europe/Stockholm", '
                '"interval_weeks": 1, "monthly_ordinal": 1, "start_date": null, '
                '"opens": {"days_before": 3, "at": "08:00"}, "reminder": {"days_before": 1, "at": "12:00"}, '
                '"deadline": {"days_before": 1, "at": "16:00"}, "skip_public_holidays": true, "breaks": []}')
    with sqlite3.connect(db) as c:
        for n in range(FORUMS):
            fid = uuid.uuid4().hex
            c.execute("INSERT INTO forums (id, name, tenant_id, conversation_id, chair_id, schedule, revision, "
                      "created_at, updated_at) VALUES (?, ?, 't', ?, ?, ?, 0, ?, ?)",
                      (fid, f"Forum {n}", f"19:forum-{n}@thread.tacv2", f"29:chair-{n}", schedule, now, now))
            c.executemany("INSERT INTO agenda_sections (id, forum_id, title, position) VALUES (?, ?, ?, ?)",
                          [(uuid.uuid4().hex, fid, f"Punkt {i}", i) for i in range(1, 7)])
            c.executemany("INSERT INTO organisations (id, forum_id, name, position) VALUES (?, ?, ?, ?)",
                          [(uuid.uuid4().hex, fid, f"Organisation {i}", i) for i in range(1, 9)])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "forumbot.db"
        subprocess.run([str(ROOT / ".venv/bin/forumbot"), "migrate"], check=True, cwd=tmp, capture_output=True,
                       env={**os.environ, "FORUMBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}"})
        results = {"idle": serve_and_measure(db, 5)}
        fill(db)
        results[f"{FORUMS:,} forums"] = serve_and_measure(db, 20)
    print("resident memory of `forumbot serve` (VmRSS)")
    for name, mb in results.items():
        verdict = "PASS" if mb <= TARGETS[name] else "FAIL"
        print(f"{name:16s} {mb:7.1f} MB   target ≤ {TARGETS[name]:.0f} MB  {verdict}")


if __name__ == "__main__":
    if not sys.platform.startswith("linux"):
        raise SystemExit("bench/memory.py reads /proc: Linux only")
    main()
