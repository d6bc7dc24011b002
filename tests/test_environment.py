"""pyproject.toml (ranges), the locks (exact versions and hashes) and environment.yml agree."""

import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import sync_environment as env  # noqa: E402

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
BUILD = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]


def test_environment_yml_is_generated_from_the_lock():
    assert (ROOT / "environment.yml").read_text() == env.render(), (
        "run `make lock` (tools/sync_environment.py)"
    )


def test_environment_yml_holds_every_direct_dependency_tests_included():
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in conda["dependencies"] if isinstance(d, dict))
    names = {canonicalize_name(Requirement(p).name) for p in pip if not p.startswith("-")}
    assert {canonicalize_name(r.name) for r in env.direct_requirements()} == names
    assert {"nbval", "pytest", "playwright", "jupyterlab", "ipywidgets", "plotly"} <= names
    python = next(d for d in conda["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(python.split("=")[1] + ".0")


@pytest.mark.parametrize("lock", ["lab.lock", "test.lock"])
def test_every_locked_direct_dependency_satisfies_its_range(lock):
    pins = env.lock_pins(lock)
    wanted = RUNTIME + BUILD + (env.direct_requirements() if lock == "test.lock" else [])
    for req in wanted:
        versions = pins.get(canonicalize_name(req.name))
        assert versions, f"{req.name} is missing from requirements/{lock}"
        for version, _marker in versions:
            assert req.specifier.contains(version, prereleases=True), (
                f"{lock}: {req.name}=={version} not {req}"
            )


def test_the_lab_lock_pins_the_same_versions_as_the_test_lock():
    lab, test = env.lock_pins("lab.lock"), env.lock_pins("test.lock")
    assert {k: lab[k] for k in lab} == {k: test[k] for k in lab}


@pytest.mark.parametrize("lock", ["lab.lock", "test.lock"])
def test_every_locked_package_has_hashes(lock):
    text = (ROOT / "requirements" / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    for entry in entries:
        if env.PIN.match(entry.splitlines()[0]):
            assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_make_installs_from_the_locks_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    for lock in ("lab.lock", "test.lock"):
        assert f"--require-hashes -r requirements/{lock}" in makefile
    # The package itself goes in without resolving anything again.
    assert "--no-deps --no-build-isolation -e ." in makefile


def test_build_tools_are_locked_as_pyproject_asks():
    build_in = [
        Requirement(x)
        for x in (ROOT / "requirements" / "build.in").read_text().splitlines()
        if x[:1].isalpha()
    ]
    assert {canonicalize_name(r.name) for r in build_in} == {canonicalize_name(r.name) for r in BUILD}
