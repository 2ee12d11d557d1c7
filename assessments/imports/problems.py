"""Why a file cannot be imported: every problem, with its line number."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be imported; `line` counts the header as line 1."""

    line: int | None
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        return _("Line %(line)s: %(message)s") % {
            "line": self.line,
            "message": self.message,
        }


class ResponsesImportError(ValueError):
    """Nothing was imported; `problems` lists every reason, in line order."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def fail(message, line=None):
    raise ResponsesImportError([Problem(line, message)])
