"""The classroom server: a FastAPI app over :class:`~cramp_lessons.classroom.server.store.Store`.

Who may do what:

- anyone with the join code may join (``POST /api/join``) and gets a student token;
- a student token reads the session state and submits that student's own answers, nothing else;
- the teacher key (``X-Teacher-Key``) poses, opens, closes and reveals questions and reads
  answers, roster and report.

Questions come from the installed course content and are graded here with ``grading.grade``;
the answer key and explanation leave the server only after the teacher reveals them.
The API is documented at ``/docs`` (OpenAPI at ``/openapi.json``).
"""

import csv
import inspect
import io
import json
import random
import socket
import threading
import time
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import fastapi
from fastapi import Depends, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
)

from cramp_lessons import __version__
from cramp_lessons.classroom import ClassroomError, Conflict, NotFound, Unauthorized
from cramp_lessons.classroom.server.store import (
    CODE_LENGTH,
    AnswerTally,
    Store,
    listed_keys,
    pick_label,
    picks,
)
from cramp_lessons.course.model import (
    ID_PATTERN,
    Course,
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    SingleChoice,
    TrueFalse,
    load_course,
)
from cramp_lessons.errors import AnswerError
from cramp_lessons.questions.grading import grade, right_answer, shuffled_choices

MAX_BODY = 16 * 1024  # bytes; the largest real answer (a matching question) is well under 2 KB


# --------------------------------------------------------------------------- input models
def _clean(text: str) -> str:
    """Refuse control characters and lone surrogates: they garble displays and break PostgreSQL."""
    for ch in text:
        o = ord(ch)
        if o < 32 or o == 127 or 0xD800 <= o <= 0xDFFF:
            raise ValueError(f"contains a control or invalid character (code {o})")
    return text


Short = Annotated[str, StringConstraints(max_length=200), AfterValidator(_clean)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), AfterValidator(_clean)
]
JoinCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_upper=True,
        min_length=CODE_LENGTH,
        max_length=CODE_LENGTH,
        pattern=r"^[A-Za-z0-9]+$",
    ),
]
QuestionId = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=ID_PATTERN)]
SessionId = Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[a-z0-9]+$")]
Uid = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
# Every answer form grading.grade accepts, each bounded; strict, so "true" stays a string.
AnswerValue = (
    StrictBool
    | Annotated[StrictInt, Field(ge=-(10**15), le=10**15)]
    | StrictFloat
    | Short
    | Annotated[list[Short], Field(max_length=50)]
    | Annotated[dict[Short, Short], Field(max_length=50)]
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JoinIn(_In):
    code: JoinCode = Field(description="the join code the teacher shows, e.g. K7P2QX")
    name: Name = Field(description="a display name; nothing else about the student is stored")


class AnswerIn(_In):
    uid: Uid = Field(description="client-generated uuid4 hex; re-sending the same uid stores nothing new")
    question_id: QuestionId
    answer: AnswerValue = Field(
        description="the answer in the form grading.grade accepts for the question type"
    )


class PoseIn(_In):
    question_id: QuestionId
    open: bool = True


# --------------------------------------------------------------------------- output models
class JoinOut(BaseModel):
    session_id: str
    student_id: int
    name: str
    token: str = Field(description="send as X-Student-Token; shown only once")


class Choice(BaseModel):
    id: str
    text: str


class PublicQuestion(BaseModel):
    """A question as students see it: no correct flags, no feedback, no explanation."""

    id: str
    type: str
    lesson: str
    prompt: str
    options: list[Choice] | None = None
    items: list[Choice] | None = None  # ordering, shuffled
    lefts: list[Choice] | None = None  # matching
    rights: list[str] | None = None  # matching, shuffled
    unit: str | None = None


class RevealOut(BaseModel):
    answer_text: str
    explanation: str
    evidence: str
    references: list[str]
    your_score: float | None = None
    your_correct: bool | None = None
    your_feedback: list[str] = []


class StateOut(BaseModel):
    session_id: str
    name: str
    question: PublicQuestion | None
    open: bool
    revealed: bool
    answered: bool
    reveal: RevealOut | None = None


class SubmitOut(BaseModel):
    status: Literal["stored", "replaced", "duplicate", "not_posed"] = Field(
        description="duplicate: this uid was stored before; not_posed: the teacher has not posed this question, "
        "so nothing is stored (a joined student's self-paced quiz answers stay local)"
    )
    question_id: str


class SessionOut(BaseModel):
    id: str
    join_code: str
    current_question: str | None
    open: bool
    revealed: bool
    students: int
    answers: int = Field(description="answers to the current question")


class QuestionItem(BaseModel):
    id: str
    lesson: str
    lesson_title: str
    type: str
    prompt: str
    posed: bool
    open: bool
    revealed: bool


class PollOut(BaseModel):
    question_id: str
    open: bool
    revealed: bool


class RosterItem(BaseModel):
    name: str
    joined_at: float
    answers: int


class ChoiceCount(BaseModel):
    key: str
    label: str
    count: int
    wrong: bool


class DistributionOut(BaseModel):
    question_id: str
    type: str
    prompt: str
    open: bool
    revealed: bool
    answers: int
    correct: int
    share_correct: float | None
    mean_score: float | None
    choices: list[ChoiceCount]
    top_wrong: ChoiceCount | None


class ReportRow(BaseModel):
    question_id: str
    lesson: str
    type: str
    prompt: str
    answers: int
    share_correct: float | None
    mean_score: float | None
    most_chosen_wrong: str | None = Field(description="the misconception: the most chosen wrong option")
    most_chosen_wrong_count: int
    # Item analysis (itemstats.py): how well the question separates students who do well overall.
    discrimination: float | None = Field(
        None, description="upper-lower index D: share right in the top 27% minus the bottom 27% (-1..1)"
    )
    flags: list[str] = Field(default_factory=list, description="too easy, too hard, does not discriminate...")


class AnswerRow(BaseModel):
    name: str
    question_id: str
    answer: Any
    score: float
    correct: bool
    submitted_at: float
    uid: str


# --------------------------------------------------------------------------- pure helpers
def public_question(q: Any, course: Course, seed: str) -> PublicQuestion:
    """What a student may see before the reveal. Orders are shuffled: authors list them solved."""
    base = {"id": q.id, "type": q.type, "lesson": course.lesson_of_question(q.id), "prompt": q.prompt}
    if isinstance(q, (SingleChoice, MultipleSelect)):
        text = {o.id: o.text for o in q.options}
        return PublicQuestion(**base, options=[Choice(id=i, text=text[i]) for i in shuffled_choices(q, seed)])
    if isinstance(q, Ordering):
        text = {i.id: i.text for i in q.items}
        return PublicQuestion(**base, items=[Choice(id=i, text=text[i]) for i in shuffled_choices(q, seed)])
    if isinstance(q, Matching):
        return PublicQuestion(
            **base, lefts=[Choice(id=p.id, text=p.left) for p in q.pairs], rights=shuffled_choices(q, seed)
        )
    if isinstance(q, Numeric):
        return PublicQuestion(**base, unit=q.unit)
    return PublicQuestion(**base)


def distribution(q: Any, t: AnswerTally, open_: bool, revealed: bool) -> DistributionOut:
    counts = dict(t.picks)
    for key, wrong in listed_keys(q):  # an option nobody chose still shows, at zero
        counts.setdefault(key, (0, wrong))
    order = [k for k, _ in listed_keys(q)]
    keys = sorted(
        counts, key=lambda k: (order.index(k) if k in order else len(order), _sort_key(q, k, counts))
    )
    choices = [
        ChoiceCount(key=k, label=pick_label(q, k), count=counts[k][0], wrong=counts[k][1]) for k in keys
    ]
    wrong = [c for c in choices if c.wrong and c.count]
    top = max(wrong, key=lambda c: c.count) if wrong else None  # ties: the first listed
    return DistributionOut(
        question_id=q.id,
        type=q.type,
        prompt=q.prompt,
        open=open_,
        revealed=revealed,
        answers=t.answers,
        correct=t.correct,
        share_correct=round(t.correct / t.answers, 4) if t.answers else None,
        mean_score=round(t.score_sum / t.answers, 4) if t.answers else None,
        choices=choices,
        top_wrong=top,
    )


def _sort_key(q: Any, key: str, counts: dict[str, tuple[int, bool]]) -> Any:
    if isinstance(q, Numeric):
        return (float(key), "")
    return (-counts[key][0], key)  # most chosen first


def report_rows(
    course: Course, polls: list[Any], tallies: dict[str, AnswerTally], items: dict[str, Any] | None = None
) -> list[ReportRow]:
    """One row per posed question; ``items`` (question id -> itemstats.ItemStats) adds the item analysis."""
    items = items or {}
    rows = []
    for p in polls:
        q = course.questions.get(p.question_id)
        if q is None:  # content changed since the question was posed
            continue
        d = distribution(q, tallies.get(q.id, AnswerTally(q.id)), p.open, p.revealed)
        rows.append(
            ReportRow(
                question_id=q.id,
                lesson=course.lesson_of_question(q.id),
                type=q.type,
                prompt=q.prompt,
                answers=d.answers,
                share_correct=d.share_correct,
                mean_score=d.mean_score,
                most_chosen_wrong=d.top_wrong.label if d.top_wrong else None,
                most_chosen_wrong_count=d.top_wrong.count if d.top_wrong else 0,
                discrimination=items[q.id].discrimination if q.id in items else None,
                flags=list(items[q.id].flags) if q.id in items else [],
            )
        )
    return rows


REPORT_COLUMNS = [
    "question_id",
    "lesson",
    "type",
    "prompt",
    "answers",
    "share_correct",
    "mean_score",
    "most_chosen_wrong",
    "most_chosen_wrong_count",
    "discrimination",
    "flags",
]


def report_csv(rows: list[ReportRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(REPORT_COLUMNS)
    for r in rows:
        w.writerow(
            [
                "; ".join(v) if isinstance(v := getattr(r, c), list) else "" if v is None else v
                for c in REPORT_COLUMNS
            ]
        )
    return buf.getvalue()


# --------------------------------------------------------------------------- the app
class _AsciiJSON(JSONResponse):
    """JSON with non-ASCII escaped: error texts may quote student input, lone surrogates included."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


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


def _require_body_limit() -> None:
    # FastAPI before 0.164 takes unknown keyword arguments into `app.extra` and ignores them, so an
    # old install would serve without any body limit. Refuse to start rather than run unprotected.
    if "max_body_size" not in inspect.signature(FastAPI.__init__).parameters:
        raise ClassroomError(
            f"FastAPI {fastapi.__version__} cannot limit request bodies; the classroom server needs "
            "fastapi>=0.164 (reinstall with `make lab` or `pip install -e .`)."
        )


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

    def question(qid: str) -> Any:
        q = course.questions.get(qid)
        if q is None:
            raise NotFound(f"no question {qid!r} in the course content")
        return q

    async def teacher(sid: SessionId, key: str | None = Depends(_teacher_key)) -> str:
        if store.teacher_session(sid, key) is None:
            raise Unauthorized("missing or wrong teacher key for this session")
        return sid

    async def student(sid: SessionId, token: str | None = Depends(_student_token)) -> Any:
        st = store.student(sid, token)
        if st is None:
            raise Unauthorized("missing or wrong student token for this session: join again")
        return st

    Teacher = Annotated[str, Depends(teacher)]
    Learner = Annotated[Any, Depends(student)]

    # Handlers are `async def` though the store is synchronous: its calls take well under a
    # millisecond (SQLite, or PostgreSQL on the same machine or network), and running them on the
    # event loop spares two thread hand-offs per request, a third or more of the server's CPU per
    # answer under load (see benchmarks/classroom_load.py). A database far away would stall the loop.

    # -- open to all ----------------------------------------------------------
    @app.get("/api/health", tags=["service"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.post("/api/join", tags=["students"], status_code=201)
    async def join(body: JoinIn) -> JoinOut:
        sess, st, token = store.join(body.code, body.name)
        return JoinOut(session_id=sess.id, student_id=st.id, name=st.name, token=token)

    # -- students ---------------------------------------------------------------
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
        q = question(body.question_id)
        g = grade(q, body.answer, course)  # AnswerError -> 422, nothing stored
        status = store.submit(me, q.id, body.uid, body.answer, g.score, g.correct, picks(q, body.answer))
        return SubmitOut(status=status, question_id=q.id)

    # -- teacher ------------------------------------------------------------------
    def poll_out(p: Any) -> PollOut:
        return PollOut(question_id=p.question_id, open=p.open, revealed=p.revealed)

    @app.get("/api/sessions/{sid}", tags=["teacher"])
    async def session_info(sid: Teacher) -> SessionOut:
        sess = store.session(sid)
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
        return poll_out(store.pose(sid, question(body.question_id).id, body.open))

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
        q = question(qid)
        p = store.poll(sid, qid)
        if p is None:
            raise Conflict(f"{qid}: not posed in this session")
        return distribution(q, store.tallies(sid, qid).get(qid, AnswerTally(qid)), p.open, p.revealed)

    def class_rows(sid: str) -> list[ReportRow]:
        from cramp_lessons.questions.itemstats import analyse, from_class

        items = {s.question_id: s for s in analyse(from_class(store, sid), course)}
        return report_rows(course, store.polls(sid), store.tallies(sid), items)

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

    return app


# --------------------------------------------------------------------------- running
class ThreadedServer:
    """uvicorn on a loopback socket in a background thread: for notebooks, tests and benchmarks."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        import uvicorn

        self.app = app
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on such sockets (else ~40 ms delayed-ACK stalls).
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))  # bound here, so the port is known and cannot be taken meanwhile
        self.host, self.port = self.sock.getsockname()[:2]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        self.thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.sock]},
            daemon=True,
            name=f"classroom-server-{self.port}",
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> "ThreadedServer":
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise ClassroomError(f"the classroom server on {self.url} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
        self.app.state.store.close()


@dataclass
class DemoServer:
    """A throwaway classroom on this machine, with one session ready to use."""

    server: ThreadedServer
    session_id: str
    join_code: str
    teacher_key: str
    tmpdir: str | None = None  # the throwaway database's folder, removed by stop()

    @property
    def url(self) -> str:
        return self.server.url

    def simulate(self, n: int = 12, *, seed: int = 1, p_right: float = 0.6) -> int:
        """Let ``n`` simulated students join (once) and answer the current question. Returns answers sent."""
        import httpx

        course: Course = self.server.app.state.course
        import uuid

        rng = random.Random(seed)  # the same class every run, so a notebook's stored output is stable
        sent = 0
        with httpx.Client(base_url=self.url, timeout=10) as http:
            for k in range(n):
                token = self._tokens.get(k)
                if token is None:
                    r = http.post("/api/join", json={"code": self.join_code, "name": f"Student {k + 1:02d}"})
                    r.raise_for_status()
                    token = self._tokens[k] = r.json()["token"]
                headers = {"X-Student-Token": token}
                st = http.get(f"/api/sessions/{self.session_id}/state", headers=headers).json()
                if not st["question"] or not st["open"]:
                    continue
                q = course.question(st["question"]["id"])
                body = {
                    "uid": uuid.uuid4().hex,
                    "question_id": q.id,
                    "answer": sample_answer(q, rng, p_right),
                }
                sent += http.post(
                    f"/api/sessions/{self.session_id}/answers", json=body, headers=headers
                ).is_success
        return sent

    def stop(self) -> None:
        self.server.stop()
        if self.tmpdir:
            import shutil

            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __post_init__(self) -> None:
        self._tokens: dict[int, str] = {}

    def __repr__(self) -> str:
        return "Demo classroom running on this computer (loopback only): join code and teacher key are in this object."


def sample_answer(q: Any, rng: random.Random, p_right: float = 0.6) -> Any:
    """A plausible answer: right with probability ``p_right``, else a random wrong one (for demos and load tests)."""
    if rng.random() < p_right:
        return right_answer(q)
    if isinstance(q, SingleChoice):
        return rng.choice([o.id for o in q.options if not o.correct])
    if isinstance(q, MultipleSelect):
        ids = [o.id for o in q.options]
        return rng.sample(ids, rng.randint(1, len(ids)))
    if isinstance(q, TrueFalse):
        return not q.answer
    if isinstance(q, Numeric):
        lo, hi = q.bounds
        return round(hi + (hi - lo + 1) * rng.choice([1, 2, 3]) * rng.choice([-1, 1]), 2)
    if isinstance(q, Ordering):
        return rng.sample([i.id for i in q.items], len(q.items))
    if isinstance(q, Matching):
        rights = rng.sample([p.right for p in q.pairs], len(q.pairs))
        return {p.id: r for p, r in zip(q.pairs, rights, strict=True)}
    return right_answer(q)


def demo_server(db_url: str | None = None, *, content_dir: str | None = None) -> DemoServer:
    """Start a classroom server in this process on a free loopback port, with a fresh session.

    The database is a temporary SQLite file unless ``db_url`` is given. Call ``.stop()`` when done.
    """
    tmpdir = None
    if db_url is None:
        import tempfile

        tmpdir = tempfile.mkdtemp(prefix="cramp-classroom-")
        db_url = f"sqlite:///{tmpdir}/classroom.sqlite"
    app = create_app(db_url, content_dir=content_dir)
    new = app.state.store.create_session()
    return DemoServer(ThreadedServer(app).start(), new.id, new.join_code, new.teacher_key, tmpdir)
