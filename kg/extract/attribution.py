"""Whom the text credits for a figure: according to Moody's, X said, Bloomberg reported, 据…报道, …表示.

A cue governs a scope, not the whole paragraph:

- "according to X", "as per X", 据X, 根据X, 在X的调研中, and "…, X said." at a sentence's end govern
  their sentence;
- "X reported", "X projected", "analysts at X forecast", X表示, 分析师估计 govern their clause from
  the speaker on, and the clauses after it, until another cue ("Meta reported $X, and Alphabet
  projected $Y": each its own); so does "its forecast" / "its guidance" for the name "its" stands for;
- a sentence without a cue takes the last cue of its paragraph when that cue is a report, a news
  outlet, "people familiar with" (知情人士) or "according to" (the source carries over); "reportedly"
  and 据报道 take the last news outlet of the text; a report that an earlier paragraph cited
  (the AI Index, a survey) stays the source of later paragraphs until a heading;
- a sentence in the first person (we, 我们) is the article's own voice, and a dateline (智东西4月8日
  报道) credits the outlet itself: neither is an attribution.

"the report", 报告 are the last report the text named (the 2025 AI Index Report, 《AI指数报告2025》).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kg.extract.names import Names
from kg.extract.text import Document

CreditKind = Literal["report", "media", "anonymous", "speaker"]
#: A source carries over to at most this many sentences after its own, in its paragraph.
_CARRY = 2


@dataclass(frozen=True)
class Credit:
    """A cue's source: the text as written, the names in it, and what kind of source it is."""

    text: str  # as written: 摩根士丹利分析师, the IEA, Entergy representatives
    start: int
    end: int
    names: tuple[str, ...]  # the sources as written, without role words: Morgan Stanley, 知情人士, 媒体
    actors: tuple[str, ...]  # actor ids named in the text (known or new)
    kind: CreditKind
    own: bool = False  # the speaker states its own figures (its forecast, Microsoft reported)


@dataclass(frozen=True)
class _Cue:
    credit: Credit
    start: int  # where its scope starts (the speaker), for a cue that governs forward
    whole_sentence: bool


_EN_VERB = (
    r"said|says|reported|reports|estimated|estimates|estimate|projected|projects|forecast|forecasts|predicted|predicts"
    r"|expects|expected|revealed|reveals|showed|shows|found|finds|noted|notes|wrote|writes|warned|warns|calculated"
    r"|stated|states|told|announced|announces|disclosed|indicated|calculates|believes|argued|report|say|note"
)
_EN_CUE = re.compile(
    r"(?<![A-Za-z])(?:(?P<according>[Aa]ccording to|[Aa]s per|[Cc]iting|[Pp]er(?= [A-Z])|[Dd]ata from"
    r"|[Ff]igures from)\s+"
    rf"(?P<who>[^,.;:()]{{2,80}})|(?P<also>also\s+|has\s+|have\s+)?(?P<verb>{_EN_VERB})(?![A-Za-z])"
    r"|(?P<owner>\b(?:its|their)\s+(?:[\w-]+\s+){0,4}?(?:forecast|guidance|outlook|projection|estimate)s?(?![A-Za-z])))"
)
_REPORTEDLY = re.compile(r"(?<![A-Za-z])reportedly(?![A-Za-z])|据报道|据悉|据媒体报道")
_ZH_CUE = re.compile(
    r"(?=[据根依在预显指表警声认估报发称说透写披宣公测])"  # the first characters of the cues below: fast
    r"(?:(?P<according>(?<![数证占凭论])据|根据|依据)(?P<who>[^,，。;；:：]{2,40}?)(?:的)?(?:数据|报告|统计|报道|估计|测算|研究|调查|调研|分析)?"
    r"(?:显示|称|表示|指出)?(?=[,，:：]|$)"
    r"|在(?P<who3>[^,，。;；]{2,24}?)的?(?:调研|调查|研究|报告|数据|统计|测算)中(?!心)"
    r"|(?P<verb>预测|预计|预期|显示|指出|表示|警告称|警告|声称|认为|估计|估算|报告称|发现|(?<![堪简号自声名职昵])称(?![为作之号])|(?<![比如据来听所小])说(?![明服法])"
    r"|透露|报道|写道|披露|宣布|公布|测算))"
)
#: Words of a cue's subject that name no source of their own (analysts *at X*, X *representatives*).
_ROLE_WORDS = re.compile(
    r"^(?:(?:the|a|an)\s+)?(?:(?:analysts?|economists?|strategists?|researchers?|officials?|executives?)\s+(?:at|from|of)\s+)?"
    r"|(?:[’']s?)?(?:\s+(?:analysts?|economists?|strategists?|researchers?|officials?|executives?|representatives?"
    r"|spokes(?:person|man|woman)|data|figures|estimates|calculations|research|team|quarterly earnings|earnings"
    r"|results|filings?|statement|recently|also|previously|earlier|now|again|separately|reportedly))+$"
    r"|^(?:来自)|(?:的)?(?:分析师|研究员|经济学家|策略师|发言人|高管|官员|汇编的数据|统计的数据|数据|统计|报告|研究|调研|调查|分析|团队)$"
)
_REPORT = re.compile(
    r"《[^》]{2,40}》|报告|指数|(?<![\w’'-])(?=[A-Z0-9])(?:[A-Z0-9][\w’'-]*\s){0,6}(?:Report|Index|Survey|Outlook|Study)"
    r"(?:\s(?:19|20)\d\d)?\b"
)
_ANAPHOR = re.compile(r"^(?:the\s+)?(?:report|study|survey|index)$|^(?:该|这份|此)?报告$", re.IGNORECASE)
_MEDIA = re.compile(
    r"Bloomberg|Reuters|Financial Times|Wall Street Journal|Journal|Times|Post|News|CNBC|Associated Press|AP|Axios"
    r"|The Information|Nikkei|媒体|路透|彭博|新华社|日报|报道|通讯社|电视台|新闻"
)
_ANONYMOUS = re.compile(r"知情人士|消息人士|业内人士|people familiar|sources? (?:said|say|familiar)|insiders", re.I)
_SOURCE_NOUNS = re.compile(
    r"分析师|研究员|经济学家|策略师|机构|人士|专家|媒体|报告|数据|研究|调研|调查|统计|银行|公司|集团|政府|部门|协会|研究院|大学"
)
#: Actors that state nothing themselves: a market, a sector, a project.
_SILENT = frozenset(("market", "sector", "project", "people"))
#: Days and times in a Chinese cue (週四, （20日）, 昨天): when it was said, not who said it.
_WHEN_WORDS = re.compile(
    r"[（(]?\s?\d{1,2}\s?日\s?[)）]?|周[一二三四五六日]|星期[一二三四五六日天]|昨天|今天|昨日|今日|近日|日前"
)


def _verb_at(text: str, position: int) -> str:
    """The cue verb that starts at ``position`` (表示, 预计, 称)."""
    match = _ZH_CUE.match(text, position)
    return match.group() if match else ""


_FIRST_PERSON = re.compile(r"(?<![A-Za-z])(?:[Ww]e|[Oo]ur|I)(?![A-Za-z’'])|我们|笔者")
_DATELINE = re.compile(r"\d{1,2}月\d{1,2}日|[A-Z][a-z]{2,8}\.? \d{1,2}(?!\d)")


class Attributions:
    """The cues of a document, read sentence by sentence once, and the credit each position takes."""

    def __init__(self, doc: Document, names: Names):
        self.doc, self.names = doc, names
        self._by_sentence: dict[int, tuple[list[_Cue], Credit | None]] = {}
        self._last_report: str | None = None
        self._read()

    def of(self, position: int) -> Credit | None:
        """The credit of a figure at ``position``: its clause's cue, its sentence's, or the one carried over."""
        index, _, _ = self.doc.sentence_of(position)
        cues, carried = self._by_sentence.get(index, ([], None))
        forward = [c for c in cues if not c.whole_sentence and c.start <= position]
        whole = [c for c in cues if c.whole_sentence and not c.credit.start <= position < c.credit.end]
        if forward:
            cue = max(forward, key=lambda c: c.start)
            # "its guidance" speaks for itself only where no one else is credited (Meta, as per CNBC, …)
            if not cue.credit.start <= position < cue.credit.end and not (cue.credit.own and whole):
                return cue.credit
        if whole:
            return whole[0].credit
        return carried

    # -- reading the text once, in order

    def _read(self) -> None:
        doc = self.doc
        paragraph, paragraph_carry, carried_for = -1, None, 0
        last_media: Credit | None = None
        report_default: Credit | None = None
        for index, start in enumerate(doc.sentence_starts):
            end = doc.sentence_starts[index + 1] if index + 1 < len(doc.sentence_starts) else len(doc.text)
            this_paragraph = doc.paragraph_index(start)
            if this_paragraph != paragraph:
                if paragraph_carry is not None and paragraph_carry.kind == "report":
                    report_default = paragraph_carry  # a report cited in a paragraph is the source of the next ones
                paragraph, paragraph_carry = this_paragraph, None
                if this_paragraph in doc.headings:
                    report_default = None
            cues = self._cues(start, end, first_sentence=index == 0)
            carried_for += 1
            if carried_for > _CARRY:
                paragraph_carry = None
            carried = None
            if not _FIRST_PERSON.search(doc.norm, start, end):
                reportedly = _REPORTEDLY.search(doc.norm, start, end)
                carried = last_media if reportedly and last_media else paragraph_carry or report_default
            self._by_sentence[index] = (cues, carried)
            for cue in cues:
                if cue.credit.kind in ("report", "media", "anonymous") or cue.whole_sentence:
                    paragraph_carry, carried_for = cue.credit, 0
                if cue.credit.kind in ("media", "anonymous"):
                    last_media = cue.credit

    def _cues(self, start: int, end: int, first_sentence: bool) -> list[_Cue]:
        norm = self.doc.norm
        self._note_reports(start, end)
        pattern = _ZH_CUE if self.doc.lang == "zh" else _EN_CUE
        cues = []
        for match in pattern.finditer(norm, start, end):
            cue = self._cue(match, start, end)
            if cue is None:
                continue
            if first_sentence and _DATELINE.search(cue.credit.text):
                continue  # 智东西4月8日报道: the outlet's own dateline
            cues.append(cue)
        return cues

    def _cue(self, match: re.Match[str], sentence_start: int, sentence_end: int) -> _Cue | None:
        norm = self.doc.norm
        clause_start, clause_end = self.doc.clause_of(match.start(), match.end())
        if match["according"] and match["who"]:
            who_start = match.start("who")
            who = norm[who_start : match.end("who")]
            if self.doc.lang == "zh" and not self._names_a_source(who, who_start):
                return None  # 据不完全统计: no one is credited
            credit = self._credit(who, who_start)
            return _Cue(credit, match.start(), True) if credit else None
        if match.groupdict().get("who3"):
            credit = self._credit(match["who3"], match.start("who3"))
            return _Cue(credit, match.start(), True) if credit else None
        if match.groupdict().get("owner"):
            owner = [m for m in self.names.before(match.start(), 6) if m.start >= sentence_start and not m.weak]
            if not owner:
                return None
            mention = owner[-1]
            credit = self._credit(norm[mention.start : mention.end], mention.start, own=True)
            return _Cue(credit, mention.start, False) if credit else None
        verb_start = match.start("also") if match.groupdict().get("also") else match.start("verb")
        who_start, speaker = self._speaker(clause_start, verb_start)
        if speaker is None:
            return None
        credit = self._credit(speaker, who_start)
        if credit is None:
            return None
        rest = norm[match.end() : clause_end].strip()
        at_sentence_end = clause_end >= sentence_end - 2 and len(rest) <= 2 and clause_start > sentence_start
        at_clause_end = self.doc.lang == "zh" and len(rest) <= 1
        return _Cue(credit, who_start, at_sentence_end or at_clause_end)

    def _speaker(self, clause_start: int, verb_start: int) -> tuple[int, str | None]:
        """Who speaks before a verb of saying, in its clause: a name, the report, analysts, 知情人士, 媒体."""
        norm = self.doc.norm
        span = norm[clause_start:verb_start]
        if self.doc.lang == "en":
            if re.search(r"(?<![A-Za-z])(?:is|are|was|were|be|been|being)\s+$", span):
                return 0, None  # is expected to: a passive, no one speaks
            anaphor = re.search(r"(?:the\s+)?(?:report|study|survey|index)\s*$", span, re.IGNORECASE)
            if anaphor:
                return clause_start + anaphor.start(), anaphor.group().strip()
            named = [m for m in self.names.within(clause_start, verb_start) if not m.weak]
            if not named:
                return 0, None
            mention = named[-1]
            tail = norm[mention.end : verb_start]
            if len(tail) > 40 or re.search(r"\d", tail):
                return 0, None  # the name is too far from the verb to be its subject
            head = re.search(
                r"(?:(?:analysts?|economists?|strategists?)\s+(?:at|from)\s+)$",
                norm[max(clause_start, mention.start - 20) : mention.start],
            )
            start = mention.start - len(head.group()) if head else mention.start
            return start, norm[start:verb_start].strip()
        who = re.sub(r"(?:还|也|则|又|更|均|都|亦)+$", "", span.strip())  # 报告还发现: the report, not "报告还"
        lead = re.match(
            r"^(?:但|而|并|且|此外|同时|另外|不过|其中|目前|随后|此前|当天|周[一二三四五六日]|昨天|今天)\s?", who
        )
        if lead:
            who = who[lead.end() :]
        if not 2 <= len(who) <= 30 or (re.search(r"\d", who) and not _REPORT.search(who)):
            return 0, None
        if re.search(
            r"的(?!报告|数据|研究|调查|调研|统计)|将|已|会|要|把|被|让|使|达到|增长|下降|占|是|拥有|持有|有望",
            _REPORT.sub("", who),
        ):
            return 0, None  # 美国将拥有估计…: a predicate, not who speaks
        start = clause_start + span.find(who)
        said = re.match(r"\s*[,，:：]", norm[verb_start : verb_start + 8][len(_verb_at(norm, verb_start)) :])
        if not self._names_a_source(who, start) and not (said and re.fullmatch(r"[\u4e00-\u9fff]{2,8}", who)):
            return 0, None  # 穆迪表示，…: a short name before a verb of saying and a comma speaks, known or not
        named = [m for m in self.names.within(start, verb_start) if not m.weak]
        if named and not _SOURCE_NOUNS.search(who) and all(self.names.type_of(m.actor) in _SILENT for m in named):
            return 0, None  # 高等级债券市场预计…: a market is what is expected of, not who expects
        return start, who

    def _names_a_source(self, who: str, start: int) -> bool:
        return bool(
            self.names.within(start, start + len(who))
            or _SOURCE_NOUNS.search(who)
            or _ANONYMOUS.search(who)
            or _REPORT.search(who)
            or _MEDIA.search(who)
        )

    def _credit(self, who: str, start: int, own: bool = False) -> Credit | None:
        """The credit of a cue's subject: names without role words, the report it stands for, its kind."""
        title = re.search(r"《([^》]{1,40})》", who)
        if title and self.doc.lang == "zh":  # 据《The Information》週四（20日）報導: the title, not the day
            start, who = start + title.start(1), title.group(1)
        who = _WHEN_WORDS.sub("", who)
        text = who.strip()
        if not text:
            return None
        start += len(who) - len(who.lstrip())
        pieces = [p for p in re.split(r"\s*(?:对|和|与|及|、|\band\b)\s*", text) if p.strip()] or [text]
        names, actors = [], []
        for piece in pieces:
            name = _ROLE_WORDS.sub("", piece.strip()).strip("《》“”\"' ") or piece.strip()
            name = re.sub(r"^the\s+", "", name)  # the IEA; The Information keeps its article
            if _ANAPHOR.match(name) or _ANAPHOR.match(piece.strip()):
                name = self._last_report or name
            names.append(name)
        for mention in self.names.within(start, start + len(text)):
            if not mention.weak:
                actors.append(mention.actor)
        if actors and not title and len(pieces) == 1 and not _ANONYMOUS.search(text) and self.doc.lang == "zh":
            # 国际能源署发布一份报告: the name the text gives, without what it did
            inside = [m for m in self.names.within(start, start + len(text)) if not m.weak]
            names = [self.doc.text[m.start : m.end] for m in inside] or names
        kind: CreditKind = "speaker"
        if _ANONYMOUS.search(text):
            kind = "anonymous"
        elif _REPORT.search(text) or any(_REPORT.search(n) for n in names):
            kind = "report"
        elif _MEDIA.search(text) or any(self.names.type_of(a) == "media" for a in actors):
            kind = "media"
        return Credit(
            text, start, start + len(text), tuple(dict.fromkeys(names)), tuple(dict.fromkeys(actors)), kind, own
        )

    def _note_reports(self, start: int, end: int) -> None:
        """Remember the last report the text names, for "the report" and 报告 later on."""
        for match in _REPORT.finditer(self.doc.norm, start, end):
            title = match.group().strip("《》 ")
            if title not in ("报告", "指数") and not _ANAPHOR.match(title):
                self._last_report = self.doc.text[match.start() : match.end()].strip("《》 ")
                self._last_report = re.sub(r"^(?:the|The)\s+", "", self._last_report)
