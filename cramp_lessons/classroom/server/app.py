"""The classroom server: a FastAPI app over :class:`~cramp_lessons.classroom.server.store.Store`.

Who may do what:

- anyone with the join code may join (``POST /api/join``) and gets a student token;
- a student token reads the session state and submits that student's own answers, nothing else;
- the teacher key (``X-Teacher-Key``) poses, opens, closes and reveals questions and reads
  answers, roster and report.

Questions come from the installed course content and are graded here with ``grading.grade``;
the answer key and explanation leave the server only after the teacher reveals them.
The API is documented at ``/docs`` (OpenAPI at ``/openapi.json``); the shapes of its requests
and responses are in :mod:`~cramp_lessons.classroom.server.api`, and a server in this process
for notebooks and tests in :mod:`~cramp_lessons.classroom.server.demo`.
"""

import inspect
import json
from typing import Annotated, Any

import fastapi
from fastapi import Depends, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader

from cramp_lessons import __version__
from cramp_lessons.classroom import ClassroomError, Conflict, NotFound, Unauthorized
from cramp_lessons.classroom.server.api import (
    AnswerIn,
    AnswerRow,
    DistributionOut,
    JoinIn,
    JoinOut,
    PollOut,
    PoseIn,
    QuestionId,
    QuestionItem,
    ReportRow,
    RevealOut,
    RosterItem,
    SessionId,
    SessionOut,
    StateOut,
    SubmitOut,
    distribution,
    public_question,
    report_csv,
    report_rows,
)
from cramp_lessons.classroom.server.store import AnswerTally, Poll, Store
from cramp_lessons.course.grading import grade, right_answer
from cramp_lessons.course.model import Course, load_course
from cramp_lessons.errors import AnswerError
from cramp_lessons.questions import Question

MAX_BODY = 16 * 1024  # bytes; the largest real answer (a matching question) is well under 2 KB


def create_app(
    db_url: str | None = None, *, course: Course | None = None, content_dir: str | None = None
) -> FastAPI:
    """The classroom API on a store at ``db_url`` (default: SQLite in the data directory)."""
    _require_body_limit()
    course = course or load_course(content_dir)
    store = Store(db_url)
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
        return JSONResponse({"detail": str(e)}, status_code=e.status)

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

    @app.post("/api/join", tags=["students"], status_code=201)
    async def join(body: JoinIn) -> JoinOut:
        sess, st, token = store.join(body.code, body.name)
        return JoinOut(session_id=sess.id, student_id=st.id, name=st.name, token=token)

    @app.get("/api/sessions/{sid}/state", tags=["students"])
    async def state(sid: SessionId, me: Learner) -> StateOut:
        view = store.student_view(me)  # every student polls this: one query
        q = course.questions.get(view.question_id) if view and view.question_id else None
        if view is None or view.open is None or q is None:
            return StateOut(
                session_id=sid, name=me.name, question=None, open=False, revealed=False, answered=False
            )
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
            session_id=sid,
            name=me.name,
            # Each student's own order (answers are option ids, so they map back by themselves).
            question=public_question(q, course, f"{sid}:{me.id}"),
            open=view.open,
            revealed=view.revealed,
            answered=view.answer is not None,
            reveal=reveal,
        )

    @app.post("/api/sessions/{sid}/answers", tags=["students"])
    async def submit(sid: SessionId, me: Learner, body: AnswerIn) -> SubmitOut:
        q = _question(course, body.question_id)
        g = grade(q, body.answer, course)  # AnswerError -> 422, nothing stored
        status = store.submit(
            me, q.id, body.uid, body.answer, g.score, g.correct, q.picks(q.read(body.answer))
        )
        return SubmitOut(status=status, question_id=q.id)


def _teacher_routes(app: FastAPI, store: Store, course: Course) -> None:
    """With the teacher key: the session, its questions, posing and revealing, answers and report."""

    async def teacher(sid: SessionId, key: str | None = Depends(_teacher_key)) -> str:
        if store.teacher_session(sid, key) is None:
            raise Unauthorized("missing or wrong teacher key for this session")
        return sid

    Teacher = Annotated[str, Depends(teacher)]

    def poll_out(p: Poll) -> PollOut:
        return PollOut(question_id=p.question_id, open=p.open, revealed=p.revealed)

    def class_rows(sid: str) -> list[ReportRow]:
        from cramp_lessons.learner.itemstats import analyse, from_class

        items = {s.question_id: s for s in analyse(from_class(store, sid), course)}
        return report_rows(course, store.polls(sid), store.tallies(sid), items)

    @app.get("/api/sessions/{sid}", tags=["teacher"])
    async def session_info(sid: Teacher) -> SessionOut:
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
            students=len(store.roster(sid)),
            answers=t.answers if t else 0,
        )

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

    @app.post("/api/sessions/{sid}/reveal", tags=["teacher"])
    async def reveal(sid: Teacher) -> PollOut:
        return poll_out(store.reveal(sid))

    @app.get("/api/sessions/{sid}/roster", tags=["teacher"])
    async def roster(sid: Teacher) -> list[RosterItem]:
        return [RosterItem(**r) for r in store.roster(sid)]

    @app.get("/api/sessions/{sid}/answers", tags=["teacher"])
    async def answers(sid: Teacher) -> list[AnswerRow]:
        return [AnswerRow(**a) for a in store.answers(sid)]

    @app.get("/api/sessions/{sid}/questions/{qid}/distribution", tags=["teacher"])
    async def question_distribution(sid: Teacher, qid: Annotated[QuestionId, Path()]) -> DistributionOut:
        q = _question(course, qid)
        p = store.poll(sid, qid)
        if p is None:
            raise Conflict(f"{qid}: not posed in this session")
        return distribution(q, store.tallies(sid, qid).get(qid, AnswerTally(qid)), p.open, p.revealed)

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
