"""When a figure holds: the period expressions of a text, resolved to kg.models.Period labels.

Written periods (2025年上半年, Q3 2025, FY2025, 2013年至2024年, by 2028, since 2022, 29 October) and
relative ones resolved against the publication date (今年上半年, 前三季度, 去年, the fourth quarter,
in May, this year, quarterly, last week, 今年以来 and year to date, 截至9月底, over the next four
years, the past decade). A figure takes the period of its own clause; else the one of its sentence;
else a period with a written year in the sentence before it (the year a paragraph opened with). A
change (a percentage, a multiple) skips the period it is measured from (较去年同期, from December,
the previous year), and a period that belongs to another figure (the one between) is not borrowed.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from kg.extract.lexicon import alternation, words
from kg.extract.text import Document
from kg.models import Period

_Y = r"(?:19|20)\d{2}"
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_NAMES += "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_NUMBER_WORDS = r"\d+|two|three|four|five|six|seven|eight|nine|ten|several|a few"
# A period with a year (2025年上半年, Q3 2025) or without one, resolved against the publication date.
# Digits and Chinese first, then English words, each branch entered by its first character (re tries
# every alternative at every start); a kind's English forms are named kind__en.
_PERIODS_ZH = (
    rf"(?P<fy>(?P<fy_y2>{_Y})\s?财年)"
    rf"|(?P<months>(?:(?P<mz_y>{_Y})\s?年|(?P<mz_rel>今年|去年|明年))?\s?前\s?"
    rf"(?:(?P<mz_n>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s?个月|(?P<mz_q>[一二三])\s?季度))"
    rf"|(?P<half>(?P<hz_y>{_Y})\s?年\s?(?P<hz_h>上|下)半年|(?P<hr_rel>今年|去年|明年)?(?P<hr_h>上|下)半年(?!度))"
    rf"|(?P<quarter>(?P<qz_y>{_Y})\s?年\s?第?(?P<qz_q>[一二三四1-4])季度|(?P<qr_rel>今年|去年|明年)?第?(?P<qr_q>[一二三四1-4])\s?季度)"
    rf"|(?P<span>(?:从|自)?\s?(?P<rz_a>{_Y})\s?年?\s?(?:至|到|-|–|—|~)\s?(?P<rz_b>{_Y})\s?年"
    rf"|(?<!\d)(?P<re_a2>{_Y})\s?[-–]\s?(?P<re_b2>{_Y})(?!\d))"
    rf"|(?P<ytd>(?:截至|截止到?|到)\s?(?:(?P<ct_y>{_Y})\s?年|(?P<ct_rel>今年|去年))?\s?(?<!\d)(?P<ct_m>1[0-2]|0?[1-9])\s?月(?:底|末)"
    r"|(?P<ytd_rel>今年|年初)(?:以来|至今))"
    rf"|(?P<mrange>(?:(?P<mr_y>{_Y})\s?年|(?P<mr_rel>今年|去年|明年))?(?<!\d)(?P<mr_a>1[0-2]|0?[1-9])\s?月?\s?[-—–~至到]\s?"
    rf"(?P<mr_b>1[0-2]|0?[1-9])\s?月份?)"
    rf"|(?P<day>(?:(?P<dz_y>{_Y})\s?年|(?P<dz_rel>今年|去年))?\s?(?<!\d)(?P<dz_m>1[0-2]|0?[1-9])\s?月\s?(?P<dz_d>[12]\d|3[01]|0?[1-9])\s?日)"
    rf"|(?P<month>(?P<mo_y>{_Y})\s?年\s?(?P<mo_m>1[0-2]|0?[1-9])\s?月"
    rf"|(?P<mo_rel>今年|去年|明年)?(?<!\d)(?P<mo_m3>1[0-2]|0?[1-9])\s?月份?(?!\d))"
    rf"|(?P<by>(?:到|截至|截止到?|至)\s?(?P<by_y>{_Y})\s?年(?:底|末)?)"
    rf"|(?P<since>自\s?(?P<si_y>{_Y})\s?年[^0-9,，。;；]{{0,20}}?以来|(?P<si_y2>{_Y})\s?年以来)"
    rf"|(?P<day__d>(?<!\d)(?P<de_d2>[12]\d|3[01]|0?[1-9])\s+(?-i:(?P<de_m2>{_MONTH_NAMES}))(?![A-Za-z])(?!,?\s+{_Y}))"
    rf"|(?P<year>(?P<yz>{_Y})\s?年(?!代))"
    r"|(?P<relative>明年|今年|去年|前年|后年)"
    r"|(?P<rmonth>本月|上个?月(?!球|亮|光)|下个?月)"
    r"|(?P<quarter__zh>(?P<zq_rel>上一?个?|本|下一?个?|当)季度?(?![度节]))"
    r"|(?P<week>上周|本周)"
    r"|(?P<now>目前|当前)"
    r"|(?P<then>当时|同年|当年)"
    r"|(?P<duration>(?P<du_dir>未来|过去|今后|近)\s?(?P<du_n>\d{1,2}|[一二两三四五六七八九十]{1,2})\s?(?:个)?(?P<du_unit>年|季度))"
)
_PERIODS_EN = (
    rf"(?P<fy__en>FY\s?'?(?P<fy_y>{_Y}|\d{{2}})(?!\d)|fiscal(?:\s+year)?\s+(?P<fy_y3>{_Y}))"
    rf"|(?P<months__en>first\s+(?P<me_n>\w+)\s+months"
    rf"(?:\s+of\s+(?:(?P<me_y>{_Y})|(?P<me_rel>this|last|next|the)\s+year))?)"
    rf"|(?P<month__half>(?:first|second|latter)\s+half\s+of\s+(?-i:(?P<mh_m>{_MONTH_NAMES}))(?![A-Za-z])(?:\s+(?P<mh_y>{_Y}))?)"
    rf"|(?P<half__en>(?P<he_h>first|second)\s+half\s+(?:of\s+)?(?P<he_y>{_Y})|H(?P<he_h2>[12])\s?(?P<he_y2>{_Y})"
    rf"|(?P<hr_h2>first|second)\s+half(?:\s+of\s+(?P<hr_rel2>this|last|next|the)\s+year)?(?![A-Za-z])"
    rf"|(?-i:H(?P<hr_h3>[12]))(?![0-9A-Za-z]))"
    rf"|(?P<qend__en>quarter\s+end(?:ing|ed)\s+(?:on\s+)?(?-i:(?P<qn_m>{_MONTH_NAMES}))\.?\s+\d{{1,2}}(?:,?\s+(?P<qn_y>{_Y}))?)"
    rf"|(?P<quarter__en>Q(?P<qe_q>[1-4])\s?(?P<qe_y>{_Y})"
    rf"|(?P<qe_w>first|second|third|fourth)\s+quarter\s+(?:of\s+)?(?P<qe_y2>{_Y})"
    rf"|(?P<qr_w>first|second|third|fourth)[\s-]quarter(?:\s+of\s+(?P<qr_rel2>this|last|next|the)\s+year)?(?![A-Za-z])"
    rf"|(?-i:Q(?P<qr_q2>[1-4]))(?![0-9A-Za-z])|(?P<qr_this>this|last|next|the|previous|prior)\s+quarter(?![A-Za-z-])(?!\s+end)"
    r"|(?P<qr_done>quarterly|(?:a|one)\s+single\s+quarter)(?![A-Za-z]))"
    rf"|(?P<span__en>(?:from|between)\s+(?P<re_a>{_Y})\s+(?:to|and|through|until)\s+(?P<re_b>{_Y}))"
    rf"|(?P<mrange__en>(?-i:(?P<mre_a>{_MONTH_NAMES}))\.?\s?(?:-|–|to|through)\s?(?-i:(?P<mre_b>{_MONTH_NAMES}))\.?"
    rf"(?:\s+(?P<mre_y>{_Y}))?(?![A-Za-z]))"
    rf"|(?P<day__en>(?-i:(?P<de_m>{_MONTH_NAMES}))\.?\s+(?P<de_d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d,])(?!,?\s+{_Y}))"
    rf"|(?P<month__en>(?P<mo_name>{'|'.join(_MONTHS)})(?:\s+\d{{1,2}},)?\s+(?P<mo_y2>{_Y})"
    rf"|(?-i:(?P<mo_name3>{_MONTH_NAMES}))\.?(?![A-Za-z]))"
    rf"|(?P<by__en>(?:by|through|until)\s+(?:the\s+end\s+of\s+)?(?P<by_y2>{_Y}))"
    rf"|(?P<since__en>since\s+(?:(?P<si_y3>{_Y})|(?-i:(?P<si_mo>{_MONTH_NAMES}))(?:\s+(?P<si_moy>{_Y}))?(?![A-Za-z])))"
    r"|(?P<ytd__en>(?:year\s+to\s+date|so\s+far\s+this\s+year|year-to-date)(?![A-Za-z]))"
    rf"|(?P<year__en>(?:in|for|during|of|over)\s+(?P<ye>{_Y})(?![\d/-])|(?:its|their|the|his|her|our)\s+(?P<ye2>{_Y})(?=\s+[a-z]))"
    r"|(?P<relative__en>(?:next|this|last|previous|prior)\s+year(?![A-Za-z])|the\s+(?:previous|prior)\s+year(?![A-Za-z]))"
    r"|(?P<rmonth__en>(?:this|last|next) month(?![A-Za-z]))"
    r"|(?P<week__en>(?:this|last) week(?![A-Za-z]))"
    r"|(?P<now__en>(?:today|currently)(?![A-Za-z]))"
    r"|(?P<then__en>at the time|that year|the same year)"
    r"|(?P<perfect__en>(?:has|have)\s+(?:already|since|now|just)\s+(?!been\b)[a-z]+ed(?![A-Za-z]))"
    rf"|(?P<duration__en>(?:over|in|during|for)\s+the\s+(?P<du_dir2>next|past|last|coming|following)\s+"
    rf"(?:(?P<du_n2>{_NUMBER_WORDS})\s+years|(?P<du_decade>decade))(?![A-Za-z])"
    rf"|(?:over|in|within)\s+(?P<du_span>{_NUMBER_WORDS})\s+years(?![A-Za-z]))"
)
_PERIODS = re.compile(
    rf"(?=[0-9从自到截至明今去前后当同上下本第目一二三四未过近年日])(?:{_PERIODS_ZH})"
    rf"|(?<![A-Za-z])(?=[abcdfhijlmnopqstuyABCDFHIJLMNOPQSTUY])(?:{_PERIODS_EN})",  # letters that start one
    re.IGNORECASE,
)
#: Every English period expression holds a year or one of these words (matched in lower case, as one trie);
#: the full pattern, which tries many alternatives at every word, runs only near them.
_EN_HINT = re.compile(
    r"(?<![a-z])(?:"
    + alternation(
        words(
            "year years month months quarter quarterly half week today currently time decade date already since just"
            " now fiscal fy q1 q2 q3 q4 h1 h2 january february march april may june july august september october"
            " november december jan feb mar apr jun jul aug sep sept oct nov dec"
        )
    )
    + r")(?![a-z])|(?:19|20)[0-9]{2}"
)
_EN_MARGINS = (40, 24)  # in the first nine months of 2025: the expression starts well before its year


def _find(text: str, lang: str) -> Iterator[re.Match[str]]:
    """The period expressions of a text; in English, only in windows around the hints (a Chinese text has a
    hint every few characters, so there the pattern runs over all of it)."""
    if lang != "en":
        yield from _PERIODS.finditer(text)
        return
    before, after = _EN_MARGINS
    start = end = -1
    for hint in _EN_HINT.finditer(text.lower()):
        if hint.start() - before > end:
            if end > start:
                yield from _PERIODS.finditer(text, max(0, start), end)
            start = max(hint.start() - before, end)
        end = min(len(text), hint.end() + after)
    if end > start:
        yield from _PERIODS.finditer(text, max(0, start), end)


#: 已达, 已有, 已经: as of the publication date (the month it was written in).
_PERFECT_ZH = re.compile(r"已(?:经)?(?:达到|达|有|超过|突破)\s?(?=[0-9零一二两三四五六七八九十百千])")
_RELATIVE_YEARS = {"明年": 1, "今年": 0, "去年": -1, "前年": -2, "后年": 2, "next year": 1, "this year": 0,
                   "last year": -1, "previous year": -1, "prior year": -1, "the previous year": -1,
                   "the prior year": -1, "the year": 0, "next": 1, "this": 0, "last": -1, "the": 0,
                   "previous": -1, "prior": -1}  # fmt: skip
_RELATIVE_MONTHS = {"本月": 0, "上月": -1, "上个月": -1, "下月": 1, "下个月": 1, "this month": 0, "last month": -1,
                    "next month": 1}  # fmt: skip
#: A clause opened by one of these tells of another event: a period before it is not borrowed.
_SUBORDINATE = re.compile(r"(?<![A-Za-z])(?:after|before|when|although|though|until|because)(?![A-Za-z])", re.I)
#: A period a change is measured from (较去年, 比一季度, from December, than in 2024) is not the change's own.
_BASE_PERIOD = re.compile(
    r"(?:较|比|相比|相较于?|对比|(?<![A-Za-z])(?:compared\s+(?:with|to)|from|than|versus|vs\.?))\s?(?:the\s+|in\s+)?$",
    re.IGNORECASE,
)
#: 约为去年同期的两倍, 是2020年的3倍: the period of what a multiple compares with.
_COMPARED_BEFORE = re.compile(r"(?:是|为|相当于)\s?$")
_COMPARED_AFTER = re.compile(r"\s?(?:同期)?的")
_BASE_MARK = re.compile("较|比|from|than|vs|versus|compared", re.IGNORECASE)
_CHANGE_UNITS = frozenset(("percent", "percentage-point", "basis-point", "times", "fraction"))
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "上": 1, "下": 2, "一": 1, "二": 2, "三": 3, "四": 4}
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "several": 3, "a few": 3, "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
          "九": 9, "十": 10}  # fmt: skip
#: Kinds of expression whose label a later sentence may borrow: they carry a year written out.
_WRITTEN_YEAR = frozenset(("fy", "months", "half", "quarter", "span", "mrange", "month", "year", "day"))


@dataclass(frozen=True)
class Expression:
    """A period expression: its characters, its label (None if it cannot be resolved) and its role."""

    start: int
    end: int
    label: str | None  # "then" for 当时 / at the time, resolved when a figure borrows it
    base: bool  # a change is measured from it (较去年, from December)
    kind: str
    written_year: bool


class Periods:
    """The period expressions of a document, found once, and the period each figure takes."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.published = doc.published
        self.expressions = [self._expression(m) for m in _find(doc.norm, doc.lang)]
        if doc.published is not None:
            label = f"{doc.published.year}-{doc.published.month:02d}"
            for match in _PERFECT_ZH.finditer(doc.norm):
                self.expressions.append(Expression(match.start(), match.start(), label, False, "perfect", False))
            self.expressions.sort(key=lambda e: e.start)
        self.starts = [e.start for e in self.expressions]
        self._written = [(e.start, e.end) for e in self.expressions if e.end > e.start]
        self._written_starts = [start for start, _ in self._written]

    def covers(self, start: int, end: int) -> bool:
        """Whether [start, end) lies inside a period expression (the 27 of January 27 is no figure)."""
        index = bisect.bisect_right(self._written_starts, start) - 1
        return index >= 0 and end <= self._written[index][1]

    def _expression(self, match: re.Match[str]) -> Expression:
        text, at = self.doc.norm, match.start()
        before = text[max(0, at - 16) : at]
        base = (_BASE_MARK.search(before) is not None and _BASE_PERIOD.search(before) is not None) or bool(
            _COMPARED_BEFORE.search(before) and _COMPARED_AFTER.match(text, match.end())
        )
        kind = (match.lastgroup or "").partition("__")[0]
        label = self._label(match, kind)
        written = kind in _WRITTEN_YEAR and re.search(_Y, match.group()) is not None
        if kind == "relative" and match.group().lower().replace("the ", "") in ("previous year", "prior year"):
            base = True  # an 18.7% increase from the previous year: the base of a change
        if kind == "quarter" and (match["qr_this"] or "").lower() in ("previous", "prior"):
            base = base or bool(re.search(r"from\s+\S+(?:\s+\S+)?\s*$", before))
        return Expression(at, match.end(), label, base, kind, written)

    # -- one figure

    def of(
        self,
        start: int,
        unit: str,
        clause: tuple[int, int],
        sentence: tuple[int, int],
        next_figure: int,
        following: int | None = None,
    ) -> str | None:
        """The period a figure refers to. In Chinese the nearest before it in its clause, else the first after
        it in its clause, else the nearest before it in its sentence; in English the first after it in its
        clause (short of the next figure) comes first ($109.1 billion in 2024). Then a period with a year
        written out in the sentence before (not across a heading)."""
        change = unit in _CHANGE_UNITS
        text = self.doc.norm

        def own(expression: Expression) -> bool:
            # 较去年的475亿元 / 比去年的15%: the base period's own figure stands right after it
            right_before = expression.end <= start and re.fullmatch(r"\s?的?\s?", text[expression.end : start])
            return (
                expression.label is not None
                and not (change and expression.base and not right_before)
                and not (expression.base and not right_before and expression.end > start)
            )

        before = self._last(sentence[0], start, own)
        if before and before.kind == "perfect":  # 已达: only where nothing else in the clause says when
            other = self._last(clause[0], before.start - 1, own)
            before = other or before
        if before and _SUBORDINATE.search(text, max(before.end, clause[0] - 1), start):
            before = None  # …fell 17% on January 27 after DeepSeek said it spent $6 million: not that day
        after = self._first(start, min(clause[1], next_figure), own)
        if self.doc.lang == "en":
            # the clause's own, after then before; then one after it in its sentence with no figure between
            # (100,000 Nvidia chips, set to launch in 2026); then one before it in its sentence
            in_clause = before if before and before.start >= clause[0] else None
            later = None
            if after is None and in_clause is None:
                later = self._first(start, min(sentence[1], next_figure, following or sentence[1]), own)
            chosen = after or in_clause or later or before
        else:
            chosen = before if before and before.start >= clause[0] else after or before
        if chosen is None:
            chosen = self._borrowed(sentence[0])
        if chosen is None or not chosen.label:
            return None
        return self._then(sentence[0]) if chosen.label == "then" else chosen.label

    def _first(self, position: int, until: int, own: Callable[[Expression], bool]) -> Expression | None:
        for index in range(bisect.bisect_right(self.starts, position), len(self.expressions)):
            candidate = self.expressions[index]
            if candidate.start >= until:
                return None
            if own(candidate):
                return candidate
        return None

    def _last(self, first: int, position: int, own: Callable[[Expression], bool]) -> Expression | None:
        index = bisect.bisect_right(self.starts, position) - 1
        while index >= 0 and self.expressions[index].start >= first:
            expression = self.expressions[index]
            if expression.end <= position and own(expression):
                return expression
            index -= 1
        return None

    def _borrowed(self, sentence_start: int) -> Expression | None:
        """A period with a written year in the sentence before, unless a heading stands between."""
        if self.doc.lang != "en":
            return None  # Chinese sentences run on with 与此同时 and 此外; a year of the one before is not theirs
        previous_start = previous_end = sentence_start
        while previous_start > 0 and not self.doc.text[previous_start:previous_end].strip():
            _, previous_start, previous_end = self.doc.sentence_of(previous_start - 1)  # past a line break
        if (
            "\n\n" in self.doc.text[previous_end - 1 : sentence_start + 1]
            or "\n \n" in self.doc.text[previous_end:sentence_start]
        ):
            return None  # a blank line: a new section, whose year is its own
        if (
            previous_start == sentence_start
            or self.doc.in_heading(previous_start)
            or self.doc.in_heading(sentence_start)
        ):
            return None
        # only a year that frames that sentence (In 2024 alone, …), in its first half, not a detail at its end
        # (… to be completed in 2029, the sources said)
        framing_end = previous_start + (previous_end - previous_start) // 2
        index = bisect.bisect_left(self.starts, sentence_start) - 1
        while index >= 0 and self.expressions[index].start >= previous_start:
            expression = self.expressions[index]
            if expression.written_year and not expression.base and expression.label and expression.end <= framing_end:
                return expression
            index -= 1
        return None

    def _then(self, sentence_start: int) -> str | None:
        """当时 / at the time: the last period of an earlier sentence."""
        first = bisect.bisect_left(self.starts, sentence_start)
        earlier = [e.label for e in self.expressions[max(0, first - 20) : first] if e.label not in (None, "then")]
        return earlier[-1] if earlier else None

    # -- labels

    def _year_of(self, month: int, relative: str | None = None) -> int | None:
        """The year of a part of a year written without one: that of 今年 / last year when written, else
        the last year whose ``month`` the publication date has reached. A quarter or a half passes its
        first month (the fourth quarter, read in February, is last year's; read in November, this
        year's); a run of months (前三季度, 1-7月) its last, as such figures are reported once over."""
        if self.published is None:
            return None
        if relative:
            return self.published.year + _RELATIVE_YEARS[" ".join(relative.lower().split())]
        return self.published.year if month <= self.published.month else self.published.year - 1

    def _label(self, match: re.Match[str], kind: str) -> str | None:
        g = match.group
        published = self.published
        year = published.year if published else None
        if kind == "fy":
            digits = g("fy_y") or g("fy_y2") or g("fy_y3")
            return f"FY{'20' + digits if len(digits) == 2 else digits}"
        if kind == "months":
            count = _small_number(g("mz_n") or g("me_n"))
            if g("mz_q"):
                count = 3 * (_small_number(g("mz_q")) or 0)
            if not count or count > 12:
                return None
            months_year = g("mz_y") or g("me_y") or self._year_of(count, g("mz_rel") or g("me_rel"))
            return f"{months_year}-01/{months_year}-{count:02d}" if months_year else None
        if kind == "half":
            if g("hz_y") or g("he_y") or g("he_y2"):
                half = _ORDINALS.get((g("hz_h") or g("he_h") or "").lower()) or int(g("he_h2"))
                return f"{g('hz_y') or g('he_y') or g('he_y2')}-H{half}"
            half = _ORDINALS.get((g("hr_h") or g("hr_h2") or "").lower()) or int(g("hr_h3"))
            half_year = self._year_of(6 * half - 5, g("hr_rel") or g("hr_rel2"))
            return f"{half_year}-H{half}" if half_year else None
        if kind == "quarter":
            return self._quarter(match)
        if kind == "qend":
            month = _month_number(g("qn_m"))
            quarter_year = g("qn_y") or self._year_of(month)
            return f"{quarter_year}-Q{(month + 2) // 3}" if quarter_year else None
        if kind == "span":
            first, last = g("rz_a") or g("re_a") or g("re_a2"), g("rz_b") or g("re_b") or g("re_b2")
            return f"{first}/{last}" if first < last else None
        if kind == "ytd":
            if published is None and not g("ct_y"):
                return None
            if g("ct_m"):
                ytd_year = int(g("ct_y")) if g("ct_y") else self._year_of(int(g("ct_m")), g("ct_rel"))
                return f"{ytd_year}-01/{ytd_year}-{int(g('ct_m')):02d}"
            assert published is not None
            return f"{published.year}-01/{published.year}-{published.month:02d}"
        if kind == "mrange":
            if g("mre_a"):
                first_month, last_month = _month_number(g("mre_a")), _month_number(g("mre_b"))
            else:
                first_month, last_month = int(g("mr_a")), int(g("mr_b"))
            range_year = g("mr_y") or g("mre_y") or self._year_of(last_month, g("mr_rel"))
            if not range_year or first_month >= last_month:
                return None
            return _months_label(int(range_year), first_month, last_month)
        if kind == "day":
            month = int(g("dz_m")) if g("dz_m") else _month_number(g("de_m") or g("de_m2"))
            day = int(g("dz_d") or g("de_d") or g("de_d2"))
            day_year = int(g("dz_y")) if g("dz_y") else self._year_of(month, g("dz_rel"))
            return _day_label(day_year, month, day) if day_year else None
        if kind == "month" and g("mh_m"):
            month = _month_number(g("mh_m"))
            month_year = g("mh_y") or self._year_of(month)
            return f"{month_year}-{month:02d}" if month_year else None
        if kind == "month":
            if g("mo_m3") or g("mo_name3"):
                month = int(g("mo_m3")) if g("mo_m3") else _month_number(g("mo_name3"))
                month_year = self._year_of(month, g("mo_rel"))
                return f"{month_year}-{month:02d}" if month_year else None
            month = int(g("mo_m")) if g("mo_m") else _MONTHS.index(g("mo_name").lower()) + 1
            return f"{g('mo_y') or g('mo_y2')}-{month:02d}"
        if kind == "by":
            by = g("by_y") or g("by_y2")
            # 到2025年 in an article of 2025 is that year so far; 到2028年 is "by 2028".
            return by if year is not None and int(by) <= year and match.group().startswith("到") else f"../{by}"
        if kind == "since":
            if g("si_mo"):
                month = _month_number(g("si_mo"))
                since_year = g("si_moy") or self._year_of(month)
                return f"{since_year}-{month:02d}/.." if since_year else None
            return f"{g('si_y') or g('si_y2') or g('si_y3')}/.."
        if kind == "year":
            return g("yz") or g("ye") or g("ye2")
        if kind == "relative":
            return str(year + _RELATIVE_YEARS[" ".join(match.group().lower().split())]) if year is not None else None
        if kind == "rmonth":
            if published is None:
                return None
            month_year, index = divmod(published.year * 12 + published.month - 1 + _RELATIVE_MONTHS[g().lower()], 12)
            return f"{month_year}-{index + 1:02d}"
        if kind in ("week", "perfect"):
            return f"{published.year}-{published.month:02d}" if published else None
        if kind == "now":
            return str(year) if year is not None else None
        if kind == "duration":
            return self._duration(match)
        return "then"

    def _quarter(self, match: re.Match[str]) -> str | None:
        g = match.group
        if g("qz_y") or g("qe_y") or g("qe_y2"):
            quarter = g("qz_q") or g("qe_q") or g("qe_w")
            number = int(quarter) if quarter.isdigit() else _ORDINALS[quarter.lower()]
            return f"{g('qz_y') or g('qe_y') or g('qe_y2')}-Q{number}"
        if g("zq_rel"):  # 上季度, 当季: the last quarter completed; 本季度 this one; 下季度 the next
            word = {"上": "last", "本": "this", "下": "next", "当": "the"}[g("zq_rel")[0]]
            return self._relative_quarter(word)
        if g("qr_this") or g("qr_done"):
            # the quarter, quarterly, last quarter: the last one completed; this / next quarter
            return self._relative_quarter((g("qr_this") or "the").lower())
        quarter = g("qr_q") or g("qr_w") or g("qr_q2")
        number = int(quarter) if quarter.isdigit() else _ORDINALS[quarter.lower()]
        quarter_year = self._year_of(3 * number - 2, g("qr_rel") or g("qr_rel2"))
        return f"{quarter_year}-Q{number}" if quarter_year else None

    def _relative_quarter(self, word: str) -> str | None:
        """The quarter, last quarter: the last one completed; this / next quarter; the previous: the one before."""
        if self.published is None:
            return None
        current = (self.published.month - 1) // 3
        step = {"this": 0, "next": 1, "previous": -2, "prior": -2}.get(word, -1)
        year_of_quarter, index = divmod(self.published.year * 4 + current + step, 4)
        return f"{year_of_quarter}-Q{index + 1}"

    def _duration(self, match: re.Match[str]) -> str | None:
        """未来三年, over the next four years: the years after the publication year; 过去十年, the past decade:
        the years before it. Quarters are too short to say which."""
        g, published = match.group, self.published
        if g("du_span"):
            return ""  # over three years: a span of its own, which no year of the sentence stands for
        if g("du_unit") == "季度":
            return ""  # 过去四个季度: a span of its own that no label here says; no other period stands for it
        if published is None:
            return None
        direction = (g("du_dir") or g("du_dir2") or "").lower()
        count = 10 if g("du_decade") else _small_number(g("du_n") or g("du_n2"))
        if not count:
            return None
        first, last = (
            (published.year + 1, published.year + count)
            if direction in ("未来", "今后", "next", "coming", "following")
            else (published.year - count, published.year - 1)
        )
        return str(first) if first == last else f"{first}/{last}"


def _day_label(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _months_label(year: int, first: int, last: int) -> str:
    """Months of one year as a period label: a quarter or a half when they are one (October-December)."""
    if (last - first, first % 3) == (2, 1):
        return f"{year}-Q{(first + 2) // 3}"
    if (last - first, first % 6) == (5, 1):
        return f"{year}-H{(first + 5) // 6}"
    return f"{year}-{first:02d}/{year}-{last:02d}"


@functools.lru_cache(maxsize=256)
def period_end(label: str) -> date | None:
    """The last day of a period label (None if open-ended or not a period)."""
    try:
        return Period(label=label).start_end()[1]
    except ValueError:
        return None


def _month_number(name: str) -> int:
    """January, Jan, Sept → 1, 1, 9."""
    return next(i for i, month in enumerate(_MONTHS, 1) if month.startswith(name.lower()[:3]))


def _small_number(word: str | None) -> int | None:
    if not word:
        return None
    if word.isdigit():
        return int(word)
    lowered = word.lower()
    if lowered in _SMALL:
        return _SMALL[lowered]
    if lowered in ("first",):
        return 1
    from kg.extract.numbers import chinese_number, english_number

    value = english_number(lowered)
    if value is None:
        number = chinese_number(word)
        value = int(number) if number is not None else None
    return value
