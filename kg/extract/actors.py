"""Whom a figure is about: the subject of its clause, among the actors and new names of its sentence.

First the clause's names before its verb (占, 是, 为), then the nearest before the figure, leaving out
objects and modifiers (向OpenAI, into OpenAI, 较美国国债, 日本 of 日本软银集团, the world's biggest
manager, 全球最大的) and the wholes a share is of (占全球…的, share of European capacity); else, when
the clause says its, their, the company or 该公司, the name that stands for. Then the clause's names
after the figure; weak names (数据中心, AI); the sentence's other names; the last name of an earlier
sentence. Names inside an attribution are its source, not its subject, unless an organisation speaks
for itself (Amazon said it would spend, 软银集团表示). "Amazon and Alphabet spent $31 billion and $22
billion respectively" (分别) pairs names and figures in order.
"""

from __future__ import annotations

import bisect
import re
from typing import Literal

from kg.extract.attribution import Credit
from kg.extract.names import Mention, Names
from kg.extract.text import Document

_PIVOT = re.compile(r"占|是|为|达到|达")
#: A name after these is an object or a comparison, not the subject: into OpenAI, 向OpenAI, 较美国国债.
OBJECT_BEFORE = re.compile(
    r"(?:(?<![A-Za-z])(?:into|than|over|with|against|versus|vs\.?|toward|towards|above|below|told|tells|informed)\s+"
    r"(?:the\s+)?"
    r"|(?:向|对|给|从|较|比|在|于|对于|相比|相较于?)\s?)$",
    re.IGNORECASE,
)
#: share of European capacity, 占全球的: the whole a share is of.
_WHOLE_BEFORE = re.compile(r"(?<![A-Za-z])(?:share|proportion|portion|part|percent|%)\s+of\s+(?:the\s+)?$", re.I)
#: the world's biggest asset manager, 全球最大的: the world as the scope of a superlative, not a subject.
#: A measure word right after a name: the name says what is measured (AI investment), not whose it is.
_MODIFIES = re.compile(
    r"\s?(?:(?:[a-z-]+\s){0,2}(?:investments?|models?|spending|capex|funding|startups?|companies|firms|chips|adoption"
    r"|research|development|sector|industry|stocks?|shares?|revenue)(?![A-Za-z])|(?:[\u4e00-\u9fff]{0,4}?)(?:投资|模型"
    r"|支出|研发|企业|公司|初创|芯片|产业|行业|领域|股|收入|营收))"
)
_BUILDER = re.compile(
    r"\s+(?:[a-z]+\s+)?([A-Z][\w&-]*(?:\s[A-Z][\w&-]*){0,2})\s+(?:data\s+cent(?:er|re)|campus|facility|plant|project)"
)
_FROM_AFTER = re.compile(r"\s+(?:in\s+[a-z]+\s+)?from\s+(?:(?:site\s+)?owners?\s+)?")
#: 三家公司, the three companies, both companies: the companies named before them.
GROUP = re.compile(
    r"(?P<zh>[两二三四五六七八九])家(?:公司|企业|巨头)|(?<![A-Za-z])(?:the\s+)?(?P<en>two|three|four|five|both)\s+"
    r"(?:companies|firms|partners)(?![A-Za-z])",
    re.IGNORECASE,
)
GROUP_SIZE = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "two": 2, "both": 2,
               "three": 3, "four": 4, "five": 5}  # fmt: skip
_VERB_FIRST = re.compile(r"\s*(?:will|would|is|are|has|have|had|was|were|plans|said|also)\s", re.IGNORECASE)
_SCOPE = re.compile(r"(?i:world|global|全球|世界)")
_SUPERLATIVE_AFTER = re.compile(
    r"[’']s\s+(?:[a-z-]+\s+)?(?:biggest|largest|top|leading|best|most|main|first|second)|\s?最"
)
#: 日本方面: a topic, not a subject.
_TOPIC_AFTER = re.compile(r"方面")
_PRONOUN = re.compile(
    r"(?<![A-Za-z])(?:[Ii]ts|[Tt]heir|[Ii]t|[Tt]he (?:[a-z-]+\s){0,3}?(?:company|firm|group|start-up|startup"
    r"|chipmaker|lab|bank|manager|giant|provider|maker|operator|developer|utility|project|facility|data center"
    r"|data centre|lender|insurer|fund))(?![A-Za-z])"
    r"|该公司|该集团|该项目|(?<![尤极与])其(?![中他余实次])"
)
_COUNTED = re.compile(r"\s?(?:[个座家项条名位台款次种所间处栋])?(?:new\s+)?(?:新的?|新建的?)?")
_RESPECTIVELY = re.compile(r"(?<![A-Za-z])respectively(?![A-Za-z])|分别")
#: The verb after whom a sentence cites that makes it a statement of its own: said, 表示, 宣布.
_STATEMENT_AFTER = re.compile(
    r"\s?(?:on\s+\w+\s+)?(?:said|says|announced|announces|reported|reports|projected|revealed|told|表示|称|宣布|透露|披露|公告|预计)"
)
#: Actors that state their own figures (a company's capex, a government's pledge).
_SELF_REPORTING = frozenset(("company", "government", "investor", "fund", "insurer", "group", "country", "region"))
Role = Literal["object", "whole", ""]


class Subjects:
    """The subjects of each figure, with a sentence's names and their roles worked out once."""

    def __init__(self, doc: Document, names: Names):
        self.doc, self.names = doc, names
        self._roles: dict[int, Role] = {}
        self._respective: dict[int, bool] = {}
        self._sentences: dict[tuple[int, int], tuple[bool, list[Mention], dict[int, Role]]] = {}
        self._earlier_names: dict[int, list[str]] = {}
        self._pronouns = [m.start() for m in _PRONOUN.finditer(doc.norm)]  # once: a clause looks its up

    def of(
        self,
        start: int,
        end: int,
        clause: tuple[int, int],
        sentence: tuple[int, int],
        credit: Credit | None,
        figures_in_sentence: list[tuple[int, int]],
        unit: str = "",
    ) -> tuple[str, ...]:
        """Actor ids (known or new) of the figure at [start, end), best guess first."""
        text = self.doc.norm
        sentence_start = sentence[0]
        speaker, named, base_roles = self._sentence(sentence, credit)
        roles = dict(base_roles)
        if unit == "count":  # 五座新的数据中心, 400,000 Nvidia chips: what a count counts is not its subject
            counted = _COUNTED.match(text, end)
            after = counted.end() if counted else end
            roles |= {id(m): "object" for m in named if after <= m.start <= after + 1}
        wholes = {id(m) for m in named if roles[id(m)] == "whole"}
        side = {id(m) for m in named if roles[id(m)] == "object"} | wholes
        respective = self._respectively(start, sentence, [m for m in named if id(m) not in side], figures_in_sentence)
        clause_start, clause_end = clause
        pivots = list(_PIVOT.finditer(text, clause_start, start))
        pivot = pivots[-1] if pivots else None
        if pivot and pivot.group() == "占":
            wholes = wholes | {id(m) for m in named if pivot.start() <= m.start < start}
            side = side | wholes
        in_clause = [m for m in named if clause_start <= m.start and m.end <= clause_end]
        main = [m for m in in_clause if id(m) not in side]
        before_pivot = sorted((m for m in main if pivot and m.end <= pivot.start()), key=lambda m: -m.start)
        nearest = sorted((m for m in main if m.end <= start), key=lambda m: -m.start)
        builder = _BUILDER.match(text, end)  # $10 billion Meta data center: Meta's
        built = [m.actor for m in in_clause if builder and m.start == end + builder.start(1) - end and not m.weak]
        giver = _FROM_AFTER.match(text, end)  # $5 billion from Crusoe: Crusoe's
        built += [m.actor for m in in_clause if giver and m.start == giver.end() and not m.weak]
        group = GROUP.search(text, clause_start, start) if not built else None
        if group:  # 三家公司, the three companies: the companies named before, the first of them first
            built += self._group(group)
        first: list[str] = [*respective, *built, *(self._owner(m) for m in before_pivot + nearest if not m.weak)]
        if not first and _VERB_FIRST.match(text, clause_start):
            # "Clay, 39, is taking the lead with $250 million": the subject opens the sentence; "will invest $40
            # billion …" (a sentence without one): it was said before
            opening = [m for m in named if m.start < clause_start and not m.weak and id(m) not in side]
            first = [opening[0].actor] if opening else self._previous_subject(sentence_start)
        if not first:
            index = bisect.bisect_left(self._pronouns, clause_start)
            if index < len(self._pronouns) and self._pronouns[index] < clause_end:
                source = None if speaker or credit is None else credit
                if speaker and credit and credit.actors and credit.end <= self._pronouns[index]:
                    first = [credit.actors[-1]]  # xAI told investors it plans to spend: "it" is the speaker
                else:
                    first = self._antecedent(self._pronouns[index], sentence_start, source)
        weak_in_clause = [m.actor for m in nearest + in_clause if m.weak and id(m) not in side]
        in_sentence = [m for m in named if not clause_start <= m.start < clause_end]
        clause_wholes = [m.actor for m in in_clause if id(m) in wholes and not m.weak]
        earlier = self._earlier(sentence_start)
        ranked = [
            *first,
            *(m.actor for m in in_clause if m.start >= end and id(m) not in side and not m.weak),
            *(clause_wholes if weak_in_clause else ()),  # 人工智能相关资本支出将占美国GDP增长的1.1%
            *weak_in_clause,
            *(m.actor for m in in_sentence if m.end <= start and id(m) not in side and not m.weak),
            *(m.actor for m in in_sentence if m.start >= end and id(m) not in side and not m.weak),
            *(m.actor for m in named if id(m) in wholes and not m.weak),
            *(m.actor for m in in_sentence if m.weak and id(m) not in side),
            *(m.actor for m in named if id(m) in side and not m.weak),
            *earlier,
            *(m.actor for m in named if m.weak and id(m) not in side),
        ]
        return tuple(dict.fromkeys(ranked))

    def _group(self, match: re.Match[str]) -> list[str]:
        """The companies a group noun stands for: the last ones named before it."""
        size = GROUP_SIZE[(match["zh"] or match["en"]).lower()]
        companies: list[str] = []
        for mention in reversed(self.names.before(match.start(), 60)):
            if self.names.type_of(mention.actor) == "company" and not mention.new and mention.actor not in companies:
                companies.append(mention.actor)
            if len(companies) == size:
                return companies[::-1]
        return []

    def _previous_subject(self, sentence_start: int) -> list[str]:
        """The first strong name of the sentence before: what a sentence without a subject is about."""
        _, previous_start, _ = self.doc.sentence_of(max(0, sentence_start - 1))
        named = [m for m in self.names.within(previous_start, sentence_start) if not m.weak]
        return [named[0].actor] if named and previous_start < sentence_start else []

    def _earlier(self, sentence_start: int) -> list[str]:
        """The last name of an earlier sentence (not a news outlet), once a sentence."""
        if sentence_start not in self._earlier_names:
            self._earlier_names[sentence_start] = [
                m.actor
                for m in reversed(self.names.before(sentence_start))
                if not m.weak and self.names.type_of(m.actor) != "media"
            ][:1]
        return self._earlier_names[sentence_start]

    def _owner(self, mention: Mention) -> str:
        """SoftBank's Vision Fund: a new name owned by a known actor stands for that actor."""
        if mention.new:
            owner = self.names.before(mention.start, 1)
            if owner and not owner[0].new and re.fullmatch(r"[’']s\s", self.doc.norm[owner[0].end : mention.start]):
                return owner[0].actor
        return mention.actor

    def _sentence(
        self, sentence: tuple[int, int], credit: Credit | None
    ) -> tuple[bool, list[Mention], dict[int, Role]]:
        """The names a sentence offers as subjects and their roles, once a sentence and source: not the source's
        own names (unless it speaks for itself), not news outlets (they report figures, which are not about them)."""
        key = (sentence[0], credit.start if credit else -1)
        if key not in self._sentences:
            speaker = credit is not None and self._speaks_for_itself(credit)
            named = [
                m
                for m in self.names.within(*sentence)
                if (speaker or credit is None or not (credit.start <= m.start < credit.end))
                and self.names.type_of(m.actor) != "media"
            ]
            self._sentences[key] = (speaker, named, {id(m): self._role(m) for m in named})
        return self._sentences[key]

    def _respectively(
        self, start: int, sentence: tuple[int, int], named: list[Mention], figures: list[tuple[int, int]]
    ) -> list[str]:
        """ "A and B spent $31 billion and $22 billion respectively": the figure's own name, by position."""
        if sentence[0] not in self._respective:  # once a sentence
            self._respective[sentence[0]] = _RESPECTIVELY.search(self.doc.norm, *sentence) is not None
        if not self._respective[sentence[0]] or len(figures) < 2:
            return []
        first_figure = figures[0][0]
        listed = [m for m in named if m.end <= first_figure and not m.weak]
        place = [f[0] for f in figures].index(start) if start in [f[0] for f in figures] else -1
        if len(listed) < len(figures) or place < 0:
            return []
        return [listed[len(listed) - len(figures) + place].actor]

    def _role(self, mention: Mention) -> Role:
        """What a name is in its sentence: "object" after a preposition (向OpenAI, into OpenAI, 较美国国债,
        than China), a modifier (the world's biggest, 全球最大的, 日本 in 日本软银集团, 日本方面); "whole"
        for the whole a share is of (share of European capacity); else ""."""
        if mention.start in self._roles:
            return self._roles[mention.start]
        text, start = self.doc.norm, mention.start
        role: Role = ""
        before = text[max(0, start - 6) : start]
        if "of" in before and _WHOLE_BEFORE.search(text, max(0, start - 24), start):
            role = "whole"
        elif (
            OBJECT_BEFORE.search(text, max(0, start - 14), start)
            or _TOPIC_AFTER.match(text, mention.end)
            or (_SCOPE.fullmatch(text[mention.start : mention.end]) and _SUPERLATIVE_AFTER.match(text, mention.end))
            or (mention.weak and _MODIFIES.match(text, mention.end))  # AI investment: what is measured, not whose
        ):
            role = "object"
        else:
            # 日本软银集团, US tech giants: a country right before a company's name (not 全球数据中心)
            following = mention.end + 1 if text[mention.end : mention.end + 1] == " " else mention.end
            after = self.names.within(following, following + 40)
            if after and after[0].start == following and not after[0].weak:
                role = "object"
        self._roles[mention.start] = role
        return role

    def _antecedent(self, position: int, sentence_start: int, source: Credit | None) -> list[str]:
        """Whom its, their, the company, 该公司 at ``position`` stands for: the nearest strong name before it in
        its sentence; at the start of a sentence, the first one of the sentence before (its subject). Not a
        name in the ``source`` the sentence cites (Jensen Huang said 50 states have their own rules)."""
        candidates = [
            m
            for m in self.names.before(position)
            if not m.weak
            and self.names.type_of(m.actor) != "region"
            and not (source and source.start <= m.start < source.end)
        ]
        in_sentence = [m for m in candidates if m.start >= sentence_start]
        described = re.match(
            r"(?i:the\s+(?:[a-z-]+\s){0,3}?(?:company|firm|giant|chipmaker|developer|group|provider|maker|operator))"
            r"|该公司|该集团",
            self.doc.norm[position : position + 40],
        )
        if described and in_sentence:
            # the tech giant, the company: a company the dataset knows, rather than a project's new name
            companies = [m for m in in_sentence if self.names.type_of(m.actor) == "company"]
            known = [m for m in companies if not m.new]
            if known or companies:
                return [(known or companies)[-1].actor]
        if in_sentence:
            return [in_sentence[-1].actor]
        if not candidates:
            return []
        _, previous_start, _ = self.doc.sentence_of(max(0, sentence_start - 1))
        previous = [m for m in candidates if m.start >= previous_start]
        return [(previous or candidates)[0 if previous else -1].actor]

    def _speaks_for_itself(self, credit: Credit) -> bool:
        """Amazon said it would spend, 软银集团表示, Microsoft reported: an organisation stating its own figures
        is their subject (an analyst, a researcher, a person or an agency that estimates or reports is a source)."""
        if credit.own:
            return True
        if not credit.actors or credit.kind != "speaker":
            return False
        if not _STATEMENT_AFTER.match(self.doc.norm, credit.end):
            return False
        return self.names.type_of(credit.actors[-1]) in _SELF_REPORTING
