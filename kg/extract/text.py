"""A text as the rules read it: one script, its paragraphs, sentences and clauses, its headline and date.

Every rule of kg.extract matches :attr:`Document.norm`, a copy of the text of the same length in which
Traditional characters are Simplified and full-width digits and letters are ASCII, and reports offsets
that are those of the text itself (Unicode code points, as :class:`kg.models.Span` counts them).

No step reads more than a bounded window around a figure: a sentence or a clause longer than
:data:`MAX_SENTENCE` or :data:`MAX_CLAUSE` characters (a table of numbers, a text without stops) is
cut into pieces of that size. That keeps every step linear in the length of the text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from kg.extract.hant import TO_SIMPLIFIED, TRADITIONAL_ONLY

Lang = Literal["zh", "en"]

MAX_SENTENCE = 600
MAX_CLAUSE = 240

#: Full-width ASCII (０-９, Ａ-Ｚ, ％, ＄) and the ideographic space, one character for one.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_NORMALISE = TO_SIMPLIFIED | _FULL_WIDTH

_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?=[\s\"”’)]|$)")
_CLAUSE_END = re.compile(r"[,，;；:：。！？!?\n]|\.(?=[\s\"”’)]|$)")
_NAME_BEFORE = re.compile(r"(?<![A-Za-z])[A-Z][\w&.-]*$")
_NAME_LIST = re.compile(r",\s?(?:and\s)?[A-Z]")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Za-z]|Mr|Mrs|Ms|Dr|Prof|Inc|Corp|Co|Ltd|St|vs|etc|e\.g|i\.e|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept"
    r"|Oct|Nov|Dec|Gov|Sen|Rep|approx)$"
)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
_MONTH = (
    r"(?P<mname>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
#: A page's own date: labelled (发布时间: 2025-11-19, Published: …) or a line that is only a date.
_DATE_LINE = re.compile(
    r"(?:(?:发布时间|发布日期|发表时间|发表于|时间|日期|Published|Updated|Posted|Date)\s*[:：]?\s*|^\s*)"
    r"(?:(?P<y>(?:19|20)\d{2})[-/.年]\s?(?P<m>\d{1,2})[-/.月]\s?(?P<d>\d{1,2})日?"
    rf"|{_MONTH}\s(?P<d2>\d{{1,2}}),?\s(?P<y2>(?:19|20)\d{{2}})"
    rf"|(?P<d3>\d{{1,2}})\s{_MONTH.replace('mname', 'mname3')}\s(?P<y3>(?:19|20)\d{{2}}))",
    re.IGNORECASE | re.MULTILINE,
)


#: Words Taiwan writes otherwise than the mainland, each of the same length as its mainland form.
_PHRASES = (
    ("资料中心", "数据中心"),
    ("人工智慧", "人工智能"),
    ("晶片", "芯片"),
    ("伺服器", "服务器"),
    ("网路", "网络"),
    ("软体", "软件"),
    ("硬体", "硬件"),
)


def normalise(text: str) -> str:
    """The text in Simplified characters (and mainland words) and ASCII digits, of the same length."""
    simplified = text.translate(_NORMALISE)
    for taiwan, mainland in _PHRASES:
        if taiwan in simplified:
            simplified = simplified.replace(taiwan, mainland)
    return simplified


def detect_lang(text: str) -> Lang:
    """zh when Chinese characters are a fair part of the text's letters."""
    sample = text[:20000]
    chinese = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in sample if c.isascii() and c.isalpha())
    return "zh" if chinese * 3 >= latin else "en"


def language_tag(text: str, lang: Lang) -> str:
    """BCP 47 tag of the text: en, zh, or zh-Hant where Traditional-only characters are common."""
    if lang == "en":
        return "en"
    sample = text[:20000]
    chinese = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff")
    traditional = sum(1 for c in sample if c in TRADITIONAL_ONLY)
    return "zh-Hant" if chinese and traditional * 20 >= chinese else "zh"


def date_in(text: str) -> date | None:
    """The date a page gives itself near its top (发布时间: 2025-11-19, "August 20, 2025" on a line), if any."""
    for match in _DATE_LINE.finditer(text, 0, min(len(text), 600)):
        if match["y"]:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        else:
            name = match["mname"] or match["mname3"]
            year, day = int(match["y2"] or match["y3"]), int(match["d2"] or match["d3"])
            month = next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(name.lower()[:3]))
        line_end = text.find("\n", match.end())
        rest = text[match.end() : line_end if line_end != -1 else len(text)]
        labelled = not text[match.start() : match.start("y") if match["y"] else match.start()].isspace()
        if not labelled and match.start() != text.rfind("\n", 0, match.start()) + 1 and len(rest.strip()) > 20:
            continue  # a date inside a sentence is an event's, not the page's
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


@dataclass
class Document:
    """A text with its boundaries found once: sentences, clauses, paragraphs, headings."""

    text: str
    lang: Lang
    published: date | None = None
    norm: str = field(init=False)
    language: str = field(init=False)  # en, zh or zh-Hant
    sentence_starts: list[int] = field(init=False)
    clause_ends: list[int] = field(init=False)
    paragraph_starts: list[int] = field(init=False)
    headings: set[int] = field(init=False)  # indexes of paragraphs that are a headline or a heading
    _clauses: dict[tuple[int, int], tuple[int, int]] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.norm = normalise(self.text)
        self.language = language_tag(self.text, self.lang)
        self.sentence_starts = _cut([0, *self._boundaries(_SENTENCE_END)], len(self.text), MAX_SENTENCE)
        clause_starts = _cut(
            [0, *(end + 1 for end in self._boundaries(_CLAUSE_END, ends=True))], len(self.text), MAX_CLAUSE
        )
        self.clause_ends = [start - 1 for start in clause_starts[1:]]
        self.paragraph_starts = [0, *(m.end() for m in re.finditer(r"\n", self.text))]
        self.headings = {i for i in range(len(self.paragraph_starts)) if self._is_heading(i)}

    def _boundaries(self, pattern: re.Pattern[str], ends: bool = False) -> list[int]:
        """Offsets just past each sentence (or at each clause) end; a thousands comma or U.S. ends nothing."""
        found = []
        text = self.norm
        for match in pattern.finditer(text):
            at = match.start()
            char = text[at]
            if char == "," and 0 < at < len(text) - 3 and text[at - 1].isdigit() and text[at + 1 : at + 4].isdigit():
                continue
            if char == "," and _NAME_LIST.match(text, at) and _NAME_BEFORE.search(text, max(0, at - 30), at):
                continue  # Microsoft, Meta and Alphabet: one clause
            if char == "." and _ABBREVIATION.search(text, max(0, at - 6), at):
                continue
            found.append(at if ends else at + 1)
        return found

    def _is_heading(self, index: int) -> bool:
        """A short line that is no sentence: a headline, a sub-heading (not a list item or a date line)."""
        start, end = self.paragraph(index)
        line = self.text[start:end].strip()
        if not line or len(line) > (40 if self.lang == "zh" else 110) or line[-1] in '。.!?！？:：,，;；”"…)）':
            return False
        if line[0] in "-•*·" or re.fullmatch(r"[\d\s,./:年月日-]+|.*\d{4}", line):
            return False
        if self.lang == "en":
            words = re.findall(r"[A-Za-z][\w’'-]*", line)
            capitalised = sum(w[0].isupper() for w in words if len(w) > 3)
            return len(words) >= 2 and capitalised * 2 >= sum(len(w) > 3 for w in words)
        return True

    # -- where a position is

    def sentence_of(self, position: int) -> tuple[int, int, int]:
        """Index, start and end of the sentence holding a position."""
        index = bisect.bisect_right(self.sentence_starts, position) - 1
        start = self.sentence_starts[index]
        end = self.sentence_starts[index + 1] if index + 1 < len(self.sentence_starts) else len(self.text)
        return index, start, end

    def clause_of(self, start: int, end: int) -> tuple[int, int]:
        """The clause around [start, end): between the separators before and after, spaces trimmed."""
        key = (start, end)
        if key not in self._clauses:
            self._clauses[key] = self._clause_of(start, end)
        return self._clauses[key]

    def _clause_of(self, start: int, end: int) -> tuple[int, int]:
        index = bisect.bisect_left(self.clause_ends, start)
        first = self.clause_ends[index - 1] + 1 if index > 0 else 0
        after = bisect.bisect_left(self.clause_ends, end)
        last = self.clause_ends[after] if after < len(self.clause_ends) else len(self.text)
        last = max(last, end)
        while first < start and self.text[first].isspace():
            first += 1
        while last > end and self.text[last - 1].isspace():
            last -= 1
        return first, last

    def clauses_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The clauses of [start, end), in order: (start, end) of each."""
        first = bisect.bisect_left(self.clause_ends, start)
        last = bisect.bisect_left(self.clause_ends, end)
        bounds = [start, *(e + 1 for e in self.clause_ends[first:last]), end]
        return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]

    def paragraph_index(self, position: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, position) - 1

    def paragraph(self, index: int) -> tuple[int, int]:
        start = self.paragraph_starts[index]
        end = self.paragraph_starts[index + 1] - 1 if index + 1 < len(self.paragraph_starts) else len(self.text)
        return start, end

    def in_heading(self, position: int) -> bool:
        return self.paragraph_index(position) in self.headings

    def headline(self) -> tuple[int, int] | None:
        """The first line when it is a heading: the article's title."""
        first = next(
            (i for i in range(len(self.paragraph_starts)) if self.text[slice(*self.paragraph(i))].strip()), None
        )
        return self.paragraph(first) if first is not None and first in self.headings else None


def _cut(starts: list[int], length: int, most: int) -> list[int]:
    """Starts with extra ones, so that no piece is longer than ``most`` characters."""
    cut = []
    for start, end in zip(starts, [*starts[1:], length], strict=True):
        cut.append(start)
        cut.extend(range(start + most, end, most))
    return cut
