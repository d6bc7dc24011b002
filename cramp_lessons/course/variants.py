"""Question variants drawn from the course's own models: each learner gets their own numbers.

A question in a bank with ``generator: <name>`` is a template: its prompt, explanation, hint and
option feedback may hold ``{placeholders}``. The generator draws a situation from a seed (the
learner's, or a sitting's) and computes the right answer with the same model the explorers use,
so the answer and the worked explanation can never disagree with the model. A numeric template
gets ``value`` and ``tolerance``; a single-choice template gets which of its options is right.

- :func:`instance` makes the concrete question for a seed. The course keeps each variant's
  instance for the seed ``"course"`` (so exports, the classroom and the teacher guide show one
  fixed draw) and remembers the template, so a widget can draw the learner's own.
- A learner's answer to a variant is stored with its seed (``{"seed": ..., "answer": ...}``), so it
  can be re-graded (``grading.check``) and a teacher can see which variant a student had.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from cramp_lessons.errors import CrampLessonsError

__all__ = [
    "GENERATORS",
    "COURSE_SEED",
    "VariantError",
    "Generator",
    "instance",
    "settle",
    "is_variant_answer",
    "plain_answer",
]

COURSE_SEED = "course"


class VariantError(CrampLessonsError, ValueError):
    """A variant template that its generator cannot fill (unknown generator, placeholder, option)."""

    def __init__(self, question_id: str, problem: str) -> None:
        super().__init__(f"{question_id}: {problem}")
        self.question_id, self.problem = question_id, problem


@dataclass(frozen=True)
class Generator:
    kind: str  # the question type it fills: "numeric" or "single"
    draw: Callable[[random.Random], dict[str, Any]]  # placeholders, plus value/tolerance or correct
    about: str  # which model, in a few words


T = TypeVar("T")


def _pick(rng: random.Random, values: Iterable[T]) -> T:
    return rng.choice(list(values))


# ------------------------------------------------------------------ the generators
def _flow(rng: random.Random) -> dict[str, Any]:
    from cramp_lessons.physiology.circulation import relative_flow

    r = _pick(rng, (50, 60, 70, 75, 80, 85, 90))
    flow = 100 * float(relative_flow(r / 100))
    return {"radius": r, "flow": f"{flow:.1f}", "value": round(flow, 1), "tolerance": max(0.5, 0.03 * flow)}


def _abi_pressures(rng: random.Random) -> tuple[int, int, float]:
    from cramp_lessons.physiology.circulation import ankle_brachial_index

    arm = _pick(rng, range(110, 162, 2))
    ankle = _pick(rng, range(70, 236, 2))
    return ankle, arm, ankle_brachial_index(ankle, arm)


def _abi_value(rng: random.Random) -> dict[str, Any]:
    ankle, arm, abi = _abi_pressures(rng)
    return {"ankle": ankle, "arm": arm, "abi": f"{abi:.2f}", "value": round(abi, 2), "tolerance": 0.01}


def _abi_band(rng: random.Random) -> dict[str, Any]:
    from cramp_lessons.physiology.circulation import abi_band

    ankle, arm, abi = _abi_pressures(rng)
    band = abi_band(abi)
    return {"ankle": ankle, "arm": arm, "abi": f"{abi:.2f}", "band": band.label, "correct": band.id}


def _sweat(rng: random.Random) -> dict[str, Any]:
    from cramp_lessons.physiology.sweat import sweat_balance

    mass = _pick(rng, range(55, 96, 5))
    rate = _pick(rng, (0.8, 1.2, 1.5, 1.8))
    hours = _pick(rng, (1.5, 2, 2.5, 3))
    drunk = _pick(rng, [d for d in (0.5, 1.0, 1.5) if d < rate * hours])  # a loss, never a gain
    b = sweat_balance(duration_h=hours, sweat_rate_l_per_h=rate, fluid_drunk_l=drunk, body_mass_kg=mass)
    pct = b.net_fluid_deficit_pct_body_mass
    return {
        "mass": mass,
        "rate": f"{rate:g}",
        "hours": f"{hours:g}",
        "drunk": f"{drunk:.1f}",
        "lost": f"{b.fluid_lost_l:g}",
        "deficit": f"{b.net_fluid_deficit_l:g}",
        "pct": f"{pct:.1f}",
        "value": round(pct, 1),
        "tolerance": 0.2,
    }


def _sodium(rng: random.Random) -> dict[str, Any]:
    from cramp_lessons.physiology.sweat import sweat_balance

    rate = _pick(rng, (0.8, 1.2, 1.5))
    hours = _pick(rng, (2, 3))
    sodium = _pick(rng, (400, 600, 800, 1000, 1200))
    b = sweat_balance(duration_h=hours, sweat_rate_l_per_h=rate, sweat_sodium_mg_per_l=sodium)
    mg = b.sodium_lost_mg
    return {
        "rate": f"{rate:g}",
        "hours": f"{hours:g}",
        "sodium": sodium,
        "lost": f"{b.fluid_lost_l:g}",
        "mg": f"{mg:.0f}",
        "value": round(mg),
        "tolerance": max(10.0, 0.02 * mg),
    }


def _cold_twitch(rng: random.Random) -> dict[str, Any]:
    from cramp_lessons.physiology.twitch import Q10_CONTRACTION, T_REF_C, twitch_times

    warm = _pick(rng, range(40, 91, 5))
    temp = _pick(rng, (30, 25))  # the Q10 was measured between 35 and 25 °C: stay inside it
    slow = twitch_times(temp, warm).contraction_ms
    factor = Q10_CONTRACTION ** ((T_REF_C - temp) / 10)
    return {
        "warm": warm,
        "temp": temp,
        "q10": f"{Q10_CONTRACTION:g}",
        "factor": f"{factor:.2f}",
        "slow": f"{slow:.0f}",
        "value": round(slow),
        "tolerance": max(2.0, 0.04 * slow),
    }


def _fusion(rng: random.Random) -> dict[str, Any]:
    from cramp_lessons.physiology.twitch import fusion_index, fusion_word

    while True:  # no draw near a cut-off of the words: the answer must be clear-cut
        temp = _pick(rng, (35, 25, 20))
        rate = _pick(rng, (3, 8, 12, 20, 30, 45))
        f = fusion_index(rate, temp)
        if not (0.05 < f < 0.15 or 0.85 < f < 0.95):
            break
    word = fusion_word(f)
    correct = {"separate twitches": "separate", "an unfused tetanus": "unfused"}.get(word, "fused")
    return {"temp": temp, "rate": rate, "fusion": f"{f:.0%}", "word": word, "correct": correct}


def _calf_length(rng: random.Random) -> dict[str, Any]:
    from cramp_lessons.physiology.leg import leg_state, length_word

    while True:  # at least 4% from standing length, so "shorter" or "longer" is clear-cut
        knee = _pick(rng, (0, 20, 45, 90))
        ankle = _pick(rng, (-40, -30, -20, -10, 0, 10, 20))
        s = leg_state(knee, ankle)
        if abs(s.gastrocnemius_fraction - 1) >= 0.04:
            break
    word = length_word(s.gastrocnemius_fraction)
    correct = {"stretched": "stretched", "shortened": "shortened"}.get(word, "same")
    pointed = (
        f"pointed {abs(ankle)}° down"
        if ankle < 0
        else ("at neutral" if ankle == 0 else f"pulled {ankle}° up")
    )
    return {
        "knee": knee,
        "ankle": pointed,
        "pct": f"{100 * s.gastrocnemius_fraction:.0f}",
        "word": word,
        "correct": correct,
    }


def _calcium_fires(rng: random.Random) -> dict[str, Any]:
    from cramp_lessons.physiology.excitability import rest_unstable

    ca = _pick(rng, (0.7, 0.8, 0.9, 0.95, 1.1, 1.2, 1.3, 1.5))
    fires = bool(rest_unstable(ca))
    return {
        "ca": f"{ca:g}",
        "verdict": "fires on its own" if fires else "stays at rest",
        "correct": "fires" if fires else "rests",
    }


def _reflex(rng: random.Random) -> dict[str, Any]:
    from cramp_lessons.physiology.reflex import simulate

    fatigue = _pick(rng, (0.0, 0.2, 0.4, 0.6, 0.8, 1.0))
    res = simulate(fatigue)
    return {
        "fatigue": f"{fatigue:.1f}",
        "verdict": "keeps firing: a cramp" if res.cramped else "calms down: no cramp",
        "correct": "cramp" if res.cramped else "calm",
    }


GENERATORS: dict[str, Generator] = {
    "flow_from_radius": Generator("numeric", _flow, "Poiseuille flow (lesson 04)"),
    "abi_value": Generator("numeric", _abi_value, "ankle-brachial index (lesson 04)"),
    "abi_band": Generator("single", _abi_band, "ABI bands of the 2016 AHA/ACC guideline (lesson 04)"),
    "sweat_deficit": Generator("numeric", _sweat, "sweat balance (lesson 03)"),
    "sweat_sodium": Generator("numeric", _sodium, "sodium lost in sweat (lesson 03)"),
    "cold_twitch": Generator("numeric", _cold_twitch, "twitch time and Q10 (lesson 03)"),
    "twitch_fusion": Generator("single", _fusion, "twitch summation with temperature (lessons 01, 03)"),
    "calf_length": Generator("single", _calf_length, "leg geometry (lesson 05)"),
    "calcium_fires": Generator("single", _calcium_fires, "the excitability model (lesson 02)"),
    "reflex_fatigue": Generator("single", _reflex, "the reflex loop with fatigue (lesson 03)"),
}


# ------------------------------------------------------------------ making a question
def _fields(text: str | None) -> set[str]:
    if not text:
        return set()
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _fill(text: str | None, params: dict[str, Any], qid: str, where: str) -> str | None:
    if text is None:
        return None
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError) as e:
        raise VariantError(qid, f"{where} has a placeholder the generator does not give ({e})") from None


# A question is typed Any here: the model imports this module (to settle each variant as it loads a
# bank), so this module may not import the model's Question (no import cycles within a folder).
def instance(question: Any, seed: str | int) -> Any:
    """The concrete question of a variant template for ``seed`` (the question itself if not a variant)."""
    template = getattr(question, "_template", None) or question
    name = getattr(template, "generator", None)
    if not name:
        return question
    gen = GENERATORS.get(name)
    if gen is None:
        raise VariantError(template.id, f"no generator {name!r}; known: {', '.join(sorted(GENERATORS))}")
    if gen.kind != template.type:
        raise VariantError(template.id, f"generator {name!r} makes {gen.kind} questions, not {template.type}")
    params = gen.draw(random.Random(f"{seed}:{template.id}"))
    qid = template.id
    update: dict[str, Any] = {
        "prompt": _fill(template.prompt, params, qid, "the prompt"),
        "explanation": _fill(template.explanation, params, qid, "the explanation"),
        "hint": _fill(template.hint, params, qid, "the hint"),
    }
    if gen.kind == "numeric":
        update.update(value=float(params["value"]), tolerance=float(params["tolerance"]), min=None, max=None)
    else:
        ids = [o.id for o in template.options]
        if params["correct"] not in ids:
            raise VariantError(
                qid, f"the generator's answer {params['correct']!r} is none of the options {ids}"
            )
        update["options"] = [
            o.model_copy(
                update={
                    "correct": o.id == params["correct"],
                    "text": _fill(o.text, params, qid, f"option {o.id!r}"),
                    "feedback": _fill(o.feedback, params, qid, f"the feedback of option {o.id!r}"),
                }
            )
            for o in template.options
        ]
    q = template.model_copy(update=update)
    q._template = template
    q._seed = str(seed)
    return q


def settle(question: Any) -> Any:
    """The course's own draw of a variant (seed ``"course"``), checked on a few seeds first: every
    draw must fill every placeholder, and a choice generator's answer must be one of the options."""
    for k in range(12):
        instance(question, f"check-{k}")
    return instance(question, COURSE_SEED)


def is_variant_answer(answer: Any) -> bool:
    """A stored answer to a variant: ``{"seed": ..., "answer": ...}``."""
    return isinstance(answer, dict) and set(answer) == {"seed", "answer"}


def plain_answer(answer: Any) -> Any:
    """The learner's choice in a stored answer: a variant's without its seed, any other as it is."""
    return answer["answer"] if is_variant_answer(answer) else answer
