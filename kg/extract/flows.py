"""Who funds whom, as the text says it: funder, recipient, instrument and the amount in the same clause.

A verb of money in a figure's clause makes a flow (and a few make one without an amount):

- given: X invests / puts / will invest $N in Y, X spends $N on Y, X bought $N of Y's bonds, X lends
  $N to Y, X向Y投资, X认购Y的债券, X为Y提供贷款, X注资Y → X funds Y;
- received: Y raised $N (from X), Y is backed / financed by $N from X, Y发行N债券, Y融资N, 为Y筹集了N的债务
  → X (else the investors, or the bond market for bonds) funds Y;
- spent on itself: X's capital expenditure of $N, X的资本支出 → X funds the infrastructure its text
  names (AI infrastructure, data centres, 数据中心);
- invested in a place or a sector with no investor named (private AI investment in the US reached $N,
  美国AI投资额达到N) → the investors fund it;
- held: X will co-own Y, X keeps a stake in Y, X is among the holders (of Y's debt), X为主要放贷机构 → X funds Y.

The instrument follows the words of the clause (bonds, notes → bond purchase; loan, debt financing,
放贷 → loan; equity, stake, cash → equity investment; round, venture → venture round; capex, spend,
建设 → capex); one the vocabulary lacks is proposed. Funder and recipient are names of the sentence
(known actors or new names); a recipient that is no name (AI infrastructure, 生成式AI) is proposed as
an actor from the words that name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.names import Mention, Names
from kg.extract.text import Document
from kg.models import ActorType, Concept, Label

_GIVE_EN = re.compile(
    r"(?<![A-Za-z])(?P<verb>invest(?:s|ed|ing)?|put(?:s|ting)?|pour(?:s|ed|ing)?|inject(?:s|ed|ing)?|spen[dt]s?|spending"
    r"|bought|buy(?:s|ing)?|purchas(?:e|es|ed|ing)|lend(?:s|ing)?|lent|provid(?:e|es|ed|ing)|contribut(?:e|es|ed|ing)"
    r"|commit(?:s|ted|ting)?|pay(?:s|ing)?|paid)(?![A-Za-z])",
    re.IGNORECASE,
)
_RECEIVE_EN = re.compile(
    r"(?<![A-Za-z])(?P<verb>rais(?:e|es|ed|ing)|secur(?:e|es|ed|ing)|(?:is|are|was|were|be|been)?\s*(?:backed|financed|funded)"
    r"|sold|issu(?:e|es|ed|ing)|borrow(?:s|ed|ing)?|(?:debt|bond|loan|equity)\s+(?:package|financing|deal|offering|sale)"
    r"|financing|funding)(?![A-Za-z])",
    re.IGNORECASE,
)
_HOLD_EN = re.compile(
    r"(?<![A-Za-z])(?P<verb>co-own(?:s|ed)?|stake|holders?|backer|investor\s+in|lenders?|led\s+the\s+(?:debt\s+)?financing)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_GIVE_ZH = re.compile(r"(?P<verb>投资|投入|注资|出资|认购|购买|买入|贷款|放贷|提供|斥资|花费|支付)")
_RECEIVE_ZH = re.compile(r"(?P<verb>融资|募资|筹集|筹资|发行|发债|获得|获投|完成)")
_HOLD_ZH = re.compile(r"(?P<verb>共同拥有|持有|持股|入股|参股|放贷机构|贷款方|投资方)")
_SPENDING = re.compile(
    r"(?<![A-Za-z])(?:capital\s+expenditures?|capex|capital\s+spending|infrastructure\s+spending)(?![A-Za-z])"
    r"|资本支出|资本开支",
    re.IGNORECASE,
)
_INVESTED_IN = re.compile(
    r"(?<![A-Za-z])(?:private\s+)?(?:AI\s+)?investments?\s+(?:in|into)\b|(?:AI|人工智能)?(?:私人)?投资(?:额)?",
    re.IGNORECASE,
)
_INFRASTRUCTURE = re.compile(
    r"(?:(?:AI|artificial intelligence|cloud|digital|computing|energy|power|data[- ]cent(?:er|re))\s+)?"
    r"(?:infrastructure|data cent(?:er|re)s?|chips|GPUs|facilit(?:y|ies)|campus(?:es)?|(?:gas\s+)?plants)(?![A-Za-z])"
    r"|(?:AI|人工智能)?(?:基础设施|数据中心|资料中心|算力)",
    re.IGNORECASE,
)
#: Words of a clause → the instrument of its flow, first match wins.
_INSTRUMENT_WORDS = (
    ("bond-purchase", r"bonds?|notes|debt securities|bond market|债券|发债|发行"),
    ("loan", r"loans?|lend\w*|lent|debt financing|credit facility|lenders?|贷款|放贷|借款"),
    ("venture-round", r"round|venture|series [a-f]|风险投资|轮融资"),
    ("equity-investment", r"equity|stakes?|co-own\w*|cash|shares|股本|股权|持股|入股|共同拥有|所有权"),
    (
        "capex",
        r"capex|capital expenditures?|spen[dt]\w*|build\w*|construct\w*|infrastructure|chips|data cent\w+"
        r"|资本支出|资本开支|建设|兴建|基础设施|算力",
    ),
    ("private-credit", r"private credit|debt|debt package|private capital|私募|债务"),
    ("equity-investment", r"invest\w*|backs?|backed|投资|注资|出资"),
)
#: Labels of the instruments a draft proposes where the vocabulary lacks them.
_INSTRUMENT_LABELS = {
    "bond-purchase": ("Bond purchase", "债券购买"),
    "loan": ("Loan", "贷款"),
    "venture-round": ("Venture round", "风险投资融资轮"),
    "equity-investment": ("Equity investment", "股权投资"),
    "capex": ("Capital expenditure", "资本支出"),
    "private-credit": ("Private credit", "私募信贷"),
    "other": ("Other funding", "其他资金"),
}
_FROM = re.compile(r"(?<![A-Za-z])(?:from|by)\s+$", re.IGNORECASE)
_TO_ZH = re.compile(r"(?:向|对|给|为|帮)\s?$")
_PLACE_OR_SECTOR: frozenset[ActorType] = frozenset(("country", "region", "sector", "market"))


@dataclass(frozen=True)
class DraftFlow:
    """A funding flow the text states, with the figure it carries (None: no amount) and its clause."""

    funder: str
    recipient: str
    instrument: str
    figure: int | None
    start: int
    end: int
    funders: tuple[str, ...] = ()  # other candidates, best first
    recipients: tuple[str, ...] = ()


class Flows:
    """Reads flows clause by clause: each money figure with its verb, and amountless holdings."""

    def __init__(self, doc: Document, names: Names, instruments: tuple[Concept, ...]):
        self.doc, self.names = doc, names
        self.vocabulary = {c.id for c in instruments}
        self.proposed: dict[str, Concept] = {}
        self._investors: str | None = None
        self._infrastructure: dict[int, str] = {}

    def of_figure(self, index: int, start: int, end: int, subjects: tuple[str, ...], clause: tuple[int, int],
                  sentence: tuple[int, int], measure: str) -> DraftFlow | None:  # fmt: skip
        """The flow a money figure at [start, end) carries, if its clause says who gives it to whom."""
        norm = self.doc.norm
        zh = self.doc.lang == "zh"
        give = (_GIVE_ZH if zh else _GIVE_EN).search(norm, clause[0], clause[1])
        receive = (_RECEIVE_ZH if zh else _RECEIVE_EN).search(norm, clause[0], clause[1])
        named = [m for m in self.names.within(*sentence) if not m.weak]
        in_clause = [m for m in named if clause[0] <= m.start < clause[1]]
        subject = subjects[0] if subjects else None
        spending = _SPENDING.search(norm, max(sentence[0], start - 60), min(sentence[1], end + 40))
        if spending and subject and self.names.type_of(subject) not in _PLACE_OR_SECTOR:
            return self._flow(subject, self._infrastructure_of(start, sentence), "capex", index, clause)
        if give and (receive is None or give.start() <= receive.start()):
            funder = self._before(in_clause, give.start()) or subject
            recipient = self._recipient(in_clause, give.end(), clause, funder)
            if funder and recipient and funder != recipient:
                return self._flow(funder, recipient, self._instrument(clause, recipient), index, clause)
        if receive:
            recipient = self._before(in_clause, receive.start()) or subject
            funder = self._from(in_clause, clause) or self._default_funder(clause)
            if funder and recipient and funder != recipient:
                return self._flow(funder, recipient, self._instrument(clause, recipient, receiving=True), index, clause)
        if (
            subject
            and self.names.type_of(subject) in _PLACE_OR_SECTOR
            and _INVESTED_IN.search(norm, max(sentence[0], start - 60), start)
            and "investment" in measure
        ):
            investors = self._investors_id()
            if investors != subject:
                return self._flow(investors, subject, "venture-round", index, clause)
        return None

    def holdings(self, taken: set[tuple[str, str]]) -> list[DraftFlow]:
        """Flows with no amount: co-owners, stakes, holders and lenders of the project a sentence names."""
        found = []
        pattern = _HOLD_ZH if self.doc.lang == "zh" else _HOLD_EN
        for match in pattern.finditer(self.doc.norm):
            _, start, end = self.doc.sentence_of(match.start())
            clause = self.doc.clause_of(match.start(), match.end())
            named = [m for m in self.names.within(start, end) if not m.weak]
            funder = self._before([m for m in named if m.start >= clause[0]], match.start())
            recipient = self._project(named, funder)
            if funder is None or recipient is None or funder == recipient or (funder, recipient) in taken:
                continue
            taken.add((funder, recipient))
            found.append(self._flow(funder, recipient, self._instrument(clause, recipient), None, clause))
        return found

    # -- the two ends

    def _before(self, named: list[Mention], position: int) -> str | None:
        before = [m for m in named if m.end <= position]
        return before[-1].actor if before else None

    def _recipient(
        self, named: list[Mention], position: int, clause: tuple[int, int], funder: str | None
    ) -> str | None:
        after = [m for m in named if m.start >= position and m.actor != funder]
        if after:
            return after[0].actor
        if self.doc.lang == "zh":
            before = [
                m
                for m in named
                if m.end <= position
                and m.actor != funder
                and _TO_ZH.search(self.doc.norm, max(0, m.start - 2), m.start)
            ]
            if before:
                return before[-1].actor
        phrase = _INFRASTRUCTURE.search(self.doc.norm, position, clause[1])
        return self._phrase_actor(phrase.start(), phrase.end()) if phrase else None

    def _from(self, named: list[Mention], clause: tuple[int, int]) -> str | None:
        for mention in named:
            if _FROM.search(self.doc.norm, max(clause[0], mention.start - 6), mention.start):
                return mention.actor
        return None

    def _default_funder(self, clause: tuple[int, int]) -> str:
        """Who gives money raised from no one named: bond buyers for bonds, else the investors."""
        return self._investors_id()

    def _project(self, named: list[Mention], funder: str | None) -> str | None:
        """The project or company a holding sentence is about: its data centre, project, facility, SPV."""
        for mention in named:
            if mention.actor != funder and self.names.type_of(mention.actor) in ("company", "project"):
                return mention.actor
        return None

    def _infrastructure_of(self, position: int, sentence: tuple[int, int]) -> str:
        """What capex is spent on: the infrastructure the sentence, its paragraph or the headline names."""
        paragraph = self.doc.paragraph(self.doc.paragraph_index(position))
        headline = self.doc.headline()
        for start, end in (sentence, paragraph, *([headline] if headline else []), (0, min(len(self.doc.text), 2000))):
            phrase = _INFRASTRUCTURE.search(self.doc.norm, start, end)
            if phrase:
                return self._phrase_actor(phrase.start(), phrase.end())
        known = self.names.gazetteer.known("data centres") or self.names.gazetteer.known("数据中心")
        return known or self.names.propose("Data centres", None, "sector")

    def _phrase_actor(self, start: int, end: int) -> str:
        """An actor for words that name no one (AI infrastructure, data centres): a known one, else a new one."""
        inside = [m for m in self.names.within(start, end) if not m.weak]
        if inside:
            return inside[-1].actor
        words = self.doc.text[start:end].strip()
        known = self.names.gazetteer.known(words) or self.names.gazetteer.known(self.doc.norm[start:end].strip())
        if known:
            return known
        if self.doc.lang == "zh":
            return self.names.propose(None, words, "sector")
        return self.names.propose(words[:1].upper() + words[1:], None, "sector")

    def _investors_id(self) -> str:
        if self._investors is None:
            self._investors = (
                self.names.gazetteer.known("investors")
                or self.names.gazetteer.known("投资者")
                or self.names.propose("Investors", "投资者" if self.doc.lang == "zh" else None, "investor")
            )
        return self._investors

    # -- the instrument

    def _instrument(self, clause: tuple[int, int], recipient: str, receiving: bool = False) -> str:
        text = self.doc.norm[clause[0] : clause[1]]
        for instrument, words in _INSTRUMENT_WORDS:
            if re.search(rf"(?<![A-Za-z])(?:{words})(?![A-Za-z])", text, re.IGNORECASE):
                return self._concept(instrument)
        return self._concept("equity-investment" if not receiving else "other")

    def _concept(self, instrument: str) -> str:
        if instrument in self.vocabulary:
            return instrument
        if instrument not in self.proposed:
            en, zh = _INSTRUMENT_LABELS[instrument]
            self.proposed[instrument] = Concept(
                id=instrument, label=Label(en=en, zh=zh if self.doc.lang == "zh" else None)
            )
        return instrument

    def _flow(
        self, funder: str, recipient: str, instrument: str, figure: int | None, clause: tuple[int, int]
    ) -> DraftFlow:
        return DraftFlow(funder, recipient, instrument, figure, clause[0], clause[1])
