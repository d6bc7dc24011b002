"""The course as a static website (``make site``): the lessons' own MyST sources, built by Sphinx.

No kernel runs: each code cell's call (``show``, ``quiz``, ``show_explorer``...) is rendered by a
static renderer (``render.py``) that reuses the notebook front ends' text, and the browser parts
mount where ``mounts.py`` says.
"""
