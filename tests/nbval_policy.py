"""What nbval compares in the stored notebooks: what a learner reads, never the arrays of a figure.

nbval already leaves out widget views and images. A plotly figure is a picture too, and its float
arrays carry the last bits of numpy's SIMD sin/cos/exp, which differ between CPUs (with and without
AVX-512), so comparing them byte for byte fails on any machine but the one that ran the notebook.
Every figure is shown beside a text summary (`text/plain`), which nbval still compares; the
figure data themselves are checked by unit tests with tolerances.

Loaded as a pytest plugin by the root conftest (and by `-p tests.nbval_policy` in its own test).
"""

from nbval.plugin import IPyNbFile

FIGURE_MIMES = ("application/vnd.plotly.v1+json",)


def pytest_collectstart(collector):
    if isinstance(collector, IPyNbFile):
        collector.skip_compare = (*collector.skip_compare, *FIGURE_MIMES)
