"""The ``cramp-lessons`` command: ``main`` builds the parser; ``content``, ``learner`` and ``classroom``
add their commands, with the helpers they share in ``base``."""
