"""The ``cramp-lessons`` command: ``main`` builds the parser; ``learner`` and ``classroom`` add their subcommands."""
