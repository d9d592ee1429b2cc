"""What a figure measures: the words of its sentence, a metric of the vocabulary only where they match.

The measured words are found next to the figure: after it ($51.24 billion *in revenue*, $27 billion
*debt package*, 650 million *monthly active users*, 40个*重要AI模型*, 25亿美元的*股本*), else before it in
its clause (*revenue of* $102.3 billion, *private AI investment* … reached, *用电量*达7吉瓦); a change
(grew 26%, 增长44.5%) measures the growth of its noun, a share (23.2% of, 占比) the share of it. The
head noun comes from a bilingual lexicon of measures (capital expenditure / 资本支出, revenue / 收入,
debt / 债务, users / 用户, capacity / 容量 …), its modifiers from the text (private AI, 私人).

A metric of the vocabulary is reused only when its label says the same (the same words, or all of
one's words among the other's, at least two of them) and the figure's unit is one its claims use;
otherwise a new metric is proposed from the words: an id, an English label, and the Chinese words
as written for a Chinese text. Never the nearest unrelated metric.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kg.extract.lexicon import alternation, words
from kg.extract.text import Document
from kg.models import Concept, Dataset, Label

# (canonical English head, English forms, Chinese forms): what figures measure.
_MEASURES = (
    ("capital expenditure", r"capital expenditures?|capex|capital spending|capital investments?", "资本支出|资本开支"),
    ("investment", r"investments?", "投资额|投资|投入"),
    ("spending", r"spending|expenditures?|outlays?|budget", "支出|开支|预算"),
    ("revenue", r"revenues?|sales|turnover", "营业收入|营收|年收入|收入|营业额|销售额"),
    ("profit", r"(?:paper )?profits?|net income|earnings|gains?", "净利润|利润|盈利"),
    ("debt", r"debt(?: package| deal| offering| sale)?|bonds?|notes|loans?|borrowing|credit", "债务|债券|贷款|借款"),
    ("financing", r"debt financing|financing|funding|fundraising|capital raise|round", "融资|募资|筹资|资金"),
    ("equity", r"equity|stakes?|ownership", "股本|股权|股份|所有权"),
    ("valuation", r"valuation", "估值"),
    ("market value", r"market (?:value|capitali[sz]ation|cap)", "市值"),
    ("users", r"(?:monthly |weekly |daily )?(?:active )?users|customers|subscribers", "活跃用户|用户"),
    ("chips", r"chips|gpus|processors|accelerators", "芯片|处理器"),
    ("models", r"models", "模型"),
    (
        "data centres",
        r"data cent(?:er|re)s?|facilit(?:y|ies)|campus(?:es)?|sites|locations",
        "数据中心|资料中心|设施|地点",
    ),
    ("plants", r"plants|reactors|turbines", "电厂|核反应堆|核反应炉|机组"),
    (
        "electricity use",
        r"electricity(?: use| consumption| demand)?|power (?:use|consumption|demand)|energy use",
        "用电量|电力需求|耗电量|发电能力",
    ),
    ("capacity", r"(?:generating |computational |computing )?(?:capacity|power)|compute", "装机容量|容量|装机|算力"),
    ("price", r"prices?|price tag|cents on the dollar", "价格|售价"),
    ("cost", r"costs?", "成本|费用"),
    ("share", r"share|proportion|percentage", "占比|比例|份额|比重"),
    ("growth", r"growth|increase|rise|jump", "增长|增速|增幅|提高"),
    ("decline", r"decline|decrease|drop|fall|cut|reduction", "下降|减少|降幅"),
    ("returns", r"returns?", "回报"),
    ("yield", r"yields?", "收益率"),
    ("spread", r"spreads?|basis points", "利差"),
    ("jobs", r"jobs|employees|workers|staff", "员工|岗位|就业"),
    ("publications", r"publications|papers", "论文|发表量"),
    ("patents", r"patents", "专利"),
    ("citations", r"citations", "被引量|引用"),
    ("adoption", r"adoption|use", "采用率|采用"),
    ("mentions", r"mentions", "提及"),
    ("prizes", r"prizes|awards", "诺贝尔奖|奖项"),
    ("deal", r"deals?|contracts?|agreements?|transactions?|trades?", "交易|合同|协议|订单"),
    ("assets", r"assets", "资产"),
    ("gap", r"gap|shortfall", "缺口|差距"),
)
_HEAD_EN = re.compile(
    r"(?<![A-Za-z])(?=[abcdefgilmnopqrstuvwyABCDEFGILMNOPQRSTUVWY])(?:"
    + "|".join(f"(?P<m{i}>{en})" for i, (_, en, _) in enumerate(_MEASURES))
    + r")(?![A-Za-z])",
    re.IGNORECASE,
)
#: Chinese measure words → the index of their measure; matched as one trie (the text is long, the list too).
_ZH_MEASURE = {word: i for i, (_, _, zh) in reversed(list(enumerate(_MEASURES))) for word in zh.split("|")}
_HEAD_ZH = re.compile(alternation(_ZH_MEASURE))
#: Modifiers of a Chinese measure, in English, for its English label.
_ZH_WORDS = {
    "人工智能": "AI", "AI": "AI", "私人": "private", "私募": "private", "生成式": "generative", "企业": "corporate",
    "年": "annual", "年度": "annual", "每周": "weekly", "每月": "monthly", "活跃": "active", "重要": "notable",
    "新": "new", "新增": "new", "初期": "initial", "建设": "construction", "债券": "bond", "数据中心": "data centre",
    "硬件": "hardware", "研究": "research", "机器学习": "machine learning", "性能": "performance", "总": "total",
    "同比": "year-on-year", "风险": "venture", "算力": "compute", "云": "cloud", "芯片": "chip", "电力": "power",
    "基础设施": "infrastructure", "资本": "capital", "季度": "quarterly", "扩建": "expansion", "最终": "final",
    "目标": "target", "被引": "citation", "论文": "publication", "采用": "adoption", "建造": "construction",
}  # fmt: skip
#: The words right after a Chinese figure: its classifier or 的, then what it counts (40个重要AI模型, 25亿美元的股本).
_ZH_AFTER = re.compile(r"\s*(?:[个款座家项条名位台次种篇部架所笔颗枚辆艘间处栋]|的)?\s?([\u4e00-\u9fffA-Za-z]{0,8})")
_ZH_WORD_BEFORE = re.compile(f"(?:{alternation(_ZH_WORDS)})$")
_ZH_MODIFIER = re.compile("|".join(sorted(map(re.escape, _ZH_WORDS), key=len, reverse=True)))
_EN_STOP = words(
    "the a an its their his her our this that these those of in on for to and with by as at after before from up"
    " down than about over under nearly some around roughly total combined alone only billion million trillion"
    " thousand bn mn"
)
_EN_VERB = re.compile(
    r"[a-z]+ed|is|are|was|were|has|have|had|be|been|will|would|reached|grew|rose|fell|hit|saw|[a-z]+ing",
    re.IGNORECASE,
)
_OF_WHAT = re.compile(r"\s+of\s+(?:the\s+|all\s+)?((?:[a-z-]+\s+){0,1}[a-z-]{3,}s)(?![a-z])")
#: A money figure named by its verb (will invest $40 billion, attracting $33.9 billion): what it is.
_MONEY_VERBS = (
    (re.compile(r"(?<![A-Za-z])invest(?:s|ed|ing)?|attract(?:s|ed|ing)?|pour(?:s|ed|ing)?", re.I), "investment"),
    (re.compile(r"(?<![A-Za-z])spen[dt]s?|spending", re.I), "spending"),
    (re.compile(r"(?<![A-Za-z])rais(?:e|es|ed|ing)", re.I), "funds raised"),
    (re.compile(r"(?<![A-Za-z])(?:lend(?:s|ing)?|lent)", re.I), "loans"),
    (re.compile(r"(?<![A-Za-z])(?:bought|buy(?:s|ing)?|purchas\w+)", re.I), "purchase"),
    (re.compile(r"(?<![A-Za-z])commit(?:s|ted|ting)?", re.I), "commitment"),
)
#: $10 billion Meta data center: the cost of the facility named right after.
_FACILITY_AFTER = re.compile(
    r"\s+(?:[A-Z][\w&-]*\s+){0,3}(data\s+cent(?:er|re)|campus|facility|plant|project)(?![A-Za-z])"
)
_PARTICIPLE = re.compile(r"projected|planned|estimated|expected|reported|committed|earmarked|proposed|announced", re.I)
_CHANGE = re.compile(
    r"(?<![A-Za-z])(?:up|down|rose|grew|grow|increased?|jumped|climb\w*|fell|declined?|dropped|year-over-year|year-on-year"
    r"|growth)(?![A-Za-z])|增长|提高|下降|减少|同比|增加|上升|下滑",
    re.IGNORECASE,
)
_DECLINE = re.compile(r"(?<![A-Za-z])(?:down|fell|declined?|dropped|decrease\w*)(?![A-Za-z])|下降|减少|下滑", re.I)
_SHARE = re.compile(r"占|比例|比重|份额|(?<![A-Za-z])(?:share|percent of|% of)(?![A-Za-z])", re.IGNORECASE)
#: What a figure measures when its sentence does not say: what its unit can measure.
_UNIT_GUESS = {
    "percent": ("share", "占比"), "percentage-point": ("change", "变化"), "basis-point": ("spread", "利差"),
    "times": ("multiple", "倍数"), "fraction": ("share", "比例"), "count": ("number", "数量"),
    "GW": ("capacity", "容量"), "MW": ("capacity", "容量"), "kW": ("capacity", "容量"),
    "TWh": ("electricity use", "用电量"), "GWh": ("electricity use", "用电量"), "MWh": ("electricity use", "用电量"),
    "kWh": ("electricity use", "用电量"),
    "USD-per-million-tokens": ("price per million tokens", "每百万代币价格"), "USD-per-kWh": ("price per kWh", "电价"),
    "per-thousand-people": ("per thousand people", "每千人"),
}  # fmt: skip
_MONEY = frozenset(("USD", "CNY", "EUR", "GBP", "JPY", "HKD", "KRW", "TWD"))


#: Measures a unit can have: money is no count of things, a capacity is no amount of money.
_FITS = {
    "money": frozenset(("capital expenditure", "investment", "spending", "revenue", "profit", "debt", "financing",
                        "equity", "valuation", "market value", "price", "cost", "deal", "assets", "gap", "returns")),
    "power": frozenset(("capacity", "electricity use")),
    "energy": frozenset(("electricity use", "capacity")),
    "count": frozenset(("users", "chips", "models", "data centres", "plants", "jobs", "publications", "patents",
                        "citations", "mentions", "prizes", "deal")),
}  # fmt: skip
_UNIT_FAMILY = {**dict.fromkeys(("USD", "CNY", "EUR", "GBP", "JPY", "HKD", "KRW", "TWD"), "money"),
                **dict.fromkeys(("GW", "MW", "kW"), "power"), **dict.fromkeys(("TWh", "GWh", "MWh", "kWh"), "energy"),
                "count": "count"}  # fmt: skip


def fits(head: str, unit: str) -> bool:
    """Whether a measure's head can be measured in a unit (any head, for a unit of no family)."""
    family = _UNIT_FAMILY.get(unit)
    return family is None or head in _FITS[family]


@dataclass(frozen=True)
class Measure:
    """What a figure measures, in words: English, and Chinese as written in a Chinese text."""

    en: str
    zh: str | None

    def tokens(self) -> frozenset[str]:
        return _tokens(self.en)


class Measures:
    """The measured words of each figure of a document."""

    def __init__(self, doc: Document):
        self.doc = doc
        # every measure word of the text, found once: a figure looks up the ones before it
        pattern = _HEAD_ZH if doc.lang == "zh" else _HEAD_EN
        self.heads = list(pattern.finditer(doc.norm))
        self.head_ends = [m.end() for m in self.heads]

    def _heads_before(self, first: int, position: int) -> list[re.Match[str]]:
        index = bisect.bisect_right(self.head_ends, position)
        found: list[re.Match[str]] = []
        while index > 0 and self.heads[index - 1].start() >= first and len(found) < 3:
            index -= 1
            found.insert(0, self.heads[index])
        return found

    def measure(self, start: int, end: int, unit: str, clause: tuple[int, int]) -> Measure:
        """The words of what the figure at [start, end) measures."""
        if "cents on the dollar" in self.doc.norm[start:end]:
            return Measure("price (cents on the dollar)", None)
        found = (self._zh if self.doc.lang == "zh" else self._en)(start, end, clause, unit)
        norm = self.doc.norm
        before = norm[max(clause[0], start - 40) : start]
        after = norm[end : min(clause[1], end + 30)]
        of = _OF_WHAT.match(norm, end) if unit == "percent" and self.doc.lang == "en" else None
        if of:  # 78% of organizations: a share of them
            return Measure(f"share of {of.group(1).lower()}", None)
        if unit in ("percent", "percentage-point") and _SHARE.search(before + " " + after[:12]):
            if found is None:
                return Measure("share", "占比" if self.doc.lang == "zh" else None)
            if not found[0].startswith("share"):
                return Measure(f"share of {found[0]}", f"{found[1]}占比" if found[1] else None)
        if unit in ("percent", "percentage-point", "times") and _CHANGE.search(before[-30:] + " " + after[:25]):
            change = "decline" if _DECLINE.search(before[-30:] + " " + after[:25]) else "growth"
            if found and found[0] not in ("growth", "decline"):
                zh = found[1] + ("下降" if change == "decline" else "增长") if found[1] else None
                return Measure(f"{found[0]} {change}", zh)
            return Measure(change, "下降" if change == "decline" else "增长")
        if found:
            return Measure(*found)
        if unit in _MONEY and self.doc.lang == "en":
            facility = _FACILITY_AFTER.match(norm, end)
            if facility:
                return Measure(f"{facility.group(1).lower()} cost", None)
            for verb, words in _MONEY_VERBS:
                if verb.search(norm, max(clause[0], start - 40), start):
                    return Measure(words, None)
        en, zh = _UNIT_GUESS.get(unit, ("amount", "金额") if unit in _MONEY else ("value", "数值"))
        return Measure(en, zh if self.doc.lang == "zh" else None)

    def _en(self, start: int, end: int, clause: tuple[int, int], unit: str) -> tuple[str, str | None] | None:
        norm = self.doc.norm
        after = re.match(r"\s*(?:(?:in|of)\s+(?:the\s+|its\s+|their\s+)?)?((?:[\w’'-]+\s?){1,4})", norm[end : end + 60])
        if after:
            words = []
            for word in after.group(1).split():
                if _PARTICIPLE.fullmatch(word):
                    continue
                if word.lower() in _EN_STOP or (_EN_VERB.fullmatch(word) and not _HEAD_EN.fullmatch(word)):
                    break
                words.append(word)
            heads = [h for h in _HEAD_EN.finditer(" ".join(words)) if fits(_canonical(h), unit)]
            if heads:
                return self._phrase_en(" ".join(words)[: heads[-1].end()]), None
        # in its clause, else in the clauses before it in its sentence
        # (…capex forecast to $70 billion, Alphabet projected $91 billion)
        _, sentence_start, _ = self.doc.sentence_of(start)
        for first in (clause[0], sentence_start):
            heads = [h for h in self._heads_before(first, start) if _measured(h, unit)]
            if heads:
                head = heads[-1]
                lead = norm[max(first, head.start() - 40) : head.start()].split()[-3:]
                status = _STATUS_AFTER.match(norm, head.end())  # capex guidance, revenue forecast
                return self._phrase_en(" ".join([*lead, head.group()])) + (status.group() if status else ""), None
        return None

    def _phrase_en(self, phrase: str) -> str:
        """The measured words: its head in canonical form (capital expenditures → capital expenditure) and the
        modifiers that describe it (AI, private, quarterly), no names, verbs or articles."""
        heads = list(_HEAD_EN.finditer(phrase))
        if not heads:
            return phrase.split()[-1].lower()
        head = heads[-1]
        kept: list[str] = []
        for word in reversed(phrase[: head.start()].split()):
            if _PARTICIPLE.fullmatch(word):
                continue  # projected expenditure, planned capex: the measure, whatever its status
            bare = word.strip("’'").lower()
            if (
                bare in _EN_STOP
                or (_EN_VERB.fullmatch(word) and not _HEAD_EN.fullmatch(word))
                or re.search(r"\d|[’']s?$", word)
                or (word[0].isupper() and not word.isupper())
            ):
                break
            kept.insert(0, word if word.isupper() else word.lower())
        return " ".join([*kept, head.group().lower()])

    def _zh(self, start: int, end: int, clause: tuple[int, int], unit: str) -> tuple[str, str | None] | None:
        norm, text = self.doc.norm, self.doc.text
        after = _ZH_AFTER.match(norm, end, end + 14)
        if after:
            fitting = [h for h in _HEAD_ZH.finditer(after.group(1)) if _measured(h, unit)]
            if fitting:  # 3,000亿美元算力交易: the deal, not the compute
                head, first = fitting[-1], after.start(1)
                return self._english(norm[first : first + head.end()], head), text[first : first + head.end()].strip()
        _, sentence_start, _ = self.doc.sentence_of(start)
        heads = [h for h in self._heads_before(clause[0], start) if _measured(h, unit)] or [
            h for h in self._heads_before(sentence_start, start) if _measured(h, unit)
        ]
        if not heads:
            return None
        head = heads[-1]
        # the words right before the head that describe it (人工智能私人投资, 生成式AI): lexicon words only
        first, head_clause = head.start(), self.doc.clause_of(head.start(), head.end())[0]
        while True:
            # 数据中心和AI基础设施的资本支出: lexicon words, joined by 和 or 与, before the head or its 的
            joint = 1 if first - 1 >= head_clause and norm[first - 1] in "的和与" else 0
            word = _ZH_WORD_BEFORE.search(norm, max(head_clause, first - joint - 6), first - joint)
            if word is None:
                break
            first = word.start()
        return self._english(norm[first : head.end()], head), text[first : head.end()]

    def _english(self, zh: str, head: re.Match[str]) -> str:
        canonical = _canonical(head)
        modifiers = [
            _ZH_WORDS[w] for w in _ZH_MODIFIER.findall(zh[: zh.find(head.group())] if head.group() in zh else "")
        ]
        return " ".join(dict.fromkeys([*modifiers, canonical]))


class Metrics:
    """The vocabulary's metrics, and the metric each measure makes: reused where the words match, else proposed."""

    def __init__(self, dataset: Dataset, source: str, lang: str):
        self.lang = lang
        self.vocabulary = dataset.vocabulary.metrics
        self.taken = {c.id for c in (*dataset.vocabulary.metrics, *dataset.vocabulary.instruments)}
        self.units: dict[str, set[str]] = {}
        for claim_source, claim in dataset.claims():
            if claim.metric and claim.quantity and claim_source != source:  # not an earlier draft of this text
                self.units.setdefault(claim.metric, set()).add(claim.quantity.unit)
        self.proposed: dict[str, Concept] = {}
        self._tokens = {
            c.id: _tokens(c.label.en or "") | _tokens(_english_of(c.label.zh or "")) for c in self.vocabulary
        }

    def metric(self, measure: Measure, unit: str) -> tuple[str, tuple[str, ...]]:
        """The metric id for a measure (a vocabulary metric, or a proposed one) and the alternatives, best first."""
        tokens = measure.tokens()
        ranked = []
        for concept in self.vocabulary:
            theirs = self._tokens[concept.id]
            units = self.units.get(concept.id)
            if units is not None and unit not in units:
                continue
            # the same words; or the label's all within the measure's (private AI investment of the US); or the
            # measure's all within a label that adds one word (人工智能投资 ~ private AI investment), never more
            within = (len(theirs) >= 2 and theirs <= tokens) or (
                len(tokens) >= 2 and tokens <= theirs and len(theirs - tokens) <= 1 and len(tokens) >= 3
            )
            shared = len(tokens & theirs)
            if tokens == theirs or within:
                ranked.append((0 if tokens == theirs else 1, len(tokens ^ theirs), concept.id))
            elif shared and _head(measure.en) in theirs:
                ranked.append((2, -shared, concept.id))
        ranked.sort()
        reused = [metric for rank, _, metric in ranked if rank < 2]
        others = tuple(metric for _, _, metric in ranked if metric not in reused[:1])[:4]
        if reused:
            return reused[0], others
        return self._propose(measure), others

    def _propose(self, measure: Measure) -> str:
        en = measure.en[:1].upper() + measure.en[1:]
        for concept in self.proposed.values():
            if concept.label.en == en and concept.label.zh == measure.zh:
                return concept.id
        base = re.sub(r"[^a-z0-9]+", "-", measure.en.lower()).strip("-")[:60] or "metric"
        metric_id, number = base, 2
        while metric_id in self.taken or metric_id in self.proposed:
            metric_id, number = f"{base}-{number}", number + 1
        zh = measure.zh if self.lang == "zh" else None
        self.proposed[metric_id] = Concept(id=metric_id, label=Label(en=en, zh=zh))
        return metric_id


def _measured(head: re.Match[str], unit: str) -> bool:
    """A head a figure of ``unit`` can measure, and no change word (增长, growth): the change is added after."""
    canonical = _canonical(head)
    return canonical not in ("growth", "decline") and fits(canonical, unit)


_STATUS_AFTER = re.compile(r"\s+(?:guidance|forecast|outlook|estimate|target|budget|plan)(?![A-Za-z])", re.IGNORECASE)


def head_of(measure: str) -> str:
    """The canonical head of measured words: capital expenditures → capital expenditure, 资本支出 → the same."""
    heads = list(_HEAD_EN.finditer(measure))
    return _canonical(heads[-1]) if heads else measure


def _canonical(head: re.Match[str]) -> str:
    if head.lastgroup is None:  # a Chinese measure word, matched by the trie
        return _MEASURES[_ZH_MEASURE[head.group()]][0]
    return _MEASURES[int(head.lastgroup[1:])][0]


def _english_of(zh: str) -> str:
    """A Chinese label's words in English: its modifiers (before its last measure word), then that measure."""
    heads = list(_HEAD_ZH.finditer(zh))
    head = heads[-1] if heads else None
    modifiers = [_ZH_WORDS[w] for w in _ZH_MODIFIER.findall(zh[: head.start()] if head else zh)]
    return " ".join([*modifiers, _canonical(head) if head else ""])


def _tokens(text: str) -> frozenset[str]:
    """Words of a label, each measure word in its canonical form (capex = capital expenditure)."""
    text = text.lower().replace("-", " ")
    canonical = set()
    for match in _HEAD_EN.finditer(text):
        canonical.add(_canonical(match).replace(" ", "_"))
    rest = _HEAD_EN.sub(" ", text)
    words = {w for w in re.findall(r"[a-z]+", rest) if w not in _EN_STOP and len(w) > 1}
    return frozenset(canonical | words)


def _head(en: str) -> str:
    match = list(_HEAD_EN.finditer(en))
    return _canonical(match[-1]).replace(" ", "_") if match else en.split()[-1]
