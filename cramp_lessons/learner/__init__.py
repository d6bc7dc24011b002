"""One learner's data: the progress store, spaced review, the check-yourself assessment, and the
portable progress file. Everything a learner does is kept here, in one SQLite file."""
