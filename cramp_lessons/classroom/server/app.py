"""The classroom server: a FastAPI app over :class:`~cramp_lessons.classroom.server.store.Store`.

Who may do what:

- anyone with the join code may join (``POST /api/join``) and gets a student token;
- a student token reads the session state and submits that student's own answers, nothing else;
- the teacher key (``X-Teacher-Key``) poses, opens, closes and reveals questions, runs the
  second peer-instruction round, shares explorer states, manages the roster (cap, rename, remove),
  ends the class and reads answers and report;
- a projector key (``X-Projector-Key``, made by the teacher) reads only the projector view: no
  names, and no answer or tally before the reveal.

Refused joins are counted in the database (per client, per class, and for codes matching no class),
so the limits hold across worker processes; past them a join is answered 429 with Retry-After.

Questions come from the installed course content and are graded here with ``grading.grade``;
the answer key and explanation leave the server only after the teacher reveals them.
The API is documented at ``/docs`` (OpenAPI at ``/openapi.json``); the shapes of its requests
and responses are in :mod:`~cramp_lessons.classroom.server.api`, and a server in this process
for notebooks and tests in :mod:`~cramp_lessons.classroom.server.demo`.
"""

import inspect
import json
from pathlib import Path as FilePath
from typing import Annotated, Any

import fastapi
from fastapi import Depends, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import APIKeyHeader

from cramp_lessons import __version__
from cramp_lessons.classroom import ClassroomError, Conflict, NotFound, TooManyRequests, Unauthorized
from cramp_lessons.classroom.server.api import (
    AnswerIn,
    AnswerRow,
    DistributionOut,
    JoinIn,
    JoinOut,
    PeerOut,
    PollOut,
    PoseIn,
    ProjectorLink,
    ProjectorOut,
    ProjectorRound,
    QuestionId,
    QuestionItem,
    RenameIn,
    ReportRow,
    RevealOut,
    RosterItem,
    SessionId,
    SessionOut,
    SettingsIn,
    SharedStateIn,
    SharedStateOut,
    StateOut,
    SubmitOut,
    confidence_counts,
    distribution,
    public_question,
    report_csv,
    report_rows,
    shift,
)
from cramp_lessons.classroom.server.store import ROUNDS, AnswerTally, JoinLimits, Poll, Store
from cramp_lessons.course.grading import grade, right_answer
from cramp_lessons.course.model import Course, load_course
from cramp_lessons.errors import AnswerError
from cramp_lessons.questions import Question

MAX_BODY = 16 * 1024  # bytes; the largest real answer (a matching question) is well under 2 KB
PROJECTOR_PAGE = FilePath(__file__).with_name("projector.html")


def create_app(
    db_url: str | None = None,
    *,
    course: Course | None = None,
    content_dir: str | None = None,
    join_limits: JoinLimits | None = None,
) -> FastAPI:
    """The classroom API on a store at ``db_url`` (default: SQLite in the data directory)."""
    _require_body_limit()
    course = course or load_course(content_dir)
    store = Store(db_url, join_limits)
    # max_body_size: FastAPI answers 413 for a larger body, by Content-Length or as a chunked body arrives.
    app = FastAPI(
        title="Cramp Lessons classroom",
        version=__version__,
        max_body_size=MAX_BODY,
        description="Live classroom sessions for the Cramp Lessons course. Students join with a join "
        "code and send answers with their token; the teacher key drives the session.",
    )
    app.state.store, app.state.course = store, course
    _handle_errors(app)
    # In this order, so /docs lists the operations as before: service, students, teacher.
    _service_routes(app)
    _student_routes(app, store, course)
    _teacher_routes(app, store, course)
    _projector_routes(app, store, course)
    return app


def _require_body_limit() -> None:
    # FastAPI before 0.164 takes unknown keyword arguments into `app.extra` and ignores them, so an
    # old install would serve without any body limit. Refuse to start rather than run unprotected.
    if "max_body_size" not in inspect.signature(FastAPI.__init__).parameters:
        raise ClassroomError(
            f"FastAPI {fastapi.__version__} cannot limit request bodies; the classroom server needs "
            "fastapi>=0.164 (reinstall with `make lab` or `pip install -e .`)."
        )


# --------------------------------------------------------------------------- errors
class _AsciiJSON(JSONResponse):
    """JSON with non-ASCII escaped: error texts may quote student input, lone surrogates included."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(ClassroomError)
    async def _classroom_error(_r: Request, e: ClassroomError) -> JSONResponse:
        headers = {"Retry-After": str(e.retry_after)} if isinstance(e, TooManyRequests) else None
        return JSONResponse({"detail": str(e)}, status_code=e.status, headers=headers)

    @app.exception_handler(AnswerError)
    async def _answer_error(_r: Request, e: AnswerError) -> JSONResponse:
        # The same shape as FastAPI's own 422s, so a client reads every validation error one way.
        return _AsciiJSON(
            {"detail": [{"loc": ["body", "answer"], "msg": str(e), "type": "answer_error"}]}, status_code=422
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, e: RequestValidationError) -> JSONResponse:
        # Where and why, without echoing the input back (it may be huge or not even encodable).
        return _AsciiJSON(
            {
                "detail": [
                    {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
                    for err in e.errors()
                ]
            },
            status_code=422,
        )


# --------------------------------------------------------------------------- routes
# Handlers are `async def` though the store is synchronous: its calls take well under a
# millisecond (SQLite, or PostgreSQL on the same machine or network), and running them on the
# event loop spares two thread hand-offs per request, a third or more of the server's CPU per
# answer under load (see benchmarks/classroom_load.py). A database far away would stall the loop.
# Each audience's routes are registered on the app by one function, not included as an APIRouter:
# FastAPI 0.165 matches an included router's routes through an extra layer on every request
# (about 8 µs, some 2-4 % of an answer's or a state poll's time), for no gain in a single app.

_teacher_key = APIKeyHeader(
    name="X-Teacher-Key",
    scheme_name="TeacherKey",
    auto_error=False,
    description="the teacher key `classroom serve` printed",
)
_projector_key = APIKeyHeader(
    name="X-Projector-Key",
    scheme_name="ProjectorKey",
    auto_error=False,
    description="the projector's read-only key (POST /api/sessions/{sid}/projector makes one)",
)
_student_token = APIKeyHeader(
    name="X-Student-Token",
    scheme_name="StudentToken",
    auto_error=False,
    description="the token returned by /api/join",
)


def _question(course: Course, qid: str) -> Question:
    q = course.questions.get(qid)
    if q is None:
        raise NotFound(f"no question {qid!r} in the course content")
    return q


def _service_routes(app: FastAPI) -> None:
    """Open to all: is the server up, and which version."""

    @app.get("/api/health", tags=["service"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}


def _student_routes(app: FastAPI, store: Store, course: Course) -> None:
    """Join with the join code (open to all), then, with the student token: read the state, answer."""

    async def student(sid: SessionId, token: str | None = Depends(_student_token)) -> Any:
        st = store.student(sid, token)
        if st is None:
            raise Unauthorized("missing or wrong student token for this session: join again")
        return st

    Learner = Annotated[Any, Depends(student)]

    @app.post(
        "/api/join",
        tags=["students"],
        status_code=201,
        responses={429: {"description": "too many refused joins in the last minute (see Retry-After)"}},
    )
    async def join(body: JoinIn, request: Request) -> JoinOut:
        sess, st, token = store.join(body.code, body.name, request.client.host if request.client else "")
        return JoinOut(session_id=sess.id, student_id=st.id, name=st.name, token=token)

    @app.get("/api/sessions/{sid}/state", tags=["students"])
    async def state(sid: SessionId, me: Learner) -> StateOut:
        view = store.student_view(me)  # every student polls this: one query
        q = course.questions.get(view.question_id) if view and view.question_id else None
        shared = json.loads(view.shared_state) if view and view.shared_state else None
        common: dict[str, Any] = {
            "session_id": sid,
            "name": me.name,
            "ended": bool(view and view.ended_at is not None),
            "shared": SharedStateOut(**shared) if shared else None,
        }
        if view is None or view.open is None or q is None:
            return StateOut(**common, question=None, open=False, revealed=False, answered=False)
        reveal = None
        if view.revealed:  # only now may the key and explanation leave the server
            g = grade(q, json.loads(view.answer), course) if view.answer is not None else None
            reveal = RevealOut(
                answer_text=grade(q, right_answer(q), course).answer_text,
                explanation=q.explanation,
                evidence=q.evidence,
                references=course.cite(q.references),
                your_score=g.score if g else None,
                your_correct=g.correct if g else None,
                your_feedback=g.feedback if g else [],
            )
        return StateOut(
            **common,
            # Each student's own order (answers are option ids, so they map back by themselves).
            question=public_question(q, course, f"{sid}:{me.id}"),
            open=view.open,
            revealed=view.revealed,
            answered=view.answer is not None,
            round=view.round,
            reveal=reveal,
        )

    @app.post("/api/sessions/{sid}/answers", tags=["students"])
    async def submit(sid: SessionId, me: Learner, body: AnswerIn) -> SubmitOut:
        q = _question(course, body.question_id)
        g = grade(q, body.answer, course)  # AnswerError -> 422, nothing stored
        status = store.submit(
            me, q.id, body.uid, body.answer, g.score, g.correct, q.picks(q.read(body.answer)), body.confidence
        )
        return SubmitOut(status=status, question_id=q.id)


def _teacher_routes(app: FastAPI, store: Store, course: Course) -> None:
    """With the teacher key: the session, its questions, posing and revealing, answers and report."""

    async def teacher(sid: SessionId, key: str | None = Depends(_teacher_key)) -> str:
        if store.teacher_session(sid, key) is None:
            raise Unauthorized("missing or wrong teacher key for this session")
        return sid

    Teacher = Annotated[str, Depends(teacher)]

    def posed(sid: str, qid: str) -> tuple[Question, Any]:
        """The question and its poll in this session (404 unknown question, 409 not posed here)."""
        q = _question(course, qid)
        p = store.poll(sid, qid)
        if p is None:
            raise Conflict(f"{qid}: not posed in this session")
        return q, p

    def poll_out(p: Poll) -> PollOut:
        return PollOut(question_id=p.question_id, open=p.open, revealed=p.revealed, round=p.round)

    def class_rows(sid: str) -> list[ReportRow]:
        from cramp_lessons.learner.itemstats import analyse, from_class

        items = {s.question_id: s for s in analyse(from_class(store, sid), course)}
        polls = store.polls(sid)
        by_round = {r: store.tallies(sid, round_=r) for r in ROUNDS}
        shifts = {p.question_id: shift(store.rounds(sid, p.question_id)) for p in polls if p.round == 2}
        return report_rows(course, polls, store.tallies(sid), items, by_round, shifts)

    def session_out(sid: str) -> SessionOut:
        sess = store.session(sid)
        if sess is None:  # purged since the teacher's key was checked
            raise NotFound(f"no session {sid!r}")
        poll = store.poll(sid, sess.current_question) if sess.current_question else None
        t = store.tallies(sid, sess.current_question).get(sess.current_question) if poll else None
        return SessionOut(
            id=sid,
            join_code=sess.join_code,
            current_question=sess.current_question,
            open=bool(poll and poll.open),
            revealed=bool(poll and poll.revealed),
            round=poll.round if poll else 1,
            students=len(store.roster(sid)),
            max_students=sess.max_students,
            ended=sess.ended_at is not None,
            answers=t.answers if t else 0,
        )

    @app.get("/api/sessions/{sid}", tags=["teacher"])
    async def session_info(sid: Teacher) -> SessionOut:
        return session_out(sid)

    @app.post("/api/sessions/{sid}/end", tags=["teacher"])
    async def end(sid: Teacher) -> SessionOut:
        """End the class: the join code stops working and answering closes (reports stay readable)."""
        store.end_session(sid)
        return session_out(sid)

    @app.put("/api/sessions/{sid}/settings", tags=["teacher"])
    async def settings(sid: Teacher, body: SettingsIn) -> SessionOut:
        store.set_max_students(sid, body.max_students)
        return session_out(sid)

    @app.get("/api/sessions/{sid}/questions", tags=["teacher"])
    async def questions(sid: Teacher) -> list[QuestionItem]:
        polls = {p.question_id: p for p in store.polls(sid)}
        out = []
        for les in sorted(course.lessons.values(), key=lambda x: x.number):
            for b in course.banks_for(les.id):
                for q in b.questions:
                    p = polls.get(q.id)
                    out.append(
                        QuestionItem(
                            id=q.id,
                            lesson=les.id,
                            lesson_title=f"{les.number} {les.title}",
                            type=q.type,
                            prompt=q.prompt,
                            posed=p is not None,
                            open=bool(p and p.open),
                            revealed=bool(p and p.revealed),
                        )
                    )
        return out

    @app.post("/api/sessions/{sid}/pose", tags=["teacher"])
    async def pose(sid: Teacher, body: PoseIn) -> PollOut:
        return poll_out(store.pose(sid, _question(course, body.question_id).id, body.open))

    @app.post("/api/sessions/{sid}/open", tags=["teacher"])
    async def open_answering(sid: Teacher) -> PollOut:
        return poll_out(store.set_open(sid, True))

    @app.post("/api/sessions/{sid}/close", tags=["teacher"])
    async def close_answering(sid: Teacher) -> PollOut:
        return poll_out(store.set_open(sid, False))

    @app.post("/api/sessions/{sid}/round2", tags=["teacher"])
    async def round_two(sid: Teacher) -> PollOut:
        """Peer instruction: after students talk with a neighbour, answering opens again as round 2."""
        return poll_out(store.start_round_two(sid))

    @app.post("/api/sessions/{sid}/reveal", tags=["teacher"])
    async def reveal(sid: Teacher) -> PollOut:
        return poll_out(store.reveal(sid))

    @app.put("/api/sessions/{sid}/shared-state", tags=["teacher"])
    async def share(sid: Teacher, body: SharedStateIn) -> SharedStateIn:
        store.share_state(sid, body.model_dump())
        return body

    @app.delete("/api/sessions/{sid}/shared-state", tags=["teacher"], status_code=204)
    async def unshare(sid: Teacher) -> None:
        store.share_state(sid, None)

    @app.post("/api/sessions/{sid}/projector", tags=["teacher"], status_code=201)
    async def projector_link(sid: Teacher) -> ProjectorLink:
        """A read-only key for the projector; a new one replaces the last."""
        key = store.new_projector_key(sid)
        return ProjectorLink(key=key, path=f"/projector/{sid}#key={key}")

    @app.get("/api/sessions/{sid}/roster", tags=["teacher"])
    async def roster(sid: Teacher) -> list[RosterItem]:
        return [RosterItem(**r) for r in store.roster(sid)]

    @app.patch("/api/sessions/{sid}/students/{student_id}", tags=["teacher"])
    async def rename(
        sid: Teacher, student_id: Annotated[int, Path(ge=1, le=10**9)], body: RenameIn
    ) -> RosterItem:
        store.rename_student(sid, student_id, body.name)
        return next(RosterItem(**r) for r in store.roster(sid) if r["id"] == student_id)

    @app.delete("/api/sessions/{sid}/students/{student_id}", tags=["teacher"])
    async def remove(sid: Teacher, student_id: Annotated[int, Path(ge=1, le=10**9)]) -> dict[str, int]:
        """Remove a student and their answers; their token stops working."""
        return {"answers_removed": store.remove_student(sid, student_id)}

    @app.get("/api/sessions/{sid}/answers", tags=["teacher"])
    async def answers(sid: Teacher) -> list[AnswerRow]:
        return [AnswerRow(**a) for a in store.answers(sid)]

    @app.get("/api/sessions/{sid}/questions/{qid}/distribution", tags=["teacher"])
    async def question_distribution(sid: Teacher, qid: Annotated[QuestionId, Path()]) -> DistributionOut:
        q, p = posed(sid, qid)
        t = store.tallies(sid, qid).get(qid, AnswerTally(qid))
        return distribution(q, t, p.open, p.revealed, p.round)

    @app.get("/api/sessions/{sid}/questions/{qid}/rounds", tags=["teacher"])
    async def question_rounds(sid: Teacher, qid: Annotated[QuestionId, Path()]) -> PeerOut:
        """Peer instruction: each round's answers, who moved between rounds, and round 1's confidence."""
        q, p = posed(sid, qid)
        rows = store.rounds(sid, qid)
        return PeerOut(
            question_id=qid,
            round=p.round,
            open=p.open,
            revealed=p.revealed,
            rounds=[
                distribution(q, store.tallies(sid, qid, r).get(qid, AnswerTally(qid)), p.open, p.revealed, r)
                for r in ROUNDS
                if r <= p.round
            ],
            shift=shift(rows),
            confidence=confidence_counts(rows),
        )

    @app.get("/api/sessions/{sid}/report", tags=["teacher"])
    async def report(sid: Teacher) -> list[ReportRow]:
        return class_rows(sid)

    @app.get(
        "/api/sessions/{sid}/report.csv",
        tags=["teacher"],
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}, "description": "the class report as CSV"}},
    )
    async def report_as_csv(sid: Teacher) -> Response:
        text = report_csv(class_rows(sid))
        return Response(
            text,
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="classroom-report-{sid}.csv"'},
        )


def _projector_routes(app: FastAPI, store: Store, course: Course) -> None:
    """The projector view: a page, and the little it may show (no names; the answer and the
    counts per option only after the teacher reveals)."""

    async def projector(sid: SessionId, key: str | None = Depends(_projector_key)) -> Any:
        sess = store.projector_session(sid, key)
        if sess is None:
            raise Unauthorized("missing or wrong projector key: make a new projector link on the dashboard")
        return sess

    @app.get("/projector/{sid}", response_class=HTMLResponse, include_in_schema=False)
    async def projector_page(sid: SessionId) -> HTMLResponse:
        # The page holds no data: it reads the key from the link's #fragment and asks the API.
        return HTMLResponse(
            PROJECTOR_PAGE.read_text(encoding="utf-8"),
            headers={
                "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
            },
        )

    @app.get("/api/sessions/{sid}/projector", tags=["projector"])
    async def projector_view(sid: SessionId, sess: Annotated[Any, Depends(projector)]) -> ProjectorOut:
        qid = sess.current_question
        p = store.poll(sid, qid) if qid else None
        q = course.questions.get(qid) if qid else None
        students = len(store.roster(sid))
        if p is None or q is None:
            return ProjectorOut(
                join_code=sess.join_code,
                ended=sess.ended_at is not None,
                question=None,
                round=1,
                open=False,
                revealed=False,
                students=students,
                answered=0,
            )
        out = ProjectorOut(
            join_code=sess.join_code,
            ended=sess.ended_at is not None,
            question=public_question(q, course, sid),  # one order for the whole room
            round=p.round,
            open=p.open,
            revealed=p.revealed,
            students=students,
            answered=store.answered_now(sid, q.id),
        )
        if p.revealed:
            rounds = []
            for r in ROUNDS:
                if r > p.round:
                    break
                d = distribution(q, store.tallies(sid, q.id, r).get(q.id, AnswerTally(q.id)), False, True, r)
                rounds.append(
                    ProjectorRound(
                        round=r, answers=d.answers, share_correct=d.share_correct, choices=d.choices
                    )
                )
            moved = shift(store.rounds(sid, q.id))
            out.answer_text = grade(q, right_answer(q), course).answer_text
            out.rounds = rounds
            out.wrong_to_right = moved.wrong_to_right if moved else None
        return out
