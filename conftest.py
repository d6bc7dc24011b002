"""Every test run, nbval's kernels included, uses a fresh progress store, never the learner's."""

import os
import tempfile

# nbval compares text, never figure arrays (see tests/nbval_policy.py).
pytest_plugins = ["tests.nbval_policy"]


def pytest_configure(config):
    os.environ["CRAMP_LESSONS_HOME"] = tempfile.mkdtemp(prefix="cramp-lessons-test-")
