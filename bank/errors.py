"""The one error the question bank raises."""

from __future__ import annotations

from collections.abc import Sequence


class BankError(ValueError):
    """A question file (packaged or community) is invalid, or a principle is unknown.

    ``problems`` lists every reason found, each naming the file and the entry, so a
    contributor can fix a file in one pass instead of one error at a time.
    """

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))
