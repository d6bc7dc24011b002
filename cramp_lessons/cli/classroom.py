"""``cramp-lessons classroom serve | purge | list``: a teacher runs a live class from the same command,
and deletes what it stored (names, answers) afterwards."""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time

from cramp_lessons.cli.base import Subparsers, _guarded


def register(subparsers: Subparsers) -> None:
    """Add ``classroom serve``, ``purge`` and ``list`` to the subcommands."""
    p = subparsers.add_parser(
        "classroom",
        help="run a live classroom session (serve, purge, list)",
        description="Run a live classroom: students join with a code, the teacher drives a dashboard.",
    )
    sub = p.add_subparsers(dest="classroom_command", metavar="ACTION", required=True)

    s = sub.add_parser(
        "serve",
        help="start the server; print the join code and teacher key",
        description="Start the classroom server and print the join code and teacher key.",
    )
    s.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; use 0.0.0.0 for a room network)",
    )
    s.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    s.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy URL (default: SQLite in the data directory; "
        "PostgreSQL: postgresql+psycopg://user@host/db)",
    )
    s.add_argument(
        "--session",
        metavar="SESSION",
        help="continue an existing session (after a restart) instead of starting a new one",
    )
    s.add_argument("--content", metavar="DIR", help="a course content folder (default: the installed course)")
    s.add_argument(
        "--max-students",
        type=int,
        default=None,
        metavar="N",
        help="a new session admits at most N students (default 200; the dashboard can change it)",
    )
    s.add_argument(
        "--failed-joins",
        metavar="C,S,W",
        default=None,
        help="refused joins allowed a minute: per address, per class, and wrong codes for the whole "
        "server (default 20,60,400); past them joining answers 429 (try again later)",
    )
    s.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS with this computer's own self-signed certificate (made once, kept in the data "
        "directory); students pin the fingerprint printed with the address, so no warning is needed",
    )
    s.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1). More than one needs PostgreSQL (--db): SQLite lets one "
        "process write at a time, so several workers would queue on its file lock and be slower than one",
    )
    s.set_defaults(func=_serve)

    g = sub.add_parser("purge", help="delete everything a session stored (names, answers)")
    g.add_argument("session", metavar="SESSION", help="the session id `serve` printed")
    g.add_argument("--db", metavar="URL", help="SQLAlchemy URL (default: SQLite in the data directory)")
    g.set_defaults(func=_guarded(_purge))

    ls = sub.add_parser("list", help="list the sessions stored, to find one to purge")
    ls.add_argument("--db", metavar="URL", help="SQLAlchemy URL (default: SQLite in the data directory)")
    ls.set_defaults(func=_guarded(_list))


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from cramp_lessons.classroom.server import tls
    from cramp_lessons.classroom.server.app import create_app
    from cramp_lessons.classroom.server.store import JoinLimits, default_url
    from cramp_lessons.errors import CrampLessonsError

    db = args.db or default_url()
    if args.workers < 1:
        print("error: --workers must be 1 or more", file=sys.stderr)
        return 1
    if args.workers > 1 and db.startswith("sqlite"):
        print(
            f"error: --workers {args.workers} needs PostgreSQL (--db postgresql+psycopg://user@host/db): "
            "SQLite lets one process write at a time. One worker serves a class of a few hundred.",
            file=sys.stderr,
        )
        return 1
    try:
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and without it
        # every response waits ~40 ms for a delayed ACK.
        sock = socket.socket(
            socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
        )
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))  # before anything is printed, so a busy port fails cleanly
    except OSError as e:
        print(
            f"error: cannot listen on {args.host}:{args.port}: {e.strerror}. Choose another port with --port.",
            file=sys.stderr,
        )
        return 1
    try:
        cert = tls.certificate(args.host) if args.tls else None
        limits = JoinLimits.parse(args.failed_joins) if args.failed_joins else None
        app = create_app(db, content_dir=args.content, join_limits=limits)
        store = app.state.store
        if args.session:
            sess = store.session(args.session)
            if sess is None:
                print(f"error: no session {args.session!r} in {_shown_url(db)}", file=sys.stderr)
                return 1
            sid, code, key = (
                sess.id,
                sess.join_code,
                "(unchanged: the key printed when the session was created)",
            )
        else:
            cap = {} if args.max_students is None else {"max_students": args.max_students}
            new = store.create_session(**cap)
            sid, code, key = new.id, new.join_code, new.teacher_key
    except (CrampLessonsError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # a database URL that cannot be reached, a missing driver
        print(f"error: cannot open the database {_shown_url(db)}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1

    scheme = "https" if cert else "http"
    url = f"{scheme}://{_in_url(args.host)}:{args.port}"
    print(f"Cramp Lessons classroom on {url}  (API documentation: {url}/docs)")
    print(f"  Session:     {sid}")
    print(f"  Join code:   {code}      <- students type this")
    if cert:
        # The address students type, fingerprint included: their client then accepts this certificate only.
        for host in _student_hosts(args.host, tls.lan_addresses()):
            print(f"  Server:      https://{_in_url(host)}:{args.port}#{cert.short}")
        print(f"  Fingerprint: {cert.fingerprint}")
        made = (
            "new: students pin the address above" if cert.created else "reused: the fingerprint is unchanged"
        )
        print(f"  Certificate: {cert.cert_path} ({made})")
    print(f"  Teacher key: {key}      <- keep private: the dashboard needs it")
    print(f"  Database:    {_shown_url(db)}")
    if args.workers > 1:
        print(f"  Workers:     {args.workers} processes")
    if args.host in ("127.0.0.1", "localhost", "::1"):
        print(
            "  Only this computer can connect. For a room, run with --host 0.0.0.0 and give students "
            "this computer's network address."
        )
    else:
        print(
            f"  Listening on {args.host}: anyone on this network can reach the server; students use this "
            "computer's network address."
        )
    print(f"  Delete this session's data afterwards: cramp-lessons classroom purge {sid}")
    print("Press Ctrl+C to stop.", flush=True)
    certfile, keyfile = (str(cert.cert_path), str(cert.key_path)) if cert else (None, None)
    if args.workers == 1:
        server = uvicorn.Server(
            uvicorn.Config(app, log_level="warning", ssl_certfile=certfile, ssl_keyfile=keyfile)
        )
        try:
            server.run(sockets=[sock])
        finally:
            store.close()
        return 0
    # Several workers: each process builds its own app from the environment (asgi.from_env) and
    # accepts on the socket bound above; the session is already in the shared database.
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    from cramp_lessons.classroom.server import asgi

    store.close()
    os.environ[asgi.DB_ENV] = db
    os.environ[asgi.CONTENT_ENV] = args.content or ""
    os.environ[asgi.FAILED_JOINS_ENV] = args.failed_joins or ""
    config = uvicorn.Config(
        asgi.FACTORY,
        factory=True,
        workers=args.workers,
        log_level="warning",
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
    )
    supervisor = Multiprocess(config, sockets=[sock])
    supervisor.run()
    # A worker that could not start (uvicorn logged why) stops them all: say so in the exit code.
    return 1 if any(p.exitcode == STARTUP_FAILURE for p in supervisor.processes) else 0


def _in_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _student_hosts(host: str, lan: list[str]) -> list[str]:
    """The addresses students may type: the one listened on, or on every address this computer's own."""
    if host not in ("0.0.0.0", "::", ""):
        return [host]
    found = [a for a in lan if host == "::" or ":" not in a]
    return found or ["127.0.0.1"]


def _purge(args: argparse.Namespace) -> int:
    from cramp_lessons.classroom import NotFound
    from cramp_lessons.classroom.server.store import Store

    store = Store(args.db)
    try:
        counts = store.purge(args.session)
    except NotFound:
        print(
            f"error: no session {args.session!r} in {_shown_url(store.url)}; "
            f"`cramp-lessons classroom list` shows the sessions stored",
            file=sys.stderr,
        )
        return 1
    finally:
        store.close()
    print(
        f"Deleted session {args.session}: {counts['students']} students, {counts['answers']} answers, "
        f"{counts['polls']} questions posed."
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    from cramp_lessons.classroom.server.store import Store

    store = Store(args.db)
    try:
        sessions = store.sessions()
        if not sessions:
            print(f"No sessions in {_shown_url(store.url)}.")
        for s in sessions:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(s.created_at))
            print(f"{s.id}  join code {s.join_code}  created {when}  students {len(store.roster(s.id))}")
    finally:
        store.close()
    return 0
