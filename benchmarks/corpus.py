"""A synthetic corpus shaped like the project's data, for benchmarks: N claims, deterministic from a seed.

It writes a dataset folder in the project's own format (see :mod:`kg.load`)::

    sources.yaml      articles (shipped texts with their sha256) and the reports they cite
    sources/*.txt     one Chinese text per article; every claim's span is its exact characters
    actors.yaml       the actors the example queries name, plus synthetic firms, funds and projects
    vocabulary.yaml   the metrics and instruments the claims use (the same ids as data/)
    claims/*.yaml     one file per source, each claim shaped like data/claims/article-zh.yaml:
                      figures with hedges and periods, funding flows, ratios with a formula,
                      shares of a whole, attributions; reports' claims carry a page locator

Money flows in layers (savers and states → insurers, investors and markets → companies →
data centres and start-ups), so the funding graph is a DAG with a few big actors and a long
tail, like the real one. A figure about the same subject, metric and period has one "true"
value across the corpus, restated by many articles; a few articles disagree, a few ratios
don't add up, so ``kg check`` has something to find.

The same seed and size always give the same bytes (no clock, no hash randomisation, no set
order). Strings are written as JSON scalars, which are valid YAML and fast to write.

    python -m benchmarks.corpus --claims 100000 --out benchmarks/out/corpus-100000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Any

CLAIMS_PER_ARTICLE = 50
CLAIMS_PER_REPORT = 10
REPORT_SHARE = 0.04  # of all claims, in reports' own claims files (page locators, no text)

# (id, English, Chinese, type, layer): the actors the example queries and the article's money chain name.
# Layer 0 gives money, 3 only receives it; a flow goes from one layer to a later one.
CORE_ACTORS: tuple[tuple[str, str, str, str, int | None], ...] = (
    ("us-retirees", "US retirees", "美国退休人员", "people", 0),
    ("us-pension-funds", "US pension funds", "美国养老基金", "fund", 0),
    ("us-federal-government", "US federal government", "美国联邦政府", "government", 0),
    ("china-state", "Chinese state", "中国政府", "government", 0),
    ("us-life-insurers", "US life insurers", "美国人寿保险公司", "insurer", 1),
    ("high-grade-bond-market", "High-grade bond market", "高等级债券市场", "market", 1),
    ("venture-capital", "Venture capital", "风险投资", "investor", 1),
    ("private-equity", "Private equity", "私募股权", "investor", 1),
    ("cn-ai-guidance-funds", "Chinese AI guidance funds", "中国人工智能引导基金", "fund", 1),
    ("tech-giants", "Tech giants", "科技巨头", "group", 2),
    ("openai", "OpenAI", "OpenAI", "company", 2),
    ("oracle", "Oracle", "甲骨文", "company", 2),
    ("softbank", "SoftBank", "软银", "company", 2),
    ("meta", "Meta", "Meta", "company", 2),
    ("alphabet", "Alphabet", "Alphabet", "company", 2),
    ("amazon", "Amazon", "亚马逊", "company", 2),
    ("microsoft", "Microsoft", "微软", "company", 2),
    ("ai-data-centres", "AI data centres", "人工智能数据中心", "sector", 3),
    ("stargate", "Stargate", "星际之门", "project", 3),
    ("ai-startups", "AI start-ups", "人工智能初创公司", "group", 3),
    ("anthropic", "Anthropic", "Anthropic", "company", 3),
    ("xai", "xAI", "xAI", "company", 3),
    ("non-defence-ai-rnd", "Non-defence AI R&D", "非国防人工智能研发", "sector", 3),
    ("stanford-hai", "Stanford HAI", "斯坦福大学以人为本人工智能研究院", "research", None),
    ("morgan-stanley", "Morgan Stanley", "摩根士丹利", "company", None),
    ("iea", "International Energy Agency", "国际能源署", "international-org", None),
    ("guancha", "Guancha", "观察者网", "media", None),
    ("world", "World", "全球", "region", None),
)

# Places a figure is about; the United States and China first, as in the article.
COUNTRIES = (
    ("united-states", "United States", "美国"),
    ("china", "China", "中国"),
    ("united-kingdom", "United Kingdom", "英国"),
    ("european-union", "European Union", "欧盟"),
    ("japan", "Japan", "日本"),
    ("canada", "Canada", "加拿大"),
    ("india", "India", "印度"),
    ("germany", "Germany", "德国"),
    ("france", "France", "法国"),
    ("south-korea", "South Korea", "韩国"),
    ("israel", "Israel", "以色列"),
    ("singapore", "Singapore", "新加坡"),
    ("united-arab-emirates", "United Arab Emirates", "阿联酋"),
    ("saudi-arabia", "Saudi Arabia", "沙特阿拉伯"),
    ("brazil", "Brazil", "巴西"),
    ("australia", "Australia", "澳大利亚"),
)

# Synthetic actors: (type, layer, English stem, Chinese stem, id stem).
SYNTHETIC = (
    ("fund", 0, "Pension Fund", "养老基金", "pension-fund"),
    ("fund", 0, "Sovereign Fund", "主权基金", "sovereign-fund"),
    ("insurer", 1, "Life Insurer", "人寿保险", "insurer"),
    ("investor", 1, "Capital", "资本", "vc"),
    ("fund", 1, "Infrastructure Fund", "基础设施基金", "infra-fund"),
    ("company", 2, "Compute", "算力", "compute"),
    ("company", 2, "Cloud", "云", "cloud"),
    ("project", 3, "Data Centre Campus", "数据中心园区", "dc-campus"),
    ("company", 3, "AI Labs", "智能实验室", "ai-lab"),
)
NAME_PARTS = (
    ("Nova", "新星"),
    ("Apex", "顶峰"),
    ("Blue", "蓝海"),
    ("Zenith", "天顶"),
    ("Iron", "铁石"),
    ("Summit", "峰会"),
    ("Harbor", "港湾"),
    ("Aurora", "极光"),
    ("Cedar", "雪松"),
    ("Delta", "三角洲"),
    ("Orion", "猎户"),
    ("Pioneer", "先锋"),
    ("Quartz", "石英"),
    ("Raven", "渡鸦"),
    ("Sierra", "山脉"),
    ("Tide", "潮汐"),
)

METRICS = {
    "private-ai-investment": ("Private AI investment", "人工智能私人投资"),
    "cumulative-private-ai-investment": ("Cumulative private AI investment", "人工智能私人投资总额"),
    "private-ai-investment-ratio": ("Private AI investment ratio", "人工智能私人投资之比"),
    "share-of-private-ai-investment": ("Share of private AI investment", "人工智能私人投资占比"),
    "funding-round-size": ("Funding-round size", "单轮融资规模"),
    "bond-financing-absorbed": ("Bond financing absorbed", "债券市场吸收的融资"),
    "annuity-sales": ("Annuity sales", "年金销售额"),
    "data-centre-capex": ("Data-centre and AI-infrastructure capex", "数据中心与人工智能基础设施资本支出"),
    "number-of-funded-ai-startups": ("AI start-ups funded above a threshold", "获大额融资的人工智能初创公司数"),
    "installed-power-capacity": ("Installed power capacity", "装机容量"),
    "data-centre-capacity-added": ("Data-centre capacity added", "新增数据中心容量"),
    "investment-growth-multiple": ("Investment growth multiple", "投资增长倍数"),
}  # fmt: skip
INSTRUMENTS = {
    "annuity-premium": ("Annuity premium", "年金保费", (0, 1)),
    "pension-fund-allocation": ("Pension-fund allocation", "养老基金配置", (0, 1)),
    "federal-budget": ("Federal budget", "联邦预算", (0, 3)),
    "state-guidance-fund": ("State guidance fund", "国家引导基金", (0, 1)),
    "bond-purchase": ("Bond purchase", "购买债券", (1, 2)),
    "corporate-bond": ("Corporate bond", "公司债券", (1, 2)),
    "venture-round": ("Venture round", "风险投资轮", (1, 3)),
    "private-equity": ("Private equity", "私募股权投资", (1, 2)),
    "capex": ("Capital expenditure", "资本支出", (2, 3)),
    "operating-cash-flow": ("Operating cash flow", "经营现金流", (2, 3)),
    "joint-venture-investment": ("Joint-venture investment", "合资投资", (2, 3)),
}  # fmt: skip
CITED_REPORTS = (
    ("stanford-ai-index-2025", "Artificial Intelligence Index Report 2025", "stanford-hai"),
    ("morgan-stanley-analysts", "Morgan Stanley research on data-centre capex", "morgan-stanley"),
    ("iea-energy-and-ai-2025", "Energy and AI", "iea"),
)
FILLERS = (
    "分析人士认为，这一趋势仍将持续。",
    "市场对此看法不一。",
    "这一数字引发了广泛关注。",
    "业内人士指出，资金来源值得追问。",
    "与此同时，监管机构也在密切关注。",
)
HEDGE_WORDS = {"none": ("", ""), "about": ("约", ""), "nearly": ("几乎", ""), "more-than": ("超过", ""),
               "at-least": ("", "以上"), "up-to": ("高达", "")}  # fmt: skip


@dataclass
class Actor:
    id: str
    en: str
    zh: str
    type: str
    layer: int | None


@dataclass
class _Article:
    """One source being written: its text so far and its claims."""

    id: str
    text: list[str] = field(default_factory=list)
    length: int = 0  # code points so far
    claims: list[dict[str, Any]] = field(default_factory=list)
    usd: list[dict[str, Any]] = field(default_factory=list)  # USD figures a ratio may relate
    shares: dict[str, int] = field(default_factory=dict)  # whole → percent used so far
    cites: set[str] = field(default_factory=set)

    def say(self, sentence: str) -> tuple[int, int]:
        """Append a sentence; the span of it (without its full stop) in code points."""
        start = self.length
        self.text.append(sentence)
        self.length += len(sentence)
        return start, start + len(sentence.rstrip("。"))


@dataclass(frozen=True)
class Corpus:
    """What :func:`generate` wrote."""

    path: Path
    claims: int
    sources: int
    actors: int
    flows: int


class _Weighted:
    """Random choice with Zipf-like weights: the first items are picked far more often."""

    def __init__(self, items: list[Actor], exponent: float = 1.0):
        self.items = items
        self.cumulative = list(accumulate(1 / (rank + 1) ** exponent for rank in range(len(items))))

    def pick(self, rng: random.Random) -> Actor:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


def make_actors(claims: int) -> list[Actor]:
    """The core actors, the countries, and synthetic ones in proportion to the corpus."""
    actors = [Actor(*a) for a in CORE_ACTORS]
    actors += [Actor(i, en, zh, "country", None) for i, en, zh in COUNTRIES]
    per_kind = max(2, claims // (25 * len(SYNTHETIC)))
    for type_, layer, stem_en, stem_zh, stem_id in SYNTHETIC:
        for number in range(1, per_kind + 1):
            part_en, part_zh = NAME_PARTS[number % len(NAME_PARTS)]
            actors.append(
                Actor(
                    f"{stem_id}-{number:05d}",
                    f"{part_en} {stem_en} {number}",
                    f"{part_zh}{stem_zh}{number}",
                    type_,
                    layer,
                )
            )
    return actors


def _usd_text(rng: random.Random) -> tuple[Decimal, str]:
    if rng.random() < 0.15:
        tenths = rng.randint(10, 99)
        return Decimal(tenths) * 10**11, f"{Decimal(tenths) / 10}万亿美元"
    hundred_millions = rng.choice((rng.randint(1, 99), rng.randint(100, 999), rng.randint(1000, 9999)))
    return Decimal(hundred_millions) * 10**8, f"{hundred_millions}亿美元"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


class _Writer:
    """Draws claims and their sentences; holds the corpus-wide state (true values, actors)."""

    def __init__(self, rng: random.Random, actors: list[Actor]):
        self.rng = rng
        self.by_id = {a.id: a for a in actors}
        self.layers = {layer: _Weighted([a for a in actors if a.layer == layer], 0.9) for layer in range(4)}
        self.places = _Weighted([a for a in actors if a.type == "country"] + [self.by_id["world"]], 1.1)
        self.truth: dict[tuple[str, str, str], tuple[Decimal, str]] = {}
        self.flows = 0
        self.reports = [r[0] for r in CITED_REPORTS]
        self.upstream: dict[tuple[str, int], tuple[str, str, str]] = {}  # (place, year) → a report's figure

    def true_value(self, key: tuple[str, str, str], draw: Any) -> tuple[Decimal, str]:
        """One value per subject, metric and period; about 2 % of restatements disagree."""
        if key not in self.truth:
            self.truth[key] = draw(self.rng)
        if self.rng.random() < 0.02:
            return draw(self.rng)  # type: ignore[no-any-return]
        return self.truth[key]

    def hedge(self) -> str:
        roll = self.rng.random()
        return "none" if roll < 0.6 else self.rng.choice(("about", "nearly", "more-than", "at-least", "up-to"))

    def year(self) -> int:
        return self.rng.randint(2013, 2025)

    def attribution(self, article: _Article, metric: str) -> list[str]:
        roll = self.rng.random()
        if roll < 0.5:
            return []
        if metric in ("private-ai-investment", "cumulative-private-ai-investment") and roll < 0.8:
            cited = "stanford-ai-index-2025"
        elif metric in ("data-centre-capex", "installed-power-capacity") and roll < 0.8:
            cited = "morgan-stanley-analysts" if metric == "data-centre-capex" else "iea-energy-and-ai-2025"
        else:
            cited = self.rng.choice(self.reports)
        article.cites.add(cited)
        return [cited]

    def figure(self, article: _Article, number: int) -> None:
        roll = self.rng.random()
        if roll < 0.30:
            self._flow(article, number)
        elif roll < 0.52:
            self._investment(article, number)
        elif roll < 0.60:
            self._cumulative(article, number)
        elif roll < 0.68:
            self._forecast(article, number)
        elif roll < 0.76:
            self._share(article, number)
        elif roll < 0.84:
            self._capacity(article, number)
        elif roll < 0.90:
            self._count(article, number)
        elif roll < 0.95 and len(article.usd) >= 2:
            self._ratio(article, number)
        else:
            self._growth(article, number)
        if self.rng.random() < 0.2:
            article.say(self.rng.choice(FILLERS))

    def _claim(
        self,
        article: _Article,
        number: int,
        slug: str,
        sentence: str,
        *,
        subjects: list[str],
        kind: str,
        metric: str | None = None,
        value: Decimal | None = None,
        unit: str | None = None,
        text: str | None = None,
        hedge: str = "none",
        period: str | None = None,
        extra: dict[str, Any] | None = None,
        bounds: tuple[Decimal, Decimal] | None = None,
    ) -> dict[str, Any]:
        start, end = article.say(sentence)
        claim: dict[str, Any] = {"id": f"{article.id}-{number:03d}-{slug}", "subjects": subjects}
        if metric:
            claim["metric"] = metric
            claim["quantity"] = {"value": _plain(value or Decimal(0)), "unit": unit, "text": text, "hedge": hedge}
            if bounds:
                claim["quantity"]["min"], claim["quantity"]["max"] = (_plain(b) for b in bounds)
        if period:
            claim["period"] = period
        claim["kind"] = kind
        attributed = self.attribution(article, metric) if metric else []
        if attributed:
            claim["attributed_to"] = attributed
        claim["evidence"] = {"start": start, "end": end, "quote": sentence[: end - start]}
        claim.update(extra or {})
        article.claims.append(claim)
        return claim

    def _hedged(self, text: str, hedge: str) -> str:
        before, after = HEDGE_WORDS[hedge]
        return f"{before}{text}{after}"

    def _flow(self, article: _Article, number: int) -> None:
        instrument = self.rng.choice(list(INSTRUMENTS))
        _, zh, (from_layer, to_layer) = INSTRUMENTS[instrument]
        funder, recipient = self.layers[from_layer].pick(self.rng), self.layers[to_layer].pick(self.rng)
        flow = {"funder": funder.id, "recipient": recipient.id, "instrument": instrument}
        self.flows += 1
        slug = f"{funder.id}-funds-{recipient.id}"[:60]
        if self.rng.random() < 0.35:
            sentence = f"{funder.zh}通过{zh}为{recipient.zh}提供资金。"
            self._claim(
                article, number, slug, sentence, subjects=[funder.id, recipient.id], kind="fact", extra={"flow": flow}
            )
            return
        year = self.year()
        metric = "annuity-sales" if instrument == "annuity-premium" else "funding-round-size"
        value, text = self.true_value((f"{funder.id}>{recipient.id}", metric, str(year)), _usd_text)
        hedge = self.hedge()
        sentence = f"{year}年，{funder.zh}通过{zh}向{recipient.zh}投入{self._hedged(text, hedge)}。"
        self._claim(
            article,
            number,
            slug,
            sentence,
            subjects=[funder.id, recipient.id],
            kind="fact",
            metric=metric,
            value=value,
            unit="USD",
            text=text,
            hedge=hedge,
            period=str(year),
            extra={"flow": flow},
        )

    def _investment(self, article: _Article, number: int) -> None:
        place, year = self.places.pick(self.rng), self.year()
        value, text = self.true_value((place.id, "private-ai-investment", str(year)), _usd_text)
        hedge = self.hedge()
        sentence = f"{year}年，{place.zh}的人工智能私人投资达到{self._hedged(text, hedge)}。"
        claim = self._claim(
            article,
            number,
            f"{place.id}-investment-{year}",
            sentence,
            subjects=[place.id],
            kind="fact",
            metric="private-ai-investment",
            value=value,
            unit="USD",
            text=text,
            hedge=hedge,
            period=str(year),
        )
        upstream = self.upstream.get((place.id, year))
        if upstream and self.rng.random() < 0.5:
            # the article restates a report's figure: name the report and link the figure it rests on
            report, upstream_id, upstream_text = upstream
            article.cites.add(report)
            claim["attributed_to"] = [report]
            how = "same" if upstream_text == text else "different-measure"
            claim["derived_from"] = [{"claim": upstream_id, "how": how}]
        if hedge == "none":
            article.usd.append(claim)

    def _cumulative(self, article: _Article, number: int) -> None:
        place = self.places.pick(self.rng)
        value, text = self.true_value((place.id, "cumulative-private-ai-investment", "2013/2024"), _usd_text)
        sentence = f"2013年至2024年，{place.zh}的人工智能私人投资总额为{text}。"
        self._claim(
            article,
            number,
            f"{place.id}-cumulative",
            sentence,
            subjects=[place.id],
            kind="fact",
            metric="cumulative-private-ai-investment",
            value=value,
            unit="USD",
            text=text,
            period="2013/2024",
        )

    def _forecast(self, article: _Article, number: int) -> None:
        spender, horizon = self.layers[2].pick(self.rng), self.rng.randint(2026, 2030)
        value, text = self.true_value((spender.id, "data-centre-capex", f"../{horizon}"), _usd_text)
        sentence = f"预计到{horizon}年，{spender.zh}的数据中心资本支出将达到{text}。"
        self._claim(
            article,
            number,
            f"{spender.id}-capex-by-{horizon}",
            sentence,
            subjects=[spender.id],
            kind="forecast",
            metric="data-centre-capex",
            value=value,
            unit="USD",
            text=text,
            period=f"../{horizon}",
        )

    def _share(self, article: _Article, number: int) -> None:
        place, year = self.places.pick(self.rng), self.year()
        whole = f"world-private-ai-investment-{year}-{article.id}"
        used = article.shares.get(whole, 0)
        if used >= 90:
            self._count(article, number)
            return
        if self.rng.random() < 0.2:
            low = self.rng.randint(1, min(40, 95 - used))
            high = low + self.rng.randint(2, 10)
            text = f"{low}%-{high}%"
            sentence = f"{year}年，{place.zh}占全球人工智能私人投资的{text}。"
            self._claim(
                article,
                number,
                f"{place.id}-share-{year}",
                sentence,
                subjects=[place.id],
                kind="estimate",
                metric="share-of-private-ai-investment",
                value=Decimal(low + high) / 2,
                unit="percent",
                text=text,
                hedge="range",
                period=str(year),
                bounds=(Decimal(low), Decimal(high)),
                extra={"share_of": whole},
            )
            article.shares[whole] = used + high
            return
        percent = self.rng.randint(1, min(60, 95 - used))
        sentence = f"{year}年，{place.zh}占全球人工智能私人投资的{percent}%。"
        self._claim(
            article,
            number,
            f"{place.id}-share-{year}",
            sentence,
            subjects=[place.id],
            kind="fact",
            metric="share-of-private-ai-investment",
            value=Decimal(percent),
            unit="percent",
            text=f"{percent}%",
            period=str(year),
            extra={"share_of": whole},
        )
        article.shares[whole] = used + percent

    def _capacity(self, article: _Article, number: int) -> None:
        place, year = self.places.pick(self.rng), self.rng.randint(2020, 2030)
        metric = self.rng.choice(("installed-power-capacity", "data-centre-capacity-added"))

        def draw(rng: random.Random) -> tuple[Decimal, str]:
            tenths = rng.randint(5, 3000)
            return Decimal(tenths) / 10, f"{Decimal(tenths) / 10}吉瓦"

        value, text = self.true_value((place.id, metric, str(year)), draw)
        hedge = self.hedge()
        what = "装机容量" if metric == "installed-power-capacity" else "新增数据中心容量"
        sentence = f"{year}年，{place.zh}的{what}为{self._hedged(text, hedge)}。"
        self._claim(
            article,
            number,
            f"{place.id}-{metric}-{year}",
            sentence,
            subjects=[place.id],
            kind="forecast" if year > 2025 else "fact",
            metric=metric,
            value=value,
            unit="GW",
            text=text,
            hedge=hedge,
            period=str(year),
        )

    def _count(self, article: _Article, number: int) -> None:
        place, year = self.places.pick(self.rng), self.year()

        def draw(rng: random.Random) -> tuple[Decimal, str]:
            count = rng.randint(2, 500)
            return Decimal(count), f"{count}家"

        value, text = self.true_value((place.id, "number-of-funded-ai-startups", str(year)), draw)
        sentence = f"{year}年，{place.zh}共有{text}人工智能初创公司融资超过1亿美元。"
        self._claim(
            article,
            number,
            f"{place.id}-funded-startups-{year}",
            sentence,
            subjects=[place.id],
            kind="fact",
            metric="number-of-funded-ai-startups",
            value=value,
            unit="count",
            text=text,
            period=str(year),
        )

    def _ratio(self, article: _Article, number: int) -> None:
        """One figure as a multiple of another of the same year: "A的投资约是B 93亿美元的12倍"."""
        first = self.rng.choice(article.usd)
        pairs = [c for c in article.usd if c["period"] == first["period"] and c["subjects"] != first["subjects"]]
        if not pairs:
            self._growth(article, number)
            return
        second = self.rng.choice(pairs)
        big, small = (
            (first, second)
            if Decimal(first["quantity"]["value"]) >= Decimal(second["quantity"]["value"])
            else (second, first)
        )
        ratio = Decimal(big["quantity"]["value"]) / Decimal(small["quantity"]["value"])
        if self.rng.random() < 0.1:
            ratio *= 2  # an article whose arithmetic is off
        shown = ratio.quantize(Decimal(1)) if ratio >= 10 else ratio.quantize(Decimal("0.1"))
        if shown == 0:
            shown = Decimal("0.1")
        hedge = self.rng.choice(("about", "nearly"))
        subjects = list(dict.fromkeys(big["subjects"] + small["subjects"]))
        sentence = (
            f"{self.by_id[big['subjects'][0]].zh}的投资{HEDGE_WORDS[hedge][0]}是"
            f"{self.by_id[small['subjects'][0]].zh}{small['quantity']['text']}的{shown}倍。"
        )
        self._claim(
            article,
            number,
            "ratio",
            sentence,
            subjects=subjects,
            kind="comparison",
            metric="private-ai-investment-ratio",
            value=shown,
            unit="times",
            text=f"{shown}倍",
            hedge=hedge,
            period=first["period"],
            extra={"formula": f"{{{big['id']}}} / {{{small['id']}}}"},
        )

    def _growth(self, article: _Article, number: int) -> None:
        place = self.places.pick(self.rng)
        multiple, _ = self.true_value(
            (place.id, "investment-growth-multiple", "2014/2024"), lambda rng: (Decimal(rng.randint(2, 20)), "")
        )
        times = int(multiple)
        sentence = f"十年间，{place.zh}的人工智能投资增长了{times}倍。"
        self._claim(
            article,
            number,
            f"{place.id}-growth",
            sentence,
            subjects=[place.id],
            kind="comparison",
            metric="investment-growth-multiple",
            value=Decimal(times),
            unit="times",
            text=f"{times}倍",
            period="2014/2024",
        )

    def report_claim(self, report: str, number: int) -> dict[str, Any]:
        """A figure a report gives, read at a page (the report's text is not shipped)."""
        place, year = self.places.pick(self.rng), self.year()
        value, text = self.true_value((place.id, "private-ai-investment", str(year)), _usd_text)
        page = self.rng.randint(1, 400)
        claim_id = f"{report}-{number:03d}-{place.id}-{year}"
        self.upstream.setdefault((place.id, year), (report, claim_id, text))
        return {
            "id": claim_id,
            "subjects": [place.id],
            "metric": "private-ai-investment",
            "quantity": {"value": _plain(value), "unit": "USD", "text": text, "hedge": "none"},
            "period": str(year),
            "kind": "fact",
            "evidence": {"page": str(page), "section": f"{page // 50 + 1}.{page % 7 + 1}"},
        }


# ---------------------------------------------------------------------------------------------
# YAML, written by hand: JSON scalars are YAML, and this is many times faster than yaml.dump.


_BARE = re.compile(r"[a-z][a-z0-9-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}  # YAML 1.1 would read these


def _scalar(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    if _BARE.fullmatch(value) and value not in _YAML_WORDS:
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _flow_list(values: list[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _claim_yaml(claim: dict[str, Any]) -> str:
    lines = [f"  - id: {claim['id']}", f"    subjects: {_flow_list(claim['subjects'])}"]
    for key, value in claim.items():
        if key in ("id", "subjects"):
            continue
        if isinstance(value, dict):
            lines.append(f"    {key}:")
            lines += [f"      {k}: {_scalar(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"    {key}:")
            for item in value:
                lines += [f"      {'-' if n == 0 else ' '} {k}: {_scalar(v)}" for n, (k, v) in enumerate(item.items())]
        elif isinstance(value, list):
            lines.append(f"    {key}: {_flow_list(value)}")
        else:
            lines.append(f"    {key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _claims_file(source: str, claims: list[dict[str, Any]], seed: int) -> str:
    head = f"# Synthetic claims of {source} (benchmarks/corpus.py, seed {seed}).\nsource: {source}\nclaims:\n"
    return head + "\n".join(_claim_yaml(c) for c in claims)


def _actors_yaml(actors: list[Actor]) -> str:
    lines = ["# Synthetic actors (benchmarks/corpus.py).", "actors:"]
    for actor in actors:
        lines += [
            f"  - id: {actor.id}",
            f"    label: {{en: {_scalar(actor.en)}, zh: {_scalar(actor.zh)}}}",
            f"    type: {actor.type}",
        ]
    return "\n".join(lines) + "\n"


def _vocabulary_yaml() -> str:
    lines = ["# The metrics and instruments of the synthetic corpus (ids as in data/vocabulary.yaml).", "metrics:"]
    for concept, (en, zh) in METRICS.items():
        lines += [f"  - id: {concept}", f"    label: {{en: {_scalar(en)}, zh: {_scalar(zh)}}}",
                  f"    definition: {_scalar(en + ' (synthetic).')}"]  # fmt: skip
    lines.append("instruments:")
    for concept, (en, zh, _) in INSTRUMENTS.items():
        lines += [f"  - id: {concept}", f"    label: {{en: {_scalar(en)}, zh: {_scalar(zh)}}}",
                  f"    definition: {_scalar(en + ' (synthetic).')}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def _source_yaml(fields: dict[str, Any]) -> str:
    lines = [f"  - id: {fields['id']}"]
    for key, value in fields.items():
        if key == "id" or value is None:
            continue
        lines.append(f"    {key}: {_flow_list(value) if isinstance(value, list) else _scalar(value)}")
    return "\n".join(lines) + "\n"


def generate(claims: int, out: Path, *, seed: int = 0) -> Corpus:
    """Write a dataset folder of about ``claims`` claims to ``out`` (replaced if it exists)."""
    rng = random.Random(seed)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "sources").mkdir(parents=True)
    (out / "claims").mkdir()
    actors = make_actors(claims)
    writer = _Writer(rng, actors)

    report_claims = int(claims * REPORT_SHARE) // CLAIMS_PER_REPORT * CLAIMS_PER_REPORT
    if claims >= 10 * CLAIMS_PER_REPORT:
        report_claims = max(report_claims, CLAIMS_PER_REPORT)  # a small corpus has one report too
    synthetic_reports = [f"report-{n:05d}" for n in range(1, report_claims // CLAIMS_PER_REPORT + 1)]
    writer.reports += synthetic_reports
    research = [a.id for a in actors if a.type in ("research", "international-org")] + ["morgan-stanley"]
    sources: list[dict[str, Any]] = [
        {"id": rid, "kind": "report", "title": title, "publisher": publisher, "language": "en"}
        for rid, title, publisher in CITED_REPORTS
    ]
    sources += [
        {"id": rid, "kind": "report", "title": f"Synthetic AI investment report {rid[-5:]}",
         "publisher": research[n % len(research)], "language": "en", "url": f"https://example.org/{rid}"}
        for n, rid in enumerate(synthetic_reports)
    ]  # fmt: skip

    total = 0
    for report in synthetic_reports:
        made = [writer.report_claim(report, k) for k in range(1, CLAIMS_PER_REPORT + 1)]
        (out / "claims" / f"{report}.yaml").write_text(_claims_file(report, made, seed), encoding="utf-8")
        total += len(made)

    article_number, first = 0, date(2024, 1, 1)
    while total < claims:
        article_number += 1
        article = _Article(f"article-{article_number:06d}")
        heading = f"人工智能投资观察（第{article_number}期）\n"
        article.say(heading)
        if article_number == 1:
            _money_chain(article, writer)
        wanted = min(CLAIMS_PER_ARTICLE, claims - total)
        while len(article.claims) < wanted:
            writer.figure(article, len(article.claims) + 1)
        text = "".join(article.text) + "\n"
        raw = text.encode("utf-8")
        (out / "sources" / f"{article.id}.txt").write_bytes(raw)
        (out / "claims" / f"{article.id}.yaml").write_text(_claims_file(article.id, article.claims, seed), "utf-8")
        total += len(article.claims)
        sources.append(
            {
                "id": article.id,
                "kind": "article",
                "title": heading.strip(),
                "publisher": "guancha",
                "author": f"作者{rng.randint(1, 200)}",
                "date": (first + timedelta(days=article_number % 700)).isoformat(),
                "language": "zh",
                "text": f"{article.id}.txt",
                "sha256": hashlib.sha256(raw).hexdigest(),
                "cites": sorted(article.cites),
            }
        )

    head = "# Synthetic sources (benchmarks/corpus.py).\nsources:\n"
    (out / "sources.yaml").write_text(head + "".join(_source_yaml(s) for s in sources), encoding="utf-8")
    (out / "actors.yaml").write_text(_actors_yaml(actors), encoding="utf-8")
    (out / "vocabulary.yaml").write_text(_vocabulary_yaml(), encoding="utf-8")
    return Corpus(out, total, len(sources), len(actors), writer.flows)


def _money_chain(article: _Article, writer: _Writer) -> None:
    """The article's chain, so the annuity query has an answer: retirees → insurers → giants → data centres."""
    for funder, recipient, instrument in (
        ("us-retirees", "us-life-insurers", "annuity-premium"),
        ("us-life-insurers", "tech-giants", "bond-purchase"),
        ("tech-giants", "ai-data-centres", "capex"),
    ):
        f, r = writer.by_id[funder], writer.by_id[recipient]
        sentence = f"{f.zh}通过{INSTRUMENTS[instrument][1]}为{r.zh}提供资金。"
        writer._claim(
            article,
            len(article.claims) + 1,
            f"{funder}-funds-{recipient}",
            sentence,
            subjects=[funder, recipient],
            kind="fact",
            extra={"flow": {"funder": funder, "recipient": recipient, "instrument": instrument}},
        )
        writer.flows += 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=1000, help="How many claims (about).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="Dataset folder to write (replaced).")
    args = parser.parse_args(argv)
    corpus = generate(args.claims, args.out, seed=args.seed)
    made = f"{corpus.claims} claims ({corpus.flows} flows), {corpus.sources} sources, {corpus.actors} actors"
    print(f"{made} → {corpus.path}")


if __name__ == "__main__":
    main()
