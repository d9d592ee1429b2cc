"""What kind of statement a figure is: fact, estimate, forecast, plan, target or comparison.

Cues have a scope: a cue governs the figures after it in its own clause; in Chinese, and in an English
clause with no verb of its own (", a $3.2 billion investment"), the cues of the sentence before it too;
a cue right after the figure (…$5 billion is estimated, …的目标, …的承诺) governs it as well. "目前",
"currently", 已达 and "has already" in the figure's clause speak of the present and cut off the future
cues of earlier clauses. Where several cues apply, target > estimate > plan > forecast; a modal
("could", "may", 可能) counts only when nothing else does.

"将" and "will" are about the future: a plan when the verb after them is an action of the subject
(invest, build, spend, 投资, 建设, 提供), a forecast when it is an outcome (reach, grow, 达到, 增长).
A company forecasting its own spending states a plan (Alphabet projected capex of $91 billion). A
multiple (12倍, thirteenfold, 翻番) or a figure that something "相当于" / "is equivalent to" compares two
things. A forecast, plan or target for a period over by the publication date is what happened: a fact.
"""

from __future__ import annotations

import bisect
import re
from datetime import date

from kg.extract.periods import period_end
from kg.extract.text import Document
from kg.models import Kind

#: What a subject does (a plan when "will" or 将 comes before it), in English and in Chinese.
_ACTION_WORDS_ZH = (
    "投资|投入|建设|建造|兴建|新建|扩建|开发|购买|收购|筹集|融资|发行|提供|保留|拥有|部署|出资|注资|贷款|募资|支出|合作|扩展|推出"
    "|采购|使用|建|买|卖|发|投"
)
_ACTION = (
    r"invest|spend|build|buy|purchase|raise|issue|lend|provide|supply|own|co-own|keep|develop|deploy|hire|open|locate"
    r"|pay|acquire|fund|finance|launch|construct|expand|add|install|commit|allocate|sell|put|inject|borrow|back|"
    + _ACTION_WORDS_ZH
)
_CUES = re.compile(
    r"(?=[目力旨估测计拟打承宣即准筹规协新扩在正预期有展或将可现已当]|(?<![A-Za-z])[abcdefghilmnopstwABCDEFGHILMNOPSTW])"
    r"(?:(?P<target>目标|力争|旨在|(?<![A-Za-z])(?i:targets?|targeted|goals?|aims?\s+(?:to|for|at)|ambition)(?![A-Za-z]))"
    r"|(?P<estimate>估计|估算|测算|(?<![A-Za-z])(?i:estimat\w*)(?![A-Za-z]))"
    r"|(?P<plan>计划|拟(?![定])|打算|承诺|宣布|即将|准备|筹划|规划|协议|新建|扩建|在建|正(?:在)?(?:采用|进行|筹备|推进|寻求|洽谈|商谈|筹集)"
    r"|(?<![A-Za-z])(?i:plans?|planned|planning|intends?|intended|pledged?|committed|commitments?|announced|agreed\s+to"
    r"|set\s+to|is\s+to|seeks?|seeking|guidance|guided|budgeted|earmarked|proposed|approved?|construction\s+of|to\s+build|to\s+invest"
    r"|developing)(?![A-Za-z]))"
    r"|(?P<forecast>预测|预计|预期|期待|有望|展望|或将|(?<![A-Za-z])(?i:forecasts?|predicts?|predicted|projected"
    r"|projections?|expects?|expected|outlook|on\s+track\s+to|likely\s+to|poised\s+to)(?![A-Za-z]))"
    r"|(?P<future>将(?![近来军])|(?<![A-Za-z])(?i:will|would)(?![A-Za-z]))"
    r"|(?P<weak>可能|(?<![A-Za-z])(?i:could|may|might)(?![A-Za-z]))"
    r"|(?P<now>目前|当前|现已|已经|已达|已有|(?<![A-Za-z])(?i:currently|now|has\s+already|have\s+already|so\s+far)(?![A-Za-z])))"
)
_PRECEDENCE = ("target", "estimate", "plan", "forecast", "future", "weak")
_AFTER = re.compile(
    r"[^,，。;；]{0,12}?(?:(?P<estimate>is\s+estimated|估计|估算)|(?P<plan>planned|的计划|计划|的承诺|承诺)"
    r"|(?P<forecast>(?:is|are)\s+(?:expected|projected|forecast)|预计)|(?P<target>的目标|目标))",
    re.IGNORECASE,
)
_NOT_A_CUE_BEFORE = re.compile(r"(?:previous|earlier|prior|than|above|below|beat|missed|last)\s+$", re.IGNORECASE)
_OUTCOME = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:reach|grow|rise|increase|double|triple|hit|exceed|fall|decline|account|be|become|need"
    r"|require|cost|generate|consume|use|top|surpass|达到|达|增长|增加|超过|升至|降至|占|成为|突破|提高|下降|减少)",
    re.IGNORECASE,
)
_ACTION_ZH = re.compile(_ACTION_WORDS_ZH)
_OUTCOME_ZH = re.compile("达到|达|增长|增加|超过|升至|降至|占|成为|突破|提高|下降|减少|要求|需要|带来")
_ACTION_AFTER = re.compile(rf"\s*(?:[\w-]+\s+){{0,2}}?(?:{_ACTION})", re.IGNORECASE)
_EN_VERB = re.compile(
    r"(?<![A-Za-z])(?:is|are|was|were|has|have|had|will|would|could|can|may|might|did|does|do)(?![A-Za-z])"
    r"|(?<![A-Za-z])[a-z]{3,}ed(?![A-Za-z])(?!\s+by)"
)
_COMPARISON_BEFORE = re.compile(r"(?:是|为|相当于)[^,，。;；]*的\s?$")
_EQUIVALENT = re.compile(
    r"(?:相当于|等于|equivalent\s+to|the\s+equivalent\s+of|as\s+much\s+as)[^,，。;；]{0,12}$", re.I
)
_COMPARISON_AFTER = re.compile(
    r"\s+(?:the|its|their|that of|those of|of what|what|as (?:much|many|large|big|high)|more than|larger than"
    r"|bigger than|higher than)\b"
)


class Kinds:
    """The kind cues of a document, found once, and the kind each figure takes."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.cues = [(m.start(), m.end(), m.lastgroup or "") for m in _CUES.finditer(doc.norm)]
        self.ends = [end for _, end, _ in self.cues]

    def of(
        self,
        start: int,
        end: int,
        unit: str,
        clause: tuple[int, int],
        sentence: tuple[int, int],
        next_figure: int,
        period: str | None,
        own_spending: bool,
    ) -> Kind:
        """The kind of the figure at [start, end); ``own_spending``: its subject states its own spending."""
        text = self.doc.norm
        if unit in ("times", "fraction") and (
            _COMPARISON_BEFORE.search(text, clause[0], start) or _COMPARISON_AFTER.match(text, end)
        ):
            return "comparison"
        if _EQUIVALENT.search(text, max(clause[0], start - 30), start):
            return "comparison"
        found = self._cues_before(start, clause, sentence)
        if self.doc.lang == "zh":  # 三座资料中心将与甲骨文合作开发: the cue after its subject governs it
            index = bisect.bisect_left(self.ends, end)
            while index < len(self.cues) and self.cues[index][1] <= min(clause[1], next_figure):
                if self.cues[index][0] >= end and self.cues[index][2] != "now":
                    found.append(self.cues[index])
                index += 1
        after = _AFTER.match(text, end, min(clause[1], next_figure, end + 24))
        if after and not _NOT_A_CUE_BEFORE.search(
            text, max(0, after.start(after.lastgroup or 0) - 12), after.start(after.lastgroup or 0)
        ):
            found.append((after.start(), after.end(), after.lastgroup or ""))
        kind = self._choose(found)
        if kind in ("forecast", "estimate") and own_spending:
            kind = "plan"  # Alphabet projected capex of $91-93 billion: its own plan
        if kind is None:
            kind = "comparison" if unit == "times" else "fact"
        return self._past_is_fact(kind, period)

    def _cues_before(
        self, start: int, clause: tuple[int, int], sentence: tuple[int, int]
    ) -> list[tuple[int, int, str]]:
        text = self.doc.norm
        index = bisect.bisect_right(self.ends, start)
        in_sentence = []
        while index > 0 and self.cues[index - 1][0] >= sentence[0]:
            index -= 1
            cue = self.cues[index]
            if not _NOT_A_CUE_BEFORE.search(text, max(0, cue[0] - 12), cue[0]):
                in_sentence.append(cue)
        own = [c for c in in_sentence if c[0] >= clause[0]]
        if any(kind == "now" for _, _, kind in own):
            now = max(c[0] for c in own if c[2] == "now")
            return [c for c in own if c[0] > now]  # 目前, has already: the present, from here on
        borrow = self.doc.lang == "zh" or not _EN_VERB.search(text, clause[0], start)
        return [c for c in (in_sentence if borrow else own) if c[2] != "now"]

    def _choose(self, found: list[tuple[int, int, str]]) -> Kind | None:
        kinds = {kind for _, _, kind in found}
        for kind in _PRECEDENCE:
            if kind not in kinds:
                continue
            if kind == "weak" and kinds - {"weak", "now"}:
                continue
            if kind == "future":
                return self._future(max(c for c in found if c[2] == "future"))
            if kind == "weak":
                return "forecast"
            return kind  # type: ignore[return-value]
        return None

    def _future(self, cue: tuple[int, int, str]) -> Kind:
        """将 / will: a plan when an action of the subject follows (invest, 合作开发), a forecast for an outcome
        (reach, 达到). English puts the verb right after; Chinese may put a phrase between (将与甲骨文合作开发)."""
        norm = self.doc.norm
        if self.doc.lang == "en":
            acts = _ACTION_AFTER.match(norm, cue[1]) is not None and _OUTCOME.match(norm, cue[1]) is None
            return "plan" if acts else "forecast"
        window = norm[cue[1] : cue[1] + 16]
        action, outcome = _ACTION_ZH.search(window), _OUTCOME_ZH.search(window)
        if action and (outcome is None or action.start() < outcome.start()):
            return "plan"
        return "forecast"

    def _past_is_fact(self, kind: Kind, period: str | None) -> Kind:
        """A forecast, plan or target for a period over by the publication date is what happened."""
        published: date | None = self.doc.published
        if kind not in ("forecast", "plan", "target") or published is None or period is None:
            return kind
        last = period_end(period)
        return "fact" if last is not None and last < published else kind
