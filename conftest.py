"""Every test run, nbval's kernels included, uses a fresh progress store, never the learner's."""

import os
import tempfile


def pytest_configure(config):
    os.environ["CRAMP_LESSONS_HOME"] = tempfile.mkdtemp(prefix="cramp-lessons-test-")
