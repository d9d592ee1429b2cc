"""Who funds whom, as the text says it: funder, recipient, instrument and the amount in the same clause.

Read in text order, a flow for each money figure whose clause says where it goes, and for each
holding that names no amount:

- given: X invests / will invest $N in Y, X spends $N on Y, X bought $N of Y's bonds, X lends $N to Y,
  X向Y投资, X向Y购买, X为Y提供贷款, X注资Y → X funds Y;
- received: Y raised $N (from A and B), Y is backed / financed by $N from A, a $N debt package backing Y,
  Y attracted $N, Y融资N, Y发行N债券, 为Y筹集了N的债务 → A, B (else the market named, else the
  investors) fund Y;
- spent: capital expenditure, spending, capex of X ($N Meta data center) → X funds the infrastructure
  its text names (AI infrastructure, data centres, 数据中心, gas plants), else data centres;
- invested in a place or a sector with no investor named (private AI investment in the US reached
  $N; 生成式AI领域的投资达到N) → the investors fund it (the AI sector, for the world as a whole);
- held: X will co-own Y, keeps a stake in Y, is among the holders, is Y's backer, 共同拥有, 放贷机构.

"The project", "the debt", "the notes", 该项目, 这笔交易 — and a receiving or holding clause that names no
recipient — mean the recipient of the last flow the text stated. "The three companies", 三家公司
stand for the companies named before them, each a funder. The instrument follows the words of the
clause (bonds, notes → bond purchase; loan, debt financing, 放贷 → loan; equity, stake, cash → equity
investment; round → venture round; capex, spend, 建设 → capex); one the vocabulary lacks is proposed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.extract.actors import GROUP, GROUP_SIZE, OBJECT_BEFORE
from kg.extract.metric import head_of
from kg.extract.names import Mention, Names
from kg.extract.reading import Figure
from kg.extract.text import Document
from kg.models import ActorType, Concept, Label

_GIVE = re.compile(
    r"(?<![A-Za-z])(?:invest(?:s|ed|ing)?|put(?:s|ting)?|pour(?:s|ed|ing)?|inject(?:s|ed|ing)?|spen[dt]s?|spending"
    r"|bought|buy(?:s|ing)?|purchas(?:e|es|ed|ing)|lend(?:s|ing)?|lent|provid(?:e|es|ed|ing)|contribut(?:e|es|ed|ing)"
    r"|commit(?:s|ted|ting)?|pa(?:y|ys|id|ying)|held|hold(?:s|ing)?|flow(?:s|ed)?\s+(?:in)?to|pour(?:s|ed)?\s+into)"
    r"(?![A-Za-z])|投资|投入|注资|出资|认购|购买|采购|买入|贷款|放贷|提供|斥资|花费|支付|持有|流向|流入",
    re.IGNORECASE,
)
_RECEIVE = re.compile(
    r"(?<![A-Za-z])(?:rais(?:e|es|ed|ing)|secur(?:e|es|ed|ing)|attract(?:s|ed|ing)?|(?:backed|financed|funded)"
    r"|arrang(?:e|es|ed|ing)|issu(?:e|es|ed|ing)|borrow(?:s|ed|ing)?|backing|to\s+(?:fund|finance|build)"
    r"|financing\s+(?:package|deal|round)|funding\s+round|(?:bond|debt|note)s?\s+(?:sale|offering|issue|deal))(?![A-Za-z])"
    r"|融资|募资|筹集|筹资|发行|发债|获得|获投|吸引",
    re.IGNORECASE,
)
_HOLD = re.compile(
    r"(?<![A-Za-z])(?:co-own(?:s|ed)?|stakes?\s+in|holders|backer|investors?\s+in|lenders?\s+(?:to|of|on)"
    r"|led\s+the\s+(?:debt\s+)?financing)(?![A-Za-z])"
    r"|共同拥有|持股|入股|参股|放贷机构|贷款方",
    re.IGNORECASE,
)
_CAPEX = frozenset(("capital expenditure", "spending"))
_INFRASTRUCTURE = re.compile(
    r"(?:(?:AI|artificial intelligence|cloud|digital|computing|energy|power|data[- ]cent(?:er|re))\s+)?"
    r"(?:infrastructure|data cent(?:er|re)s?|chips|GPUs|facilit(?:y|ies)|campus(?:es)?|(?:gas\s+)?plants|generation"
    r"|transmission(?:\s+lines)?|substations?|factor(?:y|ies)|servers)(?![A-Za-z])"
    r"|(?:AI|人工智能)?(?:基础设施|数据中心|算力|电厂|输电线路|工厂|厂房|服务器)",
    re.IGNORECASE,
)
#: The definite phrases that stand for the project or debt a text spoke of last.
_DEFINITE = re.compile(
    r"(?<![A-Za-z])the\s+(?:project|facility|debt|notes|bonds|deal|offering|financing|data\s+cent(?:er|re)|campus|site)"
    r"(?![A-Za-z])|该项目|这笔交易|这座|该数据中心|该设施|项目",
    re.IGNORECASE,
)
_FROM = re.compile(r"(?<![A-Za-z])(?:from|by)\s+(?:(?:site\s+)?owners?\s+)?$", re.IGNORECASE)
_TO_ZH = re.compile(r"(?:向|对|给|为|帮)\s?$")
_AND = re.compile(r"^\s*(?:,\s*)?(?:(?:将|也|还)?\s*(?:与|和|同)|and|&|及|、|,|旗下)\s*$", re.IGNORECASE)
#: A name followed by what makes it a project: Hyperion 数据中心, the Abilene, Texas data center.
_PROJECT_AFTER = re.compile(
    r"(?:[’']s)?[\s,A-Za-z]{0,16}?(?:data\s+cent(?:er|re)|facility|campus|project|plant)(?![A-Za-z])|\s?(?:数据中心|项目|园区)",
    re.IGNORECASE,
)
#: Words of a clause → the instrument of its flow, first match wins.
_INSTRUMENT_WORDS = (
    ("bond-purchase", r"bonds?|notes|debt securities|bond market|holders|债券|发债|发行"),
    ("loan", r"loans?|lend\w*|lent|debt financing|credit facility|lenders?|贷款|放贷|借款"),
    ("venture-round", r"round|venture|series [a-f]|风险投资|轮融资"),
    ("equity-investment", r"equity|stakes?|co-own\w*|cash|shares|股本|股权|持股|入股|共同拥有|所有权"),
    ("private-credit", r"private credit|debt|debt package|private capital|私募|债务"),
    (
        "capex",
        r"capex|capital expenditures?|spen[dt]\w*|build\w*|construct\w*|infrastructure|chips|data cent\w+"
        r"|资本支出|资本开支|建设|兴建|基础设施|算力",
    ),
    ("equity-investment", r"invest(?!ment[- ]grade)\w*|backs?|backed|backer|投资|注资|出资"),
    ("other", r"financing|funding|融资|资金"),
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
#: The head of a Chinese clause that gives to someone: X为Y, X向Y (X: two to six characters, no particle).
_ZH_GIVER = re.compile(r"\s*([\u4e00-\u9fff]{2,6}?)(?:将|已|还|也|计划|拟)?(?:向|为|给)")
_POSSESSIVE = re.compile(r"[’']s\s+")
_POURED = re.compile(r"流向|流入|flow|pour", re.IGNORECASE)
_SPENT = re.compile(r"spen[dt]|斥资|花费|投入", re.IGNORECASE)
_DEBT = re.compile(r"(?<![A-Za-z])(?:debt|loans?|bonds?|notes|financing)(?![A-Za-z])|融资|债务|债券|贷款|发债", re.I)
_NO_FLOW = frozenset(("profit", "revenue", "valuation", "market value", "price", "gap", "returns", "assets"))
_MONEY = frozenset(("USD", "CNY", "EUR", "GBP", "JPY", "HKD", "KRW", "TWD"))
_PLACES: frozenset[ActorType] = frozenset(("country", "region", "sector", "market"))
_NOT_A_RECIPIENT: frozenset[ActorType] = frozenset(("market", "media", "person"))


@dataclass(frozen=True)
class DraftFlow:
    """A funding flow the text states, with the figure it carries (None: no amount) and its clause."""

    funder: str
    recipient: str
    instrument: str
    figure: int | None
    start: int
    end: int


class Flows:
    """The flows of a document, read in text order with the project it last spoke of."""

    def __init__(self, doc: Document, names: Names, instruments: tuple[Concept, ...]):
        self.doc, self.names = doc, names
        self.vocabulary = {c.id for c in instruments}
        self.proposed: dict[str, Concept] = {}
        self._investors: str | None = None
        self._project: str | None = None  # the project spoken of last: "the project", "the debt"
        self._topic: str | None = None
        self._projects = [
            (m.start, m.actor)
            for m in names.mentions
            if not m.weak and names.type_of(m.actor) not in _PLACES and _PROJECT_AFTER.match(doc.norm, m.end)
        ]

    def read(self, figures: Sequence[Figure]) -> list[DraftFlow]:
        """Every flow the text states: those of money figures (``figure`` set) and holdings, in text order."""
        events: list[tuple[int, int | None, re.Match[str] | None]] = [
            (f.start, i, None) for i, f in enumerate(figures) if f.unit in _MONEY
        ]
        events += [(m.start(), None, m) for m in _HOLD.finditer(self.doc.norm)]
        found: list[DraftFlow] = []
        taken: set[tuple[str, str]] = set()
        projects = iter(self._projects)
        pending = next(projects, None)
        for position, index, holding in sorted(events, key=lambda e: e[0]):
            while pending is not None and pending[0] < position:  # a project named before this point
                self._project, pending = pending[1], next(projects, None)
            flows = self._of_figure(index, figures[index]) if index is not None else self._held(holding)
            for flow in flows:
                if flow.figure is None and (flow.funder, flow.recipient) in taken:
                    continue
                taken.add((flow.funder, flow.recipient))
                found.append(flow)
                # a project, known or new, is what "the project" says next; a company only when new (the
                # vehicle of a deal), never a known one such as Meta
                kind = self.names.type_of(flow.recipient)
                if kind == "project" or (kind == "company" and flow.recipient in self.names.new):
                    self._project = flow.recipient
        return found

    # -- a money figure

    def _of_figure(self, index: int, figure: Figure) -> list[DraftFlow]:
        if figure.measure and head_of(figure.measure.en) in _NO_FLOW:
            return []  # a profit, a revenue, a valuation: money earned or worth, not given
        norm, zh = self.doc.norm, self.doc.lang == "zh"
        clause = self.doc.clause_of(figure.start, figure.end)
        _, sentence_start, sentence_end = self.doc.sentence_of(figure.start)
        credit = figure.credit
        named = [
            m
            for m in self.names.within(clause[0], clause[1])
            if not m.weak and not (credit and not credit.own and credit.start <= m.start < credit.end)
        ]
        measure = figure.measure.en if figure.measure else ""
        subject = figure.subjects[0] if figure.subjects else None
        # verbs before the figure anywhere in its clause ($9.6 billion from A and $5 billion from B), just after it
        window = (clause[0], min(clause[1], figure.end + 40))
        give = _GIVE.search(norm, *window)
        receive = _RECEIVE.search(norm, *window)
        if give and (receive is None or give.start() <= receive.start()):
            poured = _POURED.match(give.group())  # 资金流向X, money pours into X: from the investors
            funders = [self._investors_id()] if poured else self._funders(named, give.start(), subject, clause)
            recipient = self._recipient_of_gift(named, give, figure, clause, funders)
            if recipient is None and _SPENT.match(give.group()):
                recipient = self._infrastructure((sentence_start, sentence_end), figure.start)
            if recipient:
                return self._each(funders, recipient, index, clause, capex=measure in _CAPEX, at=figure.end)
        if receive and re.search(
            r"(?<![A-Za-z])(?:forecast|guidance|outlook|estimate|target|view|expectations?|rates?|prices?|stake)s?(?![A-Za-z])"
            r"|预期|预测|目标|利率|价格",
            norm[receive.end() : max(receive.end(), figure.start)],
            re.IGNORECASE,
        ):
            receive = None  # raised its capex forecast to $91 billion: a forecast raised, no money
        if receive:
            arranged = receive.group().lower().startswith("arrang")  # a bank arranges others' money for a project
            recipient = self._project if arranged else self._receiver(named, receive.start(), subject, clause)
            funders = self._givers(named, figure, clause, receive) or [self._investors_id()]
            if recipient:
                return self._each(funders, recipient, index, clause, receiving=True, at=figure.end)
        spender = self._spends_on_infrastructure(figure, zh)
        if _head(measure) in _CAPEX or spender:
            named_before = [m for m in named if m.end <= figure.start and self.names.type_of(m.actor) not in _PLACES]
            if isinstance(spender, str):
                funders = [spender]
            elif named_before:  # 微软和Meta今年资本支出合计达…: each of them
                funders = self._coordinated(named_before[::-1], backwards=True)
            else:
                funders = self._group(subject, clause) if subject else []
            if funders and all(self.names.type_of(f) not in _PLACES for f in funders):
                start = figure.end if spender else sentence_start  # $10 billion Meta data center: that data center
                recipient = self._infrastructure((start, sentence_end), figure.start)
                return self._each(funders, recipient, index, clause, capex=True)
        if _head(measure) == "investment" and subject and self.names.type_of(subject) in _PLACES:
            recipient = self._invested(subject, clause)
            investors = self._investors_id()
            if recipient != investors:
                return [DraftFlow(investors, recipient, self._concept("venture-round"), index, *clause)]
        return []

    def _funders(self, named: list[Mention], verb: int, subject: str | None, clause: tuple[int, int]) -> list[str]:
        """Who gives: the names before the verb in its clause (A and B), or the figure's subject when the sentence
        names it before the verb (三家公司 → each)."""
        norm = self.doc.norm
        before = [m for m in named if m.end <= verb and not _TO_ZH.search(norm, max(0, m.start - 2), m.start)]
        before = [
            m
            for m in before
            if self.names.type_of(m.actor) not in _PLACES
            and not OBJECT_BEFORE.search(norm, max(0, m.start - 14), m.start)
            and not self._owns_a_name(m)  # Elon Musk's xAI: xAI spends
        ]
        if before:
            return self._coordinated(before[::-1], backwards=True)
        unknown = _ZH_GIVER.match(norm, clause[0], verb) if self.doc.lang == "zh" else None
        if unknown:  # 摩根大通为甲骨文提供贷款: a name the dataset lacks, before 为 / 向
            return [self.names.propose(None, self.doc.text[unknown.start(1) : unknown.end(1)], "company")]
        _, sentence_start, _ = self.doc.sentence_of(verb)
        listed = [m for m in self.names.within(sentence_start, clause[0]) if not m.weak]
        if len(listed) >= 2 and re.fullmatch(r"[\s,，、]*", norm[listed[-1].end : clause[0]]):
            return self._coordinated(listed[::-1], backwards=True)  # A、B、C和D，今年投资…: each of them
        earlier = {m.actor for m in self.names.within(sentence_start, verb)}
        if subject and (subject in earlier or GROUP.search(norm, clause[0], verb)):
            return self._group(subject, clause)
        return []

    def _owns_a_name(self, mention: Mention) -> bool:
        """Elon Musk's xAI, SoftBank's Vision Fund: a name owning the name right after it."""
        owned = _POSSESSIVE.match(self.doc.norm, mention.end)
        if owned is None:
            return False
        return any(m.start == owned.end() for m in self.names.within(owned.end(), owned.end() + 40))

    def _recipient_of_gift(
        self, named: list[Mention], verb: re.Match[str], figure: Figure, clause: tuple[int, int], funders: list[str]
    ) -> str | None:
        """To whom: 向Y / 为Y before the verb; a name after the verb (in Y, to Y, of Y's bonds); the infrastructure
        it buys (chips, data centres); the project spoken of last ("the debt")."""
        norm = self.doc.norm
        _, sentence_start, _ = self.doc.sentence_of(verb.start())
        marked = [
            m
            for m in self.names.within(sentence_start, verb.start())
            if not m.weak and _TO_ZH.search(norm, max(0, m.start - 2), m.start)
        ]
        if marked:  # 微软对OpenAI的承诺投资…，已出资116亿美元: to OpenAI
            return marked[-1].actor
        definite = re.match(
            r"\s*(?:of|in|into)\s+(?:the|its)\s+(?:debt|notes|bonds|project|offering|deal)",
            norm[figure.end : figure.end + 30],
        )
        if definite and self._project:
            return self._project  # $18 billion of the debt: the debt spoken of last
        after = [m for m in named if m.start >= verb.end() and m.actor not in funders]
        if after:
            return after[0].actor
        _, _, sentence_end = self.doc.sentence_of(verb.start())
        phrase = _INFRASTRUCTURE.search(norm, verb.end(), sentence_end)
        if phrase:
            return self._phrase_actor(phrase.start(), phrase.end())
        return self._project if self._project not in funders else None

    def _receiver(self, named: list[Mention], verb: int, subject: str | None, clause: tuple[int, int]) -> str | None:
        """Who receives: 为Y; the name before the verb that is no market; "backing Y"; the subject; the project."""
        norm = self.doc.norm
        marked = [m for m in named if m.start >= clause[0] and _TO_ZH.search(norm, max(0, m.start - 2), m.start)]
        if marked:
            return marked[0].actor
        if re.search(r"为[^,，。]{0,20}$", norm[clause[0] : verb]):
            return self._project  # 为一个特殊目的载体筹集: for the vehicle of the project spoken of
        backing = re.match(r"\s*(?:backing|to\s+(?:fund|finance|build))\s+", norm[verb : verb + 30], re.IGNORECASE)
        if backing:
            after = [m for m in named if m.start >= verb]
            if after:
                return after[0].actor
        before = [m for m in named if m.end <= verb and self.names.type_of(m.actor) not in _NOT_A_RECIPIENT | _PLACES]
        if before:
            return before[-1].actor
        _, sentence_start, _ = self.doc.sentence_of(verb)
        passive = re.match(r"(?:is|are|was|were|be|been)?\s*(?:backed|financed|funded)", norm[verb : verb + 20], re.I)
        if _DEFINITE.search(norm, sentence_start, verb) or (passive and self._project):
            return self._project  # The project, financed by…; is backed by…: what the text spoke of last
        if subject and self.names.type_of(subject) not in _NOT_A_RECIPIENT | _PLACES:
            return subject
        # Generative AI emerged …, attracting $33.9 billion: the sentence's own subject
        opening = [m for m in self.names.within(sentence_start, verb) if not m.weak]
        if opening and self.names.type_of(opening[0].actor) not in _NOT_A_RECIPIENT | _PLACES:
            return opening[0].actor
        return None

    def _givers(self, named: list[Mention], figure: Figure, clause: tuple[int, int], verb: re.Match[str]) -> list[str]:
        """Who gives what is received: the names after "from" or "by" (A and B) after the figure, else before
        it; a market (在债券市场融资)."""
        norm = self.doc.norm
        after = [m for m in named if m.start >= figure.end]
        for group in (after, [m for m in named if m.start >= verb.end()]):
            for position, mention in enumerate(group):
                if _FROM.search(norm, max(clause[0], mention.start - 20), mention.start):
                    return self._coordinated(group[position:])
        markets = [m.actor for m in named if self.names.type_of(m.actor) == "market"]
        return markets[:1]

    def _coordinated(self, mentions: list[Mention], backwards: bool = False) -> list[str]:
        """A name and those joined to it by "and", 和, 与 (Crusoe and Blue Owl Capital)."""
        chosen = [mentions[0]]
        for mention in mentions[1:]:
            left, right = (mention, chosen[-1]) if backwards else (chosen[-1], mention)
            if not _AND.match(self.doc.norm[left.end : right.start]):
                break
            chosen.append(mention)
        return list(dict.fromkeys(m.actor for m in chosen))

    def _group(self, subject: str, clause: tuple[int, int]) -> list[str]:
        """三家公司, the three companies: the companies named before, each; else the subject itself."""
        match = GROUP.search(self.doc.norm, *clause)
        if not match:
            return [subject]
        size = GROUP_SIZE[(match["zh"] or match["en"]).lower()]
        companies: list[str] = []
        for mention in reversed(self.names.before(match.start(), 60)):
            if self.names.type_of(mention.actor) == "company" and mention.actor not in companies and not mention.new:
                companies.append(mention.actor)
            if len(companies) == size:
                return companies[::-1]
        return [subject]

    def _spends_on_infrastructure(self, figure: Figure, zh: bool) -> str | bool:
        """$10 billion Meta data center, 3640亿美元用于数据中心: money put into infrastructure named right after
        it; the company named between the two is who spends it (True: no one is named there)."""
        after = self.doc.norm[figure.end : figure.end + 50]
        match = re.match(r"\s*(?:用于)?((?:[A-Z][\w-]*\s+){0,3})(?:data cent|facility|campus|plant)", after)
        if match:
            named = [m for m in self.names.within(figure.end, figure.end + match.end(1)) if not m.weak]
            return named[0].actor if named else True
        _, sentence_start, sentence_end = self.doc.sentence_of(figure.start)
        if zh and re.match(r"\s*用于", after) and not _DEBT.search(self.doc.norm, sentence_start, sentence_end):
            return True  # 3640亿美元用于数据中心 (not the proceeds of a loan: 融资…用于)
        return bool(_INFRASTRUCTURE.match(after.strip()))

    def _invested(self, subject: str, clause: tuple[int, int]) -> str:
        """Invested in a place: that place; in the world as a whole, the sector named (AI → the AI sector)."""
        if self.names.type_of(subject) == "region" and re.fullmatch(
            r"world|global|全球|世界", self.names.label_of(subject), re.IGNORECASE
        ):
            sector = [m.actor for m in self.names.within(*clause) if m.weak and self.names.type_of(m.actor) == "sector"]
            if sector:
                return sector[0]
        return subject

    def _infrastructure(self, sentence: tuple[int, int], position: int) -> str:
        """What capex is spent on: the infrastructure the sentence, its paragraph or the headline names."""
        paragraph = self.doc.paragraph(self.doc.paragraph_index(position))
        headline = self.doc.headline()
        for start, end in (sentence, paragraph, *([headline] if headline else [])):
            phrase = _INFRASTRUCTURE.search(self.doc.norm, start, end)
            if phrase:
                return self._phrase_actor(phrase.start(), phrase.end())
        if self._topic is None:  # the infrastructure the text speaks of most
            counts: dict[str, list[re.Match[str]]] = {}
            for match in _INFRASTRUCTURE.finditer(self.doc.norm):
                counts.setdefault(match.group().lower(), []).append(match)
            if counts:
                best = max(counts.values(), key=len)[0]
                self._topic = self._phrase_actor(best.start(), best.end())
            else:
                self._topic = self._known_phrase("data centres") or self.names.propose("Data centres", None, "sector")
        return self._topic

    # -- a holding (no amount)

    def _held(self, match: re.Match[str] | None) -> list[DraftFlow]:
        assert match is not None
        clause = self.doc.clause_of(match.start(), match.end())
        _, sentence_start, sentence_end = self.doc.sentence_of(match.start())
        named = [m for m in self.names.within(sentence_start, sentence_end) if not m.weak]
        if match.group().lower() == "backer":  # its primary backer, Microsoft: Microsoft funds what "its" is
            funder = next((m.actor for m in named if 0 <= m.start - match.end() <= 12), None)
            owner = [m.actor for m in self.names.before(match.start(), 8) if not m.weak and m.actor != funder]
            if funder and owner:
                return [DraftFlow(funder, owner[-1], self._instrument(clause), None, *clause)]
            return []
        funders = [m for m in named if m.end <= match.start() and self.names.type_of(m.actor) not in _PLACES]
        in_clause = [m for m in funders if m.start >= clause[0]]
        if not funders:
            return []
        # the clause's own holder (with Meta keeping a stake), else the sentence's subject (Funds managed by X …)
        givers = self._coordinated(in_clause[::-1], backwards=True) if in_clause else self._coordinated(funders)
        after = [m.actor for m in named if match.end() <= m.start < clause[1] and m.actor not in givers]
        recipient = next((a for a in after if self.names.type_of(a) not in _PLACES), None) or self._project
        if recipient is None:
            return []
        return [DraftFlow(g, recipient, self._instrument(clause), None, *clause) for g in givers if g != recipient]

    # -- actors and instruments

    def _each(
        self,
        funders: list[str],
        recipient: str,
        index: int,
        clause: tuple[int, int],
        *,
        capex: bool = False,
        receiving: bool = False,
        at: int | None = None,
    ) -> list[DraftFlow]:
        instrument = self._concept("capex") if capex else self._instrument(clause, receiving, at)
        return [DraftFlow(f, recipient, instrument, index, *clause) for f in funders if f != recipient]

    def _phrase_actor(self, start: int, end: int) -> str:
        """An actor for words that name no one (AI infrastructure, data centres): a known one, else a new one."""
        inside = [m for m in self.names.within(start, end) if not m.weak]
        if inside:
            return inside[-1].actor
        words = self.doc.text[start:end].strip()
        known = self._known_phrase(self.doc.norm[start:end].strip())
        if known:
            return known
        if self.doc.lang == "zh":
            return self.names.propose(None, words, "sector")
        return self.names.propose(words[:1].upper() + words[1:], None, "sector")

    def _known_phrase(self, words: str) -> str | None:
        """A known actor for a phrase, in any spelling: data center → data centres, 資料中心 → 数据中心."""
        gazetteer = self.names.gazetteer
        british = re.sub(r"(?i)center", "centre", words)
        for form in (words, british, british + "s", british.rstrip("s")):
            known = gazetteer.known(form)
            if known:
                return known
        return None

    def _investors_id(self) -> str:
        if self._investors is None:
            self._investors = (
                self.names.gazetteer.known("investors")
                or self.names.gazetteer.known("投资者")
                or self.names.propose("Investors", "投资者" if self.doc.lang == "zh" else None, "investor")
            )
        return self._investors

    def _instrument(self, clause: tuple[int, int], receiving: bool = False, at: int | None = None) -> str:
        """The instrument the words say: those right after the amount first ($27 billion of debt and $2.5 billion
        of equity), then the clause's."""
        texts = [self.doc.norm[clause[0] : clause[1]]]
        if at is not None:
            texts.insert(0, self.doc.norm[at : min(clause[1], at + 50)])
        for text in texts:
            for instrument, words in _INSTRUMENT_WORDS:
                if re.search(rf"(?<![A-Za-z])(?:{words})(?![A-Za-z])", text, re.IGNORECASE):
                    return self._concept(instrument)
        return self._concept("other" if receiving else "equity-investment")

    def _concept(self, instrument: str) -> str:
        if instrument in self.vocabulary:
            return instrument
        if instrument not in self.proposed:
            en, zh = _INSTRUMENT_LABELS[instrument]
            label = Label(en=en, zh=zh if self.doc.lang == "zh" else None)
            self.proposed[instrument] = Concept(id=instrument, label=label)
        return instrument


def _head(measure: str) -> str:
    """The measured words' head as kg.extract.metric names it: capital expenditure, spending, investment."""
    return head_of(measure)
