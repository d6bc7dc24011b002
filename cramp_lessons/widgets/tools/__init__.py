"""The practical tools' notebook front ends, one module per tool: relief routine timer
(``routine``), prevention planner (``planner``), cramp diary (``diary``), red-flag checker
(``redflags``) and cause finder (``causefinder``); what they share is in ``base``.

Thin front ends over the pure modules of :mod:`cramp_lessons.practical`. Every control is a
labelled native ipywidget; every tool has a one-line text summary in a ``role=status`` element
and prints it when displayed, for screen readers and nbval.
"""
