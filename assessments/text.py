"""Text normalisation shared by forms and e-mails."""

import unicodedata

# Control characters, and the line and paragraph separators text editors insert.
_BREAKING = {"Cc", "Zl", "Zp"}


def single_line(text: str) -> str:
    """`text` on one line: control characters and line breaks become spaces, runs
    of whitespace one space, none at either end.

    Names and labels end up in e-mail subjects and bodies, CSV rows and page
    titles; a line break in one would start a new line of the message there.
    """
    spaced = "".join(
        " " if unicodedata.category(char) in _BREAKING else char for char in text
    )
    return " ".join(spaced.split())
