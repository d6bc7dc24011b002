"""OpenAPI-driven fuzzing (schemathesis) of the live server on loopback: no input, valid or
invalid, gives a 5xx, and every 2xx body matches the documented schema. Bounded: a few
dozen examples per operation and mode.

Requests carry a real teacher key and student token and, often, real question ids, so the
fuzzer reaches grading and storage instead of stopping at 401 and 404.

(schemathesis' own pytest plugin does not work with pytest 9, so each operation's strategy
is run under ``hypothesis.given`` here.)
"""

from __future__ import annotations

import zlib

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from cramp_lessons.classroom.server.app import create_app
from cramp_lessons.course.model import load_course
from tests.classroom.conftest import FIXTURE, new_classroom

QUESTIONS = sorted(load_course(FIXTURE).questions)
OPENAPI = create_app("sqlite://", content_dir=str(FIXTURE)).openapi()  # the document, built without a server
SCHEMA = schemathesis.openapi.from_dict(OPENAPI)
OPERATIONS = {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in SCHEMA.get_all_operations())}
# Negative mode needs something to break: an operation with no input (GET /api/health) has none.
CASES = [
    (label, mode)
    for label in sorted(OPERATIONS)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE
    or any(
        k in OPENAPI["paths"][OPERATIONS[label].path][OPERATIONS[label].method.lower()]
        for k in ("parameters", "requestBody")
    )
]


@pytest.fixture
def fuzz_room(live):
    with httpx.Client(base_url=live.url, timeout=10) as http:
        room = new_classroom(live.url, live.db_url, http)
        room.student = room.join("Fuzz")
        room.t("POST", "/pose", json={"question_id": QUESTIONS[0]})
        yield room


def test_the_server_documents_the_same_api(live):
    assert httpx.get(f"{live.url}/openapi.json").json() == OPENAPI


def _pick(seed: object) -> str | None:
    """A real question id for about two cases in three, chosen from the case itself (reproducible)."""
    k = zlib.crc32(repr(seed).encode())
    return QUESTIONS[k % len(QUESTIONS)] if k % 3 else None


@pytest.mark.parametrize(("operation", "mode"), CASES, ids=[f"{op}-{mode}" for op, mode in CASES])
def test_no_input_makes_the_server_fail(operation, mode, fuzz_room, live):
    @given(case=OPERATIONS[operation].as_strategy(generation_mode=mode))
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        params = case.path_parameters or {}
        if "sid" in params:
            params["sid"] = fuzz_room.sid
        if "qid" in params and (q := _pick(params["qid"])):
            params["qid"] = q
        if (
            isinstance(case.body, dict)
            and isinstance(case.body.get("question_id"), str)
            and (q := _pick(case.body))
        ):
            case.body["question_id"] = q
        case.call_and_validate(
            base_url=live.url,
            headers={**fuzz_room.teacher, **fuzz_room.student},
            checks=[not_a_server_error, response_schema_conformance],
        )

    run()
