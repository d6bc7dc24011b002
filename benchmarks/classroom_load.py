"""Load test of the classroom server: a class of simulated students on loopback.

    python benchmarks/classroom_load.py [--students 300] [--questions 20] [--window 2] [--db URL] [--json FILE]
    python benchmarks/classroom_load.py --workers 1,2,4 [--students 300] [--questions 5]

What it does:

1. starts ``cramp-lessons classroom serve`` in a subprocess on a free 127.0.0.1 port, over a
   throwaway SQLite file (or ``--db`` URL), with a generated 20-question bank;
2. joins every student, who then polls the session state every ``--poll`` seconds as the
   real client does; question by question, the teacher poses it and each student
   answers once at a random moment within ``--window`` seconds, re-sending with the same uid
   on a network error as the real client does; the teacher closes it;
3. checks the server holds every answer exactly once (``answers lost`` must be 0);
4. seeds a second session with 100,000 answers and times the dashboard's aggregation
   (the class report and one question's distribution, over HTTP).

With ``--workers 1,2,4`` it runs steps 1-3 once per worker count (``serve --workers N``), on
PostgreSQL: ``--db`` or, by default, a throwaway cluster made with initdb/pg_ctl (a fresh database
for each count), and prints answers lost, submit p50/p99 and the p99 against one worker in the same
run. The simulated class runs in this one Python process: past a few hundred answers a second it,
not the server, may set the pace.

Bounded: at most 2,000 students and 50 questions, and the run aborts after ``--timeout`` s.
Prints a table; targets are reported, never asserted (timing depends on the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cramp_lessons.course.model import CONTENT_DIR  # noqa: E402
from tests.classroom.pg import PostgresUnavailable, ThrowawayPostgres  # noqa: E402

TARGET_P99_MS = 100.0
DEFAULT_CAP = 200  # students a session admits unless the teacher sets more
TARGET_AGG_MS = 200.0


# --------------------------------------------------------------------------- content
def write_content(root: Path, questions: int) -> list[str]:
    """A minimal course with one bank of single-choice questions (independent of the real content)."""
    (root / "quizzes").mkdir(parents=True)
    (root / "lessons.yaml").write_text(
        "lessons:\n  - {id: load, number: '01', title: Load, notebook: 01_load.ipynb, status: available,"
        " minutes: 10, summary: Benchmark lesson., objectives: [Answer fast]}\n"
    )
    (root / "disclaimer.md").write_text("# Disclaimer\nA benchmark.\n")
    # What every content folder must define: the urgency scale, the verdicts, the evidence words, and
    # the references they cite.
    for name in ("urgency.yaml", "verdicts.yaml", "evidence.yaml", "references.yaml"):
        shutil.copy(CONTENT_DIR / name, root / name)
    lines = ["bank: bench", "title: Bench", "lesson: load", "questions:"]
    for k in range(1, questions + 1):
        lines += [
            f"  - id: bench.q{k}",
            "    type: single",
            f"    prompt: Question {k}?",
            "    options:",
            "      - {id: a, text: Right, correct: true, feedback: Yes.}",
            "      - {id: b, text: Wrong, feedback: No.}",
            "      - {id: c, text: Also wrong, feedback: No.}",
            "    explanation: Because.",
            "    evidence: strong",
        ]
    (root / "quizzes" / "bench.yaml").write_text("\n".join(lines) + "\n")
    return [f"bench.q{k}" for k in range(1, questions + 1)]


# --------------------------------------------------------------------------- PostgreSQL
# --------------------------------------------------------------------------- server
def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    db_url: str, content: Path, workdir: Path, workers: int = 1
) -> tuple[subprocess.Popen, str, dict[str, str]]:
    port = free_port()
    log = workdir / f"server-{port}.log"
    env = {**os.environ, "CRAMP_LESSONS_HOME": str(workdir / "home"), "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cramp_lessons.cli.main",
                "classroom",
                "serve",
                "--port",
                str(port),
                "--db",
                db_url,
                "--content",
                str(content),
                "--workers",
                str(workers),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the server did not start:\n{log.read_text()}")
        time.sleep(0.1)
    text = log.read_text()
    banner = {
        k: text.split(f"{label}:")[1].split()[0]
        for k, label in (("sid", "Session"), ("code", "Join code"), ("key", "Teacher key"))
    }
    return proc, url, banner


# --------------------------------------------------------------------------- the class
async def run_class(
    url: str,
    banner: dict[str, str],
    qids: list[str],
    students: int,
    window: float,
    seed: int,
    poll: float = 0.0,
) -> dict[str, object]:
    import ssl

    rng = random.Random(seed)
    teacher = {"X-Teacher-Key": banner["key"]}
    sid = banner["sid"]
    latencies: list[float] = []
    sent_uids: set[str] = set()
    unacknowledged = 0
    # One connection per student, as each student's kernel has its own; one shared pool of 300
    # would measure httpcore's pool bookkeeping (O(connections) per request), not the server.
    tls = ssl.create_default_context()  # unused on http://, but building one per client is slow
    clients = [
        httpx.AsyncClient(base_url=url, timeout=10, verify=tls, limits=httpx.Limits(max_connections=2))
        for _ in range(students)
    ]
    polls: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=30, verify=tls) as http:
        if students > DEFAULT_CAP:  # sessions admit 200 students unless the teacher allows more
            r = await http.put(
                f"/api/sessions/{sid}/settings", json={"max_students": students}, headers=teacher
            )
            if r.status_code not in (404, 405):  # a server from before the cap has none to raise
                r.raise_for_status()
        sem = asyncio.Semaphore(50)

        async def join(k: int) -> str:
            async with sem:
                r = await clients[k].post(
                    "/api/join", json={"code": banner["code"], "name": f"Student {k:04d}"}
                )
                r.raise_for_status()
                return r.json()["token"]

        tokens = await asyncio.gather(*(join(k) for k in range(students)))

        async def answer(k: int, qid: str, delay: float) -> None:
            nonlocal unacknowledged
            await asyncio.sleep(delay)
            uid = uuid.uuid4().hex
            sent_uids.add(uid)
            body = {"uid": uid, "question_id": qid, "answer": rng.choice(["a", "a", "b", "c"])}
            for _attempt in range(5):  # the real client re-sends with the same uid
                t0 = time.perf_counter()
                try:
                    r = await clients[k].post(
                        f"/api/sessions/{sid}/answers", json=body, headers={"X-Student-Token": tokens[k]}
                    )
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
                    continue
                latencies.append(time.perf_counter() - t0)
                if r.status_code == 200:
                    return
                if r.status_code < 500:
                    break
            unacknowledged += 1

        async def follow(k: int) -> None:
            """Poll the session state as the student's background thread does."""
            await asyncio.sleep(rng.uniform(0, poll))
            while True:
                t0 = time.perf_counter()
                try:
                    await clients[k].get(f"/api/sessions/{sid}/state", headers={"X-Student-Token": tokens[k]})
                    polls.append(time.perf_counter() - t0)
                except httpx.TransportError:
                    pass
                await asyncio.sleep(poll)

        pollers = [asyncio.create_task(follow(k)) for k in range(students)] if poll > 0 else []
        start = time.perf_counter()
        try:
            for qid in qids:
                (
                    await http.post(f"/api/sessions/{sid}/pose", json={"question_id": qid}, headers=teacher)
                ).raise_for_status()
                await asyncio.gather(*(answer(k, qid, rng.uniform(0, window)) for k in range(students)))
                (await http.post(f"/api/sessions/{sid}/close", headers=teacher)).raise_for_status()
            elapsed = time.perf_counter() - start
        finally:
            for t in pollers:
                t.cancel()
            await asyncio.gather(*pollers, return_exceptions=True)
            await asyncio.gather(*(c.aclose() for c in clients))
        stored = (await http.get(f"/api/sessions/{sid}/answers", headers=teacher)).json()
    stored_uids = [a["uid"] for a in stored]
    expected = students * len(qids)
    lost = len(sent_uids - set(stored_uids))
    return {
        "students": students,
        "questions": len(qids),
        "answers_sent": len(sent_uids),
        "answers_expected": expected,
        "answers_stored": len(stored_uids),
        "answers_lost": lost,
        "answers_unacknowledged": unacknowledged,
        "duplicates": len(stored_uids) - len(set(stored_uids)),
        "submit_p50_ms": percentile(latencies, 50) * 1000,
        "submit_p99_ms": percentile(latencies, 99) * 1000,
        "submit_max_ms": max(latencies) * 1000,
        "throughput_per_s": len(latencies) / elapsed,
        "class_seconds": elapsed,
        "state_polls": len(polls),
        "state_p99_ms": percentile(polls, 99) * 1000 if polls else None,
    }


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


# --------------------------------------------------------------------------- aggregation
def seed_answers(db_url: str, qids: list[str], n_answers: int) -> tuple[str, str]:
    """A second session with ``n_answers`` stored answers, written straight into the database."""
    from sqlalchemy import insert, select

    from cramp_lessons.classroom.server.store import (
        Answer,
        Pick,
        Poll,
        Receipt,
        Store,
        Student,
        digest,
        look_alike_key,
    )

    store = Store(db_url)
    new = store.create_session()
    n_students = -(-n_answers // len(qids))
    now = time.time()
    rng = random.Random(7)
    with store.engine.begin() as con:
        con.execute(
            insert(Student),
            [
                {
                    "session_id": new.id,
                    "name": f"Seed {k:05d}",
                    "name_key": look_alike_key(f"Seed {k:05d}"),
                    "token_hash": digest(str(k)),
                    "joined_at": now,
                }
                for k in range(n_students)
            ],
        )
        ids = list(con.execute(select(Student.id).where(Student.session_id == new.id)).scalars())
        con.execute(
            insert(Poll),
            [
                {"session_id": new.id, "question_id": q, "open": False, "revealed": True, "posed_at": now}
                for q in qids
            ],
        )
        rows = [
            {
                "session_id": new.id,
                "question_id": q,
                "student_id": s,
                "uid": uuid.uuid4().hex,
                "answer": json.dumps(c),
                "score": float(c == "a"),
                "correct": c == "a",
                "submitted_at": now,
            }
            for s in ids
            for q in qids
            for c in [rng.choice("aabc")]
        ][:n_answers]
        con.execute(insert(Answer), rows)
        con.execute(
            insert(Receipt),
            [
                {"uid": r["uid"], "session_id": new.id, "student_id": r["student_id"], "received_at": now}
                for r in rows
            ],
        )
        got = con.execute(
            select(Answer.id, Answer.question_id, Answer.answer).where(Answer.session_id == new.id)
        )
        con.execute(
            insert(Pick),
            [
                {
                    "answer_id": i,
                    "key": json.loads(a),
                    "session_id": new.id,
                    "question_id": q,
                    "wrong": json.loads(a) != "a",
                }
                for i, q, a in got
            ],
        )
    store.close()
    return new.id, new.teacher_key


def time_aggregation(url: str, sid: str, key: str, qid: str, repeats: int = 15) -> dict[str, float]:
    out = {}
    with httpx.Client(base_url=url, timeout=60, headers={"X-Teacher-Key": key}) as http:
        for name, path in (
            ("report", f"/api/sessions/{sid}/report"),
            ("distribution", f"/api/sessions/{sid}/questions/{qid}/distribution"),
        ):
            http.get(path).raise_for_status()  # warm up
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                r = http.get(path)
                times.append(time.perf_counter() - t0)
                r.raise_for_status()
            out[f"{name}_median_ms"] = statistics.median(times) * 1000
            out[f"{name}_max_ms"] = max(times) * 1000
        rows = http.get(f"/api/sessions/{sid}/report").json()
    out["aggregated_answers"] = sum(r["answers"] for r in rows)
    return out


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=300)
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument(
        "--window", type=float, default=2.0, help="seconds over which a class answers one question"
    )
    ap.add_argument(
        "--poll",
        type=float,
        default=2.0,
        help="seconds between each student's state polls, as the real client (0: no polling)",
    )
    ap.add_argument("--stored", type=int, default=100_000, help="answers stored for the aggregation timing")
    ap.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy URL (default: a throwaway SQLite file; PostgreSQL with --workers)",
    )
    ap.add_argument(
        "--workers",
        default="1",
        metavar="N[,N...]",
        help="server worker processes; several counts (1,2,4) compare them on PostgreSQL",
    )
    ap.add_argument("--timeout", type=float, default=600, help="abort the load phase after this many seconds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    a = ap.parse_args(argv)
    if not (1 <= a.students <= 2000 and 1 <= a.questions <= 50 and 0 < a.stored <= 1_000_000):
        ap.error("keep to 1-2000 students, 1-50 questions, at most 1,000,000 stored answers")
    try:
        counts = [int(w) for w in a.workers.split(",")]
    except ValueError:
        ap.error("--workers takes worker counts separated by commas, e.g. 1,2,4")
    if not all(1 <= w <= 16 for w in counts):
        ap.error("keep worker counts to 1-16")
    if a.db and a.db.startswith("sqlite") and max(counts) > 1:
        ap.error(
            "several workers need PostgreSQL: leave out --db for a throwaway cluster, or give a postgresql URL"
        )
    if len(counts) > 1 or counts[0] > 1:
        return compare_workers(a, counts)

    with tempfile.TemporaryDirectory(prefix="cramp-load-") as tmp:
        work = Path(tmp)
        qids = write_content(work / "content", a.questions)
        db_url = a.db or f"sqlite:///{work / 'classroom.sqlite'}"
        proc, url, banner = start_server(db_url, work / "content", work)
        try:
            load = asyncio.run(
                asyncio.wait_for(
                    run_class(url, banner, qids, a.students, a.window, a.seed, a.poll), timeout=a.timeout
                )
            )
            t0 = time.perf_counter()
            sid, key = seed_answers(db_url, qids, a.stored)
            seed_s = time.perf_counter() - t0
            agg = time_aggregation(url, sid, key, qids[0])
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    backend = db_url.split(":", 1)[0]
    figures = {
        "backend": backend,
        "window_s": a.window,
        "poll_s": a.poll,
        **load,
        "stored_answers": a.stored,
        "seed_seconds": seed_s,
        **agg,
        "target_p99_ms": TARGET_P99_MS,
        "target_aggregation_ms": TARGET_AGG_MS,
    }
    print_table(figures)
    if a.json:
        Path(a.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def compare_workers(a: argparse.Namespace, counts: list[int]) -> int:
    """The same class against ``serve --workers N`` for each N, on PostgreSQL; one table."""
    try:
        pg = None if a.db else ThrowawayPostgres(max_connections=300)
    except PostgresUnavailable as e:
        raise SystemExit(f"{e}\n(apt-get install -y postgresql, or pass --db URL)") from e
    runs: list[dict[str, object]] = []
    # First an unreported warm-up class (two questions): the first class on a new cluster is several
    # times slower (cold caches), which would be charged to whichever count runs first.
    plan = [(counts[0], True)] + [(n, False) for n in counts]
    try:
        with tempfile.TemporaryDirectory(prefix="cramp-load-") as tmp:
            work = Path(tmp)
            qids = write_content(work / "content", a.questions)
            for k, (n, warmup) in enumerate(plan):
                # A fresh database per run, so a later run does not work on tables the earlier ones filled.
                db_url = pg.new_database(f"classroom_{k}_w{n}") if pg else a.db
                proc, url, banner = start_server(db_url, work / "content", work, workers=n)
                try:
                    load = asyncio.run(
                        asyncio.wait_for(
                            run_class(
                                url,
                                banner,
                                qids[:2] if warmup else qids,
                                a.students,
                                a.window,
                                a.seed,
                                a.poll,
                            ),
                            timeout=a.timeout,
                        )
                    )
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
                print(
                    f"  {'warm-up, ' if warmup else ''}{n} worker{'s' if n > 1 else ''}: "
                    f"{load['answers_lost']} lost, p99 {load['submit_p99_ms']:.1f} ms",
                    file=sys.stderr,
                    flush=True,
                )
                if not warmup:
                    runs.append({"workers": n, **load})
    finally:
        if pg is not None:
            pg.stop()
    print_workers(runs, a)
    if a.json:
        Path(a.json).write_text(json.dumps({"backend": "postgresql", "runs": runs}, indent=2) + "\n")
    return 0


def print_workers(runs: list[dict[str, Any]], a: argparse.Namespace) -> None:
    base = next((r["submit_p99_ms"] for r in runs if r["workers"] == 1), None)
    print(
        f"PostgreSQL, {a.students} students x {a.questions} questions, answered within {a.window:g} s each"
        + (f"; state polled every {a.poll:g} s" if a.poll else "")
    )
    head = (
        "workers",
        "answers lost",
        "duplicates",
        "submit p50",
        "submit p99",
        "p99 / 1 worker",
        "answers/s",
    )
    rows = [
        (
            str(r["workers"]),
            f"{r['answers_lost']}" + ("" if r["answers_lost"] == 0 else " MISSED (must be 0)"),
            str(r["duplicates"]),
            f"{r['submit_p50_ms']:.1f} ms",
            f"{r['submit_p99_ms']:.1f} ms",
            f"{r['submit_p99_ms'] / base:.2f}" if base else "-",
            f"{r['throughput_per_s']:.0f}",
        )
        for r in runs
    ]
    widths = [max(len(h), *(len(row[k]) for row in rows)) for k, h in enumerate(head)]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


def print_table(f: dict[str, object]) -> None:
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    rows = [
        ("backend", f["backend"], ""),
        (
            "students x questions",
            f"{f['students']} x {f['questions']}",
            f"answered within {f['window_s']:g} s each"
            + (f"; state polled every {f['poll_s']:g} s" if f["poll_s"] else ""),
        ),
        (
            "answers sent / stored",
            f"{f['answers_sent']} / {f['answers_stored']}",
            f"expected {f['answers_expected']}",
        ),
        (
            "answers lost",
            f["answers_lost"],
            ok(f["answers_lost"] == 0 and f["duplicates"] == 0) + " (must be 0)",
        ),
        ("duplicates stored", f["duplicates"], ""),
        ("submit latency p50", f"{f['submit_p50_ms']:.1f} ms", ""),
        (
            "submit latency p99",
            f"{f['submit_p99_ms']:.1f} ms",
            f"{ok(f['submit_p99_ms'] < TARGET_P99_MS)} (target < {TARGET_P99_MS:g} ms)",
        ),
        ("submit latency max", f"{f['submit_max_ms']:.1f} ms", ""),
        ("throughput", f"{f['throughput_per_s']:.0f} answers/s", ""),
        (
            "state polls, p99",
            f"{f['state_p99_ms']:.1f} ms" if f["state_polls"] else "-",
            f"{f['state_polls']} polls",
        ),
        (
            "stored answers (aggregation)",
            f"{f['aggregated_answers']:,}",
            f"seeded in {f['seed_seconds']:.1f} s",
        ),
        (
            "class report, median",
            f"{f['report_median_ms']:.1f} ms",
            f"{ok(f['report_median_ms'] < TARGET_AGG_MS)} (target < {TARGET_AGG_MS:g} ms)",
        ),
        ("class report, max", f"{f['report_max_ms']:.1f} ms", ""),
        (
            "one question's distribution, median",
            f"{f['distribution_median_ms']:.1f} ms",
            ok(f["distribution_median_ms"] < TARGET_AGG_MS),
        ),
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(str(r[1])) for r in rows)
    print(f"{'measure':<{w0}}  {'value':>{w1}}  note")
    print(f"{'-' * w0}  {'-' * w1}  {'-' * 30}")
    for name, value, note in rows:
        print(f"{name:<{w0}}  {str(value):>{w1}}  {note}")


if __name__ == "__main__":
    sys.exit(main())
