"""The package's own error classes: every bad input raises one of these with a clear message."""


class CrampLessonsError(Exception):
    """Base class for every error the course raises on purpose."""


class ContentError(CrampLessonsError):
    """Course content is malformed. Names the file, the item and the field."""

    def __init__(self, file: str, item: str, field: str, problem: str):
        self.file, self.item, self.field, self.problem = file, item, field, problem
        super().__init__(f"{file}: item {item!r}, field {field!r}: {problem}")


class AnswerError(CrampLessonsError, ValueError):
    """A quiz answer has the wrong form (type, unknown option, empty). Never graded as wrong."""


class ProgressError(CrampLessonsError):
    """The progress store or a progress file cannot be used as asked."""
