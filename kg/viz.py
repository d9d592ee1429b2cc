"""Who funds whom, drawn: one self-contained HTML page with the funding graph and its evidence.

pyvis builds the network (actors as nodes, funding flows as edges, vis-network options); the page
around it is ours, because pyvis's own templates fetch Bootstrap and vis-network from CDNs even in
``in_line`` mode, and its ``write_html`` copies a ``lib/`` folder into the working directory. Here
vis-network's script and styles are read from the copy that ships inside the pyvis package and
inlined, a Content-Security-Policy forbids every fetch, and nothing is written but the page.

Everything taken from the data reaches the page as JSON inside ``<script type="application/json">``
(``<``, ``>`` and ``&`` escaped) and is put on screen with ``textContent``, never as HTML: hover
titles are plain strings (vis-network 9 shows those with ``innerText``), the side panel is built
with ``createElement``. The click-through evidence is :func:`kg.trace.evidence`'s, the same that
``kg trace`` prints.

Physics lays the graph out once and is then switched off. Past ``max_nodes`` actors the page draws
an aggregated view instead: the actors with the most money, the rest grouped into one node per
actor type, and it says so at the top.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import Store

from kg.flows import Actor, Flow
from kg.trace import Evidence

LANGUAGES = ("en", "zh")
# Measured in headless chromium on a 2-core machine (see tests/test_viz.py and the README): a graph
# of 1,000 actors settles in about 2 s and 2,000 in 5 s; past that layout time grows faster than
# linearly and the page stops being usable, so bigger graphs are drawn aggregated.
DEFAULT_MAX_NODES = 1000
PAGE_TEMPLATE = Path(__file__).with_name("viz.html")

TYPE_COLOURS = {
    "Company": "#4e79a7",
    "Investor": "#f28e2b",
    "Fund": "#e15759",
    "Insurer": "#76b7b2",
    "Government body": "#59a14f",
    "Country": "#8cd17d",
    "Region": "#b6992d",
    "Market": "#ff9da7",
    "Sector": "#9c755f",
    "Group": "#bab0ac",
    "Population group": "#d37295",
    "Person": "#fabfd2",
    "Project": "#b07aa1",
    "Research organisation": "#86bcb6",
    "International organisation": "#499894",
    "Media outlet": "#d4a6c8",
}
_SPARE_COLOURS = ("#79706e", "#f1ce63", "#a0cbe8", "#ffbe7d", "#e6c8a0", "#9d7660")

_VOCABULARY = """
SELECT ?en ?zh WHERE {
  { ?c rdfs:subClassOf kg:Actor } UNION { ?c a kg:ClaimKind }
  ?c rdfs:label ?en, ?zh . FILTER(LANG(?en) = "en" && LANG(?zh) = "zh")
}
"""

# The page's own words; everything else on it comes from the data.
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Who funds whom: the money behind AI, as the sources claim it",
        "intro": "Each arrow is a funding flow claimed in a source: money goes from the funder to the recipient. "
        "Click an arrow or a figure to read the sentence it comes from.",
        "counts": "{flows} funding flows between {actors} actors, from {sources} sources",
        "aggregated": "Aggregated view: this graph has {total} actors, more than the {limit} a browser lays out "
        "quickly. Shown: the {shown} actors with the most money (USD in + out); the other {grouped} are grouped "
        "into one node per actor type. {hidden} flows inside a group are not drawn. Use --max-nodes to change the "
        "limit.",
        "search": "Find an actor…",
        "allPeriods": "All periods",
        "allKinds": "All kinds",
        "noPeriod": "(no period)",
        "reset": "Reset",
        "legendTypes": "Actor types (untick to hide)",
        "legendEdges": "How to read it",
        "legendSize": "Node size: money in + out, in USD",
        "legendWidth": "Thicker arrow: larger USD amount (log scale)",
        "legendDashed": "Dashed arrow: the source gives no amount",
        "legendFigure": "Small grey dot: a figure about the actor",
        "legendGroup": "Diamond: other actors of one type, grouped",
        "panelHint": "Click an arrow, a figure or an actor to see where it comes from.",
        "laying": "Laying out the graph… {percent}%",
        "amount": "Amount",
        "normalised": "normalised",
        "noAmount": "the source gives no amount",
        "period": "Period",
        "kind": "Kind",
        "hedge": "Hedge",
        "attributed": "According to",
        "instrument": "Through",
        "claim": "Claim",
        "quote": "Quote in context",
        "noQuote": "No quote in a shipped text; the source is cited by its locator:",
        "source": "Source",
        "type": "Type",
        "moneyIn": "Money in",
        "moneyOut": "Money out",
        "flowsIn": "Funded by",
        "flowsOut": "Funds",
        "members": "Actors in this group",
        "merged": "{count} flows, {total} in stated USD amounts",
        "clickQuote": "Click for the quote",
        "notFound": "No actor matches “{query}”.",
        "groupedInto": "{name} is grouped into “{group}”.",
        "others": "Other {type} ({count})",
        "figure": "Figure",
        "figuresCut": "Figures shown for {shown} of {total} (node limit).",
    },
    "zh": {
        "title": "谁资助谁：来源所述的人工智能资金流向",
        "intro": "每个箭头是来源中所述的一笔资金流动：资金由出资方流向接受方。点击箭头或数字，即可阅读其出处的原句。",
        "counts": "{flows} 笔资金流动，{actors} 个主体，来自 {sources} 个来源",
        "aggregated": "聚合视图：此图共有 {total} 个主体，超过浏览器能快速布局的 {limit} 个。图中显示资金（美元流入+流出）"
        "最多的 {shown} 个主体；其余 {grouped} 个按主体类型各合并为一个节点。组内的 {hidden} 笔流动未画出。"
        "可用 --max-nodes 调整上限。",
        "search": "查找主体…",
        "allPeriods": "全部时期",
        "allKinds": "全部类型",
        "noPeriod": "（无时期）",
        "reset": "重置",
        "legendTypes": "主体类型（取消勾选以隐藏）",
        "legendEdges": "图例",
        "legendSize": "节点大小：美元流入+流出",
        "legendWidth": "箭头越粗：美元金额越大（对数刻度）",
        "legendDashed": "虚线箭头：来源未给出金额",
        "legendFigure": "灰色小点：关于该主体的数字",
        "legendGroup": "菱形：同类型的其他主体（合并）",
        "panelHint": "点击箭头、数字或主体，查看其出处。",
        "laying": "正在布局… {percent}%",
        "amount": "金额",
        "normalised": "标准化",
        "noAmount": "来源未给出金额",
        "period": "时期",
        "kind": "类型",
        "hedge": "限定",
        "attributed": "据",
        "instrument": "方式",
        "claim": "陈述",
        "quote": "原文上下文",
        "noQuote": "原文未随数据提供；来源以位置标注：",
        "source": "来源",
        "type": "主体类型",
        "moneyIn": "流入资金",
        "moneyOut": "流出资金",
        "flowsIn": "资金来自",
        "flowsOut": "资助",
        "members": "此组中的主体",
        "merged": "{count} 笔流动，已述美元金额合计 {total}",
        "clickQuote": "点击查看原文",
        "notFound": "没有与“{query}”匹配的主体。",
        "groupedInto": "{name} 已合并到“{group}”。",
        "others": "其他{type}（{count}）",
        "figure": "数字",
        "figuresCut": "仅显示 {shown} / {total} 个数字（节点上限）。",
    },
}


@dataclass
class Drawing:
    """The network built with pyvis, and what the page needs beside it."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    node_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    edge_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)
    grouped: dict[str, str] = field(default_factory=dict)  # actor label → group node id
    notes: list[str] = field(default_factory=list)


def build_page(
    store: Store,
    *,
    lang: str = "en",
    claims: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> str:
    """The whole page, as HTML text: the funding graph of the store, with its evidence."""
    from kg.figures import figures
    from kg.flows import flows
    from kg.store import select
    from kg.trace import TraceError, evidence

    def evidence_of(claim_id: str) -> Evidence | None:
        try:
            return evidence(store, claim_id, with_upstream=False)
        except TraceError:
            return None

    vocabulary = {row["en"]: row["zh"] for row in select(store, _VOCABULARY)}
    found = flows(store)
    figure_records = figures(store) if claims else []
    drawing = draw(
        found,
        figure_records=figure_records,
        evidence_of=evidence_of,
        lang=lang,
        max_nodes=max_nodes,
        vocabulary=vocabulary,
    )
    sources = {f.source for f in found} | {r["source"] for r in figure_records}
    return render(drawing, lang=lang, sources=len(sources), flows=len(found))


def write_page(
    path: Path,
    store: Store,
    *,
    lang: str = "en",
    claims: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> int:
    """Write the page atomically to ``path``; returns its size in bytes."""
    from kg.output import write_atomic

    page = build_page(store, lang=lang, claims=claims, max_nodes=max_nodes).encode("utf-8")
    write_atomic(Path(path), page)
    return len(page)
