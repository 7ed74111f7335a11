"""Text people type into a plan (issue, mitigation, progress, highlights), kept as they wrote it:
a line starting with "-", "•", "*" or "o " is a bullet, consecutive bullets one list, any other
line a paragraph. The pages (the ``paragraphs`` filter), the print view and the Word document all
read it through ``blocks``, so a mitigation never runs together into one paragraph."""

import re

_BULLET = re.compile(r"^\s*(?:[-•*]|o\s)\s*")


def bullet_text(line: str) -> str | None:
    """The line without its bullet mark, or None when it is not a bullet."""
    match = _BULLET.match(line)
    return line[match.end() :].strip() if match else None


def blocks(text: str | None) -> list[tuple[str, str | list[str]]]:
    """``[("p", "a paragraph"), ("ul", ["a bullet", "another"]), ...]``; blank lines dropped."""
    result: list[tuple[str, str | list[str]]] = []
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    for line in text.split("\n"):
        if not line.strip():
            continue
        item = bullet_text(line)
        if item is None:
            result.append(("p", line.strip()))
        elif item:
            if result and result[-1][0] == "ul":
                result[-1][1].append(item)
            else:
                result.append(("ul", [item]))
    return result


def lines(text: str | None) -> list[str]:
    """Every non-blank line without its bullet mark: one highlight per line."""
    found = []
    for kind, value in blocks(text):
        found += value if kind == "ul" else [value]
    return found
