"""Find user-visible English in templates that is not marked for translation.

Django's own template lexer splits each template into text, variables and tags. Text outside
{% blocktranslate %}...{% endblocktranslate %} and {% comment %} blocks is stripped of markup
(tags, <script>/<style> contents, entities) and whatever words remain are unmarked text. The
values of attributes people read or hear (aria-label, title, alt, placeholder, value of
buttons) are checked the same way, and so are quoted literals given to template filters
(`|default:"Nothing"`), which Django renders as they are.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from django.template.base import Lexer, TokenType

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

#: Words that are the same in every language: the product's name, units, symbols.
ALLOWED = {"PT Tracker", "PT", "Tracker", "OK", "CSV", "JSON", "ZIP", "NPRS", "DN4", "TOTP"}

_OPENERS = {"blocktranslate", "blocktrans", "comment"}
#: Blocks whose text is a class name in base.html's markup, not words.
_CLASS_BLOCKS = {"body_class", "main_class"}
_CLOSERS = {"endblocktranslate", "endblocktrans", "endcomment"}
_INVISIBLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
_READ_ATTRIBUTES = re.compile(
    r"""\b(aria-label|title|alt|placeholder|data-[\w-]*text|data-[\w-]*prefix)\s*=\s*(["'])(.*?)\2""",
    re.S,
)
_FILTER_LITERAL = re.compile(r"""\|\s*(default|default_if_none)\s*:\s*(["'])(.*?)\2""")
_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class Unmarked:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


def _words(text: str) -> str:
    text = html.unescape(text)
    for allowed in sorted(ALLOWED, key=len, reverse=True):
        text = text.replace(allowed, " ")
    return " ".join(text.split()) if _WORD.search(text) else ""


def _skeleton(source: str) -> tuple[str, list[tuple[int, str]]]:
    """The template with what is translated or computed taken out: text outside
    {% blocktranslate %} and {% comment %} as it is, each {{ variable }} as "X" and each tag as a
    space (line breaks kept, so positions map back to lines). Also returns the quoted literals
    given to |default filters, with their lines."""
    parts: list[str] = []
    literals: list[tuple[int, str]] = []
    depth = 0
    class_block = False
    for token in Lexer(source).tokenize():
        lines = "\n" * token.contents.count("\n")
        if token.token_type == TokenType.BLOCK:
            bits = token.contents.split() or [""]
            command = bits[0]
            if command in _OPENERS or (
                command == "block" and bits[1:2] and bits[1] in _CLASS_BLOCKS
            ):
                depth += 1
                class_block = command == "block"
            elif command in _CLOSERS or (command == "endblock" and class_block):
                depth = max(0, depth - 1)
                class_block = False
            parts.append(" " + lines)
        elif token.token_type == TokenType.VAR:
            if depth == 0:
                for match in _FILTER_LITERAL.finditer(token.contents):
                    literals.append((token.lineno, match.group(3)))
            parts.append(("X" if depth == 0 else " ") + lines)
        elif token.token_type == TokenType.TEXT:
            parts.append(token.contents if depth == 0 else lines)
        else:
            parts.append(lines)
    return "".join(parts), literals


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def unmarked_text(path: Path) -> list[Unmarked]:
    return unmarked_in_source(str(path.relative_to(TEMPLATES)), path.read_text())


def unmarked_in_source(name: str, source: str) -> list[Unmarked]:
    skeleton, literals = _skeleton(source)
    found: list[Unmarked] = []
    # Script and style bodies are not read; blank them, keeping line breaks.
    skeleton = _INVISIBLE.sub(lambda m: "\n" * m.group(0).count("\n"), skeleton)
    for match in _READ_ATTRIBUTES.finditer(skeleton):
        words = _words(match.group(3))
        if words:
            found.append(
                Unmarked(name, _line(skeleton, match.start()), f"{match.group(1)}={words}")
            )
    # Text between tags: blank every tag, keeping line breaks.
    text_only = _TAG.sub(lambda m: " " + "\n" * m.group(0).count("\n"), skeleton)
    for match in re.finditer(r"[^\n]+", text_only):
        words = _words(match.group(0))
        if words:
            found.append(Unmarked(name, _line(text_only, match.start()), words))
    for line, literal in literals:
        # Literals that read as words (a capital or a space); CSS classes and codes are not.
        if _words(literal) and re.search(r"[A-Z ]", literal):
            found.append(Unmarked(name, line, f"|default:{literal!r}"))
    return found


def all_templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
