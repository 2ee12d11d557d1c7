"""Server-made SVG charts, one implementation for the results page and the PDF.

Input: the `dimensions` rows of `results.build_results_context` and the names of
the organisations shown. Nothing here queries or scores.

- `svg`: the building blocks (escaped elements and text, markers, legends, colours).
- `radar`: `radar_chart`, the scores per dimension.
- `zipper`: `zipper_chart`, where the partners differ.
"""

from .radar import radar_chart
from .zipper import zipper_chart

__all__ = ["radar_chart", "zipper_chart"]
