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

Arrows are coloured by the source that claims them (a legend ticks each source on or off), and the
side panel names the source of every arrow clicked. Actors may be named in one language only: a
label falls back to the other language, then to the id.

Physics lays the graph out once and is then switched off; the page then makes its first view
legible (viz.html, ``arrange``): node labels of 14 px on screen at the first fit, no two labels or
a label and a dot overlapping (nodes are pushed apart until they fit, and in a graph too big for
every label the least important wait for a zoom), amounts on the arrows from a zoom level on and on
hover, periods in words ("by 2028", "2025年上半年"). Past ``max_nodes`` actors the page draws an
aggregated view instead: the actors with the most money, the rest grouped into one node per actor
type, and it says so at the top.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import Store

from kg.flows import Actor, Flow, SourceInfo
from kg.trace import Evidence

LANGUAGES = ("en", "zh")
# Measured with benchmarks/viz_layout.py in headless chromium on a 2-core machine (full graphs, ~1.6
# flows per actor): 1,000 nodes settle in 2.3 s and redraw in 18 ms; 2,000 in 3 s / 49 ms; 5,000 in
# 8 s / 230 ms (panning stutters); 10,000 in 22 s / 930 ms (unusable). An aggregated view carries more
# edges per node than a full one, so the limit is 1,000: such a view opens in ~3 s from 5k to 100k actors.
DEFAULT_MAX_NODES = 1000
# Each claim's evidence costs ~10 ms to gather (kg.trace.evidence); a page embeds at most this many.
EVIDENCE_LIMIT = 1000
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
# Arrows by source: dark enough to read as thin lines on white, apart from one another; the sources
# with the most flows get them in order, the rest share the grey (each keeps its own checkbox).
SOURCE_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#843c39",
)
OTHER_SOURCES_COLOUR = "#8a939c"
# A node label wraps past this many columns (a Chinese character takes two).
LABEL_COLUMNS = 22

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
        "counts": "{flows} funding flow{flows_s} between {actors} actor{actors_s}, from {sources} source{sources_s}",
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
        "legendSources": "Sources: arrow colours (untick to hide)",
        "allSources": "All",
        "noSources": "None",
        "sourceFlows": "{count} flow{s}",
        "greySources": "Grey: the {count} sources with the fewest flows",
        "legendEdges": "How to read it",
        "legendSize": "Node size: money in + out, in USD",
        "legendWidth": "Thicker arrow: larger USD amount (log scale)",
        "legendDashed": "Dashed arrow: the source gives no amount",
        "legendZoom": "Zoom in to read amounts on the arrows, or hover an arrow",
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
        "upstream": "In the report it rests on",
        "verdict": "Verdict",
        "where": "Where",
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
        "evidenceCut": "Quotes are embedded for {shown} of {total} claims, the biggest amounts first; for the "
        "others, run kg trace with the claim id.",
        "noEvidence": "This page does not carry the quote of this claim. Run: kg trace {claim}",
    },
    "zh": {
        "title": "谁资助谁：来源所述的人工智能资金流向",
        "intro": "每个箭头是来源中所述的一笔资金流动：资金由出资方流向接受方。点击箭头或数字，即可阅读其出处的原句。",
        "counts": "{flows} 笔资金流动，{actors} 个主体，来自 {sources} 个来源",
        "aggregated": "聚合视图：此图共有 {total} 个主体，超过浏览器能快速布局的 {limit} 个。"
        "图中显示资金（美元流入+流出）最多的 {shown} 个主体；其余 {grouped} 个按主体类型各合并为一个节点。"
        "组内的 {hidden} 笔流动未画出。可用 --max-nodes 调整上限。",
        "search": "查找主体…",
        "allPeriods": "全部时期",
        "allKinds": "全部类型",
        "noPeriod": "（无时期）",
        "reset": "重置",
        "legendTypes": "主体类型（取消勾选以隐藏）",
        "legendSources": "来源：箭头颜色（取消勾选以隐藏）",
        "allSources": "全选",
        "noSources": "全不选",
        "sourceFlows": "{count} 笔流动",
        "greySources": "灰色：流动最少的 {count} 个来源",
        "legendEdges": "图例",
        "legendSize": "节点大小：美元流入+流出",
        "legendWidth": "箭头越粗：美元金额越大（对数刻度）",
        "legendDashed": "虚线箭头：来源未给出金额",
        "legendZoom": "放大可见箭头上的金额，或将鼠标悬停在箭头上",
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
        "upstream": "所依据报告中的数字",
        "verdict": "判定",
        "where": "位置",
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
        "evidenceCut": "本页仅嵌入 {shown} / {total} 条陈述的原文（金额大者优先）；其余请用 kg trace 加陈述编号查询。",
        "noEvidence": "本页未嵌入此陈述的原文。请运行：kg trace {claim}",
    },
}


@dataclass
class Drawing:
    """The network as pyvis built it, and what the page shows beside it."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    types: dict[str, dict[str, str]] = field(default_factory=dict)  # actor type → label, colour
    sources: list[dict[str, Any]] = field(default_factory=list)  # most flows first: id, label, colour, …
    kind_labels: dict[str, str] = field(default_factory=dict)  # claim kind → its label in the page's language
    period_words: dict[str, str] = field(default_factory=dict)  # period as recorded → as the page says it
    node_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    edge_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)  # "source.claim" → what the panel shows
    grouped: dict[str, list[str]] = field(default_factory=dict)  # group node → names of its actors, for search
    notes: list[str] = field(default_factory=list)


def build_page(
    store: Store,
    *,
    lang: str = "en",
    claims: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
    source_ids: Collection[str] | None = None,
) -> str:
    """The page for the store's funding graph, as HTML text; ``claims`` hangs figures off actors.

    ``source_ids`` keeps the flows (and figures) of those sources only; ids the graph does not
    hold raise :class:`kg.flows.UnknownSource`.
    """
    from kg.figures import figures
    from kg.flows import actors, check_sources, flows, sources
    from kg.store import select
    from kg.trace import evidence

    def evidence_of(claim_id: str) -> Evidence | None:
        try:
            return evidence(store, claim_id)  # with the cited report's figure and the verdict
        except LookupError:
            # TraceError, or a KeyError from kg.trace where an actor has one label only: the arrow
            # stays, and its panel says to run kg trace instead of losing the whole page
            return None

    known_sources = sources(store)
    chosen = None if source_ids is None else set(check_sources(known_sources, source_ids))
    found = flows(store, source_ids=chosen)
    figure_records = [r for r in figures(store) if chosen is None or r["source"] in chosen] if claims else []
    drawing = draw(
        found,
        everyone=actors(store),
        figure_records=figure_records,
        evidence_of=evidence_of,
        lang=lang,
        max_nodes=max_nodes,
        vocabulary={row["en"]: row["zh"] for row in select(store, _VOCABULARY)},
        source_info=known_sources,
    )
    return render(drawing, lang=lang, flows=len(found), sources=len(drawing.sources))


def write_page(
    path: Path,
    store: Store,
    *,
    lang: str = "en",
    claims: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
    source_ids: Collection[str] | None = None,
) -> int:
    """Write the page to ``path`` atomically; returns its size in bytes."""
    from kg.output import write_atomic

    page = build_page(store, lang=lang, claims=claims, max_nodes=max_nodes, source_ids=source_ids)
    write_atomic(Path(path), page.encode("utf-8"))
    return len(page.encode("utf-8"))


# --- the network ------------------------------------------------------------------------------


def draw(
    found: list[Flow],
    *,
    everyone: dict[str, Actor] | None = None,
    figure_records: Iterable[dict[str, Any]] = (),
    evidence_of: Callable[[str], Evidence | None] | None = None,
    lang: str = "en",
    max_nodes: int = DEFAULT_MAX_NODES,
    vocabulary: dict[str, str] | None = None,
    evidence_limit: int = EVIDENCE_LIMIT,
    source_info: dict[str, SourceInfo] | None = None,
) -> Drawing:
    """Nodes and edges for the flows (and figures, off their actors), aggregated past ``max_nodes`` actors.

    ``everyone`` names the actors that figures are about but no flow mentions; ``evidence_of``
    gives a claim's evidence for the side panel; ``vocabulary`` maps English labels to Chinese;
    ``source_info`` names the sources in the legend (else they go by their ids).
    """
    from pyvis.network import Network

    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    if max_nodes < 2:
        raise ValueError(f"the node limit must be at least 2, not {max_nodes}")
    words = TEXT[lang]
    words_of = _Words(lang, vocabulary or {})
    evidence_of = _Budget(evidence_of or (lambda _claim: None), evidence_limit)
    flow_claims = {f.key for f in found}
    # a flow's figure is on its arrow
    figure_list = [r for r in figure_records if f"{r['source']}.{r['id']}" not in flow_claims]

    drawn_actors: dict[str, Actor] = {}
    for flow in found:
        drawn_actors.setdefault(flow.funder.id, flow.funder)
        drawn_actors.setdefault(flow.recipient.id, flow.recipient)
    for record in figure_list:
        for subject in record["subjects"]:
            if subject not in drawn_actors and everyone and subject in everyone:
                drawn_actors[subject] = everyone[subject]
    money_in: dict[str, Decimal] = defaultdict(Decimal)
    money_out: dict[str, Decimal] = defaultdict(Decimal)
    degree: Counter[str] = Counter()
    for flow in found:
        money_in[flow.recipient.id] += _usd(flow)
        money_out[flow.funder.id] += _usd(flow)
        degree.update((flow.funder.id, flow.recipient.id))

    def money(actor_id: str) -> Decimal:
        return money_in[actor_id] + money_out[actor_id]

    ranked = sorted(drawn_actors, key=lambda a: (-money(a), -degree[a], a))
    types = sorted({a.type for a in drawn_actors.values()})
    shown = ranked if len(ranked) <= max_nodes else ranked[: max(1, max_nodes - len(types))]
    kept = set(shown)
    group_of = {a: f"others:{drawn_actors[a].type}" for a in ranked if a not in kept}
    members: dict[str, list[str]] = defaultdict(list)
    for actor_id in ranked:  # richest first
        if actor_id in group_of:
            members[group_of[actor_id]].append(actor_id)

    net = Network(directed=True, cdn_resources="in_line")
    colours = _colours(types)
    drawing = Drawing(
        nodes=net.nodes,
        edges=net.edges,
        options={},
        types={t: {"label": words_of.say(t), "colour": colours[t]} for t in types},
        sources=_source_legend(found, figure_list, source_info or {}, lang),
    )
    source_colour = {s["id"]: s["colour"] for s in drawing.sources}
    sizes = _LogScale(
        [money(a) for a in shown] + [sum(map(money, ids), Decimal(0)) for ids in members.values()], 14, 44
    )
    for actor_id in shown:
        actor = drawn_actors[actor_id]
        name = actor.name(lang)
        other = actor.name("en" if lang == "zh" else "zh")
        net.add_node(
            actor_id,
            label=_wrap(name),
            title="\n".join(
                [
                    f"{name}  ({other})" if other != name else name,
                    f"{words['type']}: {words_of.say(actor.type)}",
                    f"{words['moneyIn']}: {_money_text(money_in[actor_id], lang)}",
                    f"{words['moneyOut']}: {_money_text(money_out[actor_id], lang)}",
                ]
            ),
            color=_node_colour(colours[actor.type]),
            size=sizes(money(actor_id)),
        )
        drawing.node_meta[actor_id] = {
            "kind": "actor",
            "name": name,
            "type": actor.type,
            "names": [n for n in (actor.en, actor.zh, actor.id, *actor.aliases) if n],
            "in": _money_text(money_in[actor_id], lang),
            "out": _money_text(money_out[actor_id], lang),
        }
    for group, ids in sorted(members.items()):
        actor_type = group.removeprefix("others:")
        total = sum(map(money, ids), Decimal(0))
        label = words["others"].format(type=words_of.say(actor_type), count=f"{len(ids):,}")
        net.add_node(
            group,
            label=_wrap(label),
            title=f"{label}\n{words['moneyIn']} + {words['moneyOut']}: {_money_text(total, lang)}",
            shape="diamond",
            color=_node_colour(colours[actor_type]),
            size=sizes(total),
        )
        drawing.node_meta[group] = {
            "kind": "group",
            "name": label,
            "type": actor_type,
            "names": [],
            "members": [drawn_actors[a].name(lang) for a in ids[:100]],
            "count": len(ids),
        }
        drawing.grouped[group] = [n for a in ids for n in (drawn_actors[a].en, drawn_actors[a].zh, a) if n]

    hidden = _add_flows(net, drawing, found, group_of, evidence_of, lang, words_of, source_colour)
    _add_figures(net, drawing, figure_list, kept, max_nodes, evidence_of, lang, words_of)
    if evidence_of.refused:
        drawing.notes.append(
            words["evidenceCut"].format(
                shown=f"{evidence_of.given:,}", total=f"{evidence_of.given + evidence_of.refused:,}"
            )
        )
    if group_of:
        drawing.notes.insert(
            0,
            words["aggregated"].format(
                total=f"{len(ranked):,}",
                limit=f"{max_nodes:,}",
                shown=f"{len(shown):,}",
                grouped=f"{len(group_of):,}",
                hidden=f"{hidden:,}",
            ),
        )
    kinds = {f.kind for f in found} | {r["kind"] for r in figure_list}
    drawing.kind_labels = {k: words_of.say(k) for k in sorted(kinds)}
    periods = {f.period for f in found} | {r["period"] for r in figure_list}
    drawing.period_words = {p: period_words(p, lang) for p in sorted(p for p in periods if p)}
    drawing.options = _options(len(net.nodes))
    net.options = drawing.options  # pyvis passes a dict of options to vis-network as it is
    return drawing


def _source_legend(
    found: list[Flow], figure_list: list[dict[str, Any]], info: dict[str, SourceInfo], lang: str
) -> list[dict[str, Any]]:
    """The sources drawn, most flows first, each with its colour and the words that name it."""
    flow_count = Counter(f.source for f in found)
    figure_count = Counter(r["source"] for r in figure_list)
    ranked = sorted(set(flow_count) | set(figure_count), key=lambda s: (-flow_count[s], -figure_count[s], s))
    legend = []
    for rank, source_id in enumerate(ranked):
        source = info.get(source_id) or SourceInfo(source_id, "Source")
        other_title = source.name("zh" if lang == "en" else "en")
        legend.append(
            {
                "id": source_id,
                "label": source.name(lang),
                "title": other_title if other_title != source.name(lang) else None,
                "publisher": source.publisher(lang),
                "date": source.date,
                "kind": source.kind,
                "colour": SOURCE_COLOURS[rank] if rank < len(SOURCE_COLOURS) else OTHER_SOURCES_COLOUR,
                "shared": rank >= len(SOURCE_COLOURS),  # its colour is the grey of the sources past the palette
                "flows": flow_count[source_id],
                "figures": figure_count[source_id],
            }
        )
    return legend


def _add_flows(
    net: Any,
    drawing: Drawing,
    found: list[Flow],
    group_of: dict[str, str],
    evidence_of: _Budget,
    lang: str,
    words_of: _Words,
    source_colour: dict[str, str],
) -> int:
    """One arrow per flow between shown actors, one merged arrow per pair of ends past that.

    Returns how many flows run inside a group and are not drawn.
    """
    words = TEXT[lang]
    widths = _LogScale([_usd(f) for f in found], 1.5, 9)
    source_names = {s["id"]: s["label"] for s in drawing.sources}
    single: list[Flow] = []
    merged: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    hidden = 0
    for flow in found:
        ends = (group_of.get(flow.funder.id, flow.funder.id), group_of.get(flow.recipient.id, flow.recipient.id))
        if ends == (flow.funder.id, flow.recipient.id):
            single.append(flow)
        elif ends[0] == ends[1]:
            hidden += 1
        else:
            merged[ends].append(flow)
    between = Counter(frozenset((f.funder.id, f.recipient.id)) for f in single)
    single.sort(key=lambda f: (-_usd(f), f.key))  # the biggest amounts get their evidence first
    drawn_between: Counter[frozenset[str]] = Counter()
    for flow in single:
        pair = frozenset((flow.funder.id, flow.recipient.id))
        found_evidence = evidence_of(flow.claim)
        if found_evidence is not None:
            drawing.evidence[flow.key] = _evidence_record(found_evidence, lang, words_of)
        options = _flow_edge(flow, found_evidence, widths, lang, words_of, source_names[flow.source])
        colour = source_colour[flow.source]
        options["color"] = {"color": colour, "highlight": _darker(colour), "hover": _darker(colour)}
        if between[pair] > 1:  # arrows between the same two actors bend apart, so each can be clicked
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.15 + 0.2 * drawn_between[pair]}
        drawn_between[pair] += 1
        net.add_edge(flow.funder.id, flow.recipient.id, **options)
        drawing.edge_meta[flow.key] = {
            "kind": "flow",
            "claim": flow.claim,
            "source": flow.source,
            "periods": [flow.period or ""],
            "kinds": [flow.kind],
        }
    for (start, end), group_flows in sorted(merged.items()):
        total = sum(map(_usd, group_flows), Decimal(0))
        edge_id = f"merged:{start}>{end}"
        text = words["merged"].format(count=f"{len(group_flows):,}", total=_money_text(total, lang))
        net.add_edge(
            start,
            end,
            id=edge_id,
            title=text,
            width=widths(total),
            dashes=not total,
            color={"color": "#9aa3ad", "opacity": 0.7},
        )
        drawing.edge_meta[edge_id] = {
            "kind": "merged",
            "text": text,
            "claims": [f.claim for f in group_flows[:50]],
            "sources": sorted({f.source for f in group_flows}),
            "periods": sorted({f.period or "" for f in group_flows}),
            "kinds": sorted({f.kind for f in group_flows}),
        }
    return hidden


def _flow_edge(
    flow: Flow, found: Evidence | None, widths: _LogScale, lang: str, words_of: _Words, source_name: str
) -> dict[str, Any]:
    """A flow's arrow: width by USD amount, dashed without an amount, a plain-text hover title.

    Its label (amount · period in words) is drawn only from a zoom level on, or on hover (viz.html).
    """
    words = TEXT[lang]
    label = ""
    if flow.text:
        label = flow.text
        if lang == "en" and _usd(flow) and not flow.text.isascii():
            label += f" ({_money_text(_usd(flow), 'en')})"
    period = period_words(flow.period, lang)
    if period:
        label = f"{label} · {period}" if label else period
    lines = [
        f"{flow.funder.name(lang)} → {flow.recipient.name(lang)}",
        f"{words['instrument']}: {flow.instrument_name(lang)}",
        f"{words['amount']}: {flow.amount() + ' (' + words['normalised'] + ')' if flow.text else words['noAmount']}",
    ]
    if lang == "en" and flow.hedge and flow.hedge != "unhedged":
        lines.append(f"{words['hedge']}: {flow.hedge}")
    lines += [f"{words['period']}: {period or '—'}", f"{words['kind']}: {words_of.say(flow.kind)}"]
    if found is not None and found.attributed_to:
        lines.append(f"{words['attributed']}: {'; '.join(_cited(a, lang) for a in found.attributed_to)}")
    lines.append(f"{words['source']}: {source_name}")
    lines.append(f"{words['claim']}: {flow.claim} · {words['clickQuote']}")
    usd = _usd(flow)
    return {
        "id": flow.key,
        "label": label,
        "title": "\n".join(lines),
        "width": widths(usd) if usd else 1.5,
        "dashes": flow.value is None,
    }


def _add_figures(
    net: Any,
    drawing: Drawing,
    figure_list: list[dict[str, Any]],
    kept: set[str],
    budget: int,
    evidence_of: _Budget,
    lang: str,
    words_of: _Words,
) -> None:
    """Each figure as a small node tied to the shown actors it is about, at most ``budget`` of them."""
    placed = 0
    wanted = [r for r in figure_list if kept.intersection(r["subjects"])]
    for record in wanted[:budget]:
        key = f"{record['source']}.{record['id']}"
        node_id = f"figure:{key}"
        found = evidence_of(record["id"])
        if found is not None:
            drawing.evidence[key] = _evidence_record(found, lang, words_of)
        summary = (found.sentence_zh if lang == "zh" else found.sentence_en) if found else record["text"]
        net.add_node(
            node_id,
            label=record["text"],
            title=f"{summary}\n{TEXT[lang]['claim']}: {record['id']} · {TEXT[lang]['clickQuote']}",
            color={"background": "#d0d4da", "border": "#8a929c"},
            size=5,
            mass=0.3,  # light, so that figures stay close to their actor instead of pushing the graph apart
            font={"color": "#59616b"},
        )
        drawing.node_meta[node_id] = {
            "kind": "figure",
            "name": record["text"],
            "claim": record["id"],
            "source": record["source"],
            "evidence": key,
            "periods": [record["period"] or ""],
            "kinds": [record["kind"]],
        }
        for subject in sorted(kept.intersection(record["subjects"])):
            edge_id = f"{node_id}:{subject}"
            net.add_edge(
                subject,
                node_id,
                id=edge_id,
                arrows={"to": {"enabled": False}},
                color={"color": "#c3c8cf"},
                width=0.8,
                length=40,
            )
            drawing.edge_meta[edge_id] = {"kind": "figureLink", "figure": node_id}
        placed += 1
    if placed < len(wanted):
        drawing.notes.append(TEXT[lang]["figuresCut"].format(shown=f"{placed:,}", total=f"{len(wanted):,}"))


def _options(node_count: int) -> dict[str, Any]:
    """vis-network options: lay out with physics, then stop; cheaper settings for big graphs."""
    big = node_count > 300
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": node_count <= 150},
        # label sizes are set by the page once the layout has settled (viz.html, arrange)
        "nodes": {
            "shape": "dot",
            "borderWidth": 1.5,
            "font": {"face": _FONT, "color": "#1f2328", "size": 14, "strokeWidth": 4, "strokeColor": "#ffffff"},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "smooth": {"enabled": False},
            "color": {"color": "#7b8794", "highlight": "#c0392b", "hover": "#c0392b", "inherit": False},
            "font": {
                "face": _FONT,
                "size": 14,
                "color": "#39424e",
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
                "align": "horizontal",
            },
            "selectionWidth": 2,
            "hoverWidth": 1.5,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -200 if not big else -60,
                "centralGravity": 0.01,
                "springLength": 170 if not big else 80,
                "springConstant": 0.06,
                "damping": 0.4,
                "avoidOverlap": 1 if not big else 0,
            },
            "minVelocity": 1.0,
            # settling time grows faster than the node count: fewer iterations keep big graphs to a few seconds
            "stabilization": {
                "enabled": True,
                "iterations": max(100, min(1000, 150_000 // node_count)) if big else 1000,
                "updateInterval": 25,
            },
        },
    }


_FONT = "Noto Sans, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


# --- words, numbers, colours ------------------------------------------------------------------


class _Budget:
    """Evidence for at most ``limit`` claims; counts what it gave and what it refused."""

    def __init__(self, evidence_of: Callable[[str], Evidence | None], limit: int) -> None:
        self.evidence_of, self.limit = evidence_of, limit
        self.given = self.refused = 0

    def __call__(self, claim: str) -> Evidence | None:
        if self.given >= self.limit:
            self.refused += 1
            return None
        found = self.evidence_of(claim)
        self.given += found is not None
        return found


class _Words:
    """The ontology's words (actor types, claim kinds) in the page's language, through the graph's labels."""

    def __init__(self, lang: str, vocabulary: dict[str, str]) -> None:
        self.lang = lang
        self.vocabulary = vocabulary

    def say(self, english: str) -> str:
        return self.vocabulary.get(english, english) if self.lang == "zh" else english


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUARTERS_ZH = {"Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度"}
_PERIOD_PART = re.compile(
    r"^(?P<fy>FY)?(?P<year>[0-9]{4})(?:-(?P<part>H[12]|Q[1-4]|[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?$"
)


def period_words(label: str | None, lang: str = "en") -> str:
    """A period as a reader says it: ../2028 → "by 2028" / 2028年前, 2025-H1 → "2025 H1" / 2025年上半年.

    The forms are kg.models.Period's; anything else is returned as it is.
    """
    if not label:
        return ""
    start, slash, end = label.partition("/")
    if not slash:
        return _when(label, lang) or label
    if start == "..":
        when = _when(end, lang)
        return (f"by {when}" if lang == "en" else f"{when}前") if when else label
    if end == "..":
        when = _when(start, lang)
        return (f"since {when}" if lang == "en" else f"{when}以来") if when else label
    return _span(start, end, lang) or label


def _when(text: str, lang: str) -> str | None:
    """One point or stretch of time: 2024, FY2025, 2025-H1, 2025-Q3, 2025-11, 2025-11-14."""
    match = _PERIOD_PART.match(text)
    if not match or (match["day"] and not (match["part"] or "").isdigit()):
        return None
    year, part, day = match["year"], match["part"], match["day"]
    if match["fy"]:
        return None if part else (f"FY{year}" if lang == "en" else f"{year}财年")
    if part is None:
        return year if lang == "en" else f"{year}年"
    if part[0] == "H":
        return f"{year} {part}" if lang == "en" else f"{year}年{'上' if part == 'H1' else '下'}半年"
    if part[0] == "Q":
        return f"{year} {part}" if lang == "en" else f"{year}年{_QUARTERS_ZH[part]}"
    month = int(part)
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{_MONTHS[month - 1]} {year}" if lang == "en" else f"{year}年{month}月"
    return f"{int(day)} {_MONTHS[month - 1]} {year}" if lang == "en" else f"{year}年{month}月{int(day)}日"


def _span(start: str, end: str, lang: str) -> str | None:
    """From one point to another, saying the year once where both share it: "Jan–Sep 2025", 2025年1–9月."""
    first, last = _PERIOD_PART.match(start), _PERIOD_PART.match(end)
    # interval ends are years, months or days (kg.models: no fiscal years, halves or quarters)
    if not first or not last or any(m["fy"] or not (m["part"] or "0").isdigit() for m in (first, last)):
        return None
    opening, closing = _when(start, lang), _when(end, lang)
    if opening is None or closing is None:
        return None
    year = first["year"]
    if first["part"] is None and last["part"] is None:
        return f"{year}–{last['year']}" if lang == "en" else f"{year}–{last['year']}年"
    if year == last["year"] and first["part"] and last["part"] and bool(first["day"]) == bool(last["day"]):
        m1, m2 = int(first["part"]), int(last["part"])
        if not first["day"]:
            return f"{_MONTHS[m1 - 1]}–{_MONTHS[m2 - 1]} {year}" if lang == "en" else f"{year}年{m1}–{m2}月"
        d1, d2 = int(first["day"]), int(last["day"])
        if lang == "zh":
            return f"{year}年{m1}月{d1}–{d2}日" if m1 == m2 else f"{year}年{m1}月{d1}日–{m2}月{d2}日"
        return (
            f"{d1}–{d2} {_MONTHS[m1 - 1]} {year}"
            if m1 == m2
            else f"{d1} {_MONTHS[m1 - 1]} – {d2} {_MONTHS[m2 - 1]} {year}"
        )
    return f"{opening} – {closing}" if lang == "en" else f"{opening}–{closing}"


_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"  # CJK, and full-width forms
_TOKENS = re.compile(rf"[{_WIDE}]|[^\s{_WIDE}]+\s*|\s+")  # a wide character, or a word with its spaces


def _columns(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _wrap(text: str, width: int = LABEL_COLUMNS) -> str:
    """The label on balanced lines of about ``width`` columns: breaks at spaces, or between Chinese characters."""
    columns = sum(map(_columns, text))
    if columns <= width:
        return text
    target = columns / math.ceil(columns / width)
    lines, line = [], ""
    for token in _TOKENS.findall(text):
        if line.strip() and sum(map(_columns, line.rstrip() + token.rstrip())) > target + 2:
            lines.append(line.rstrip())
            line = ""
        line += token if line or not token.isspace() else ""
    lines.append(line.rstrip())
    return "\n".join(lines)


class _LogScale:
    """Maps amounts onto [low, high] on a log scale; zero maps a little below ``low``."""

    def __init__(self, values: Iterable[Decimal], low: float, high: float) -> None:
        logs = [math.log10(v) for v in values if v > 0]
        self.least, self.most = (min(logs), max(logs)) if logs else (0.0, 0.0)
        self.low, self.high = low, high

    def __call__(self, value: Decimal) -> float:
        if value <= 0:
            return round(self.low * 0.7, 2)
        if self.most == self.least:
            return round((self.low + self.high) / 2, 2)
        share = (math.log10(value) - self.least) / (self.most - self.least)
        return round(self.low + share * (self.high - self.low), 2)


def _usd(flow: Flow) -> Decimal:
    """The flow's amount in USD; flows with no amount, or in another unit, count nothing."""
    return flow.value if flow.value is not None and flow.unit == "USD" else Decimal(0)


def _money_text(value: Decimal, lang: str) -> str:
    """$345B / 3450亿美元: a sum short enough for a label."""
    if not value:
        return "—"
    if lang == "zh":
        for scale, word in ((10**12, "万亿"), (10**8, "亿"), (10**4, "万")):
            if value >= scale:
                return f"{_short(value / scale)}{word}美元"
        return f"{_short(value)}美元"
    for scale, word in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if value >= scale:
            return f"${_short(value / scale)}{word}"
    return f"${_short(value)}"


def _short(value: Decimal) -> str:
    text = f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
    return text.removesuffix(".0")


def _colours(types: list[str]) -> dict[str, str]:
    spare = iter(_SPARE_COLOURS * (1 + len(types) // len(_SPARE_COLOURS)))
    return {t: TYPE_COLOURS.get(t) or next(spare) for t in types}


def _node_colour(colour: str) -> dict[str, Any]:
    return {
        "background": colour,
        "border": _darker(colour),
        "highlight": {"background": colour, "border": "#c0392b"},
        "hover": {"background": colour, "border": "#c0392b"},
    }


def _darker(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (red, green, blue)))


# --- evidence for the side panel -------------------------------------------------------------


def _cited(record: dict[str, Any], lang: str) -> str:
    """A cited source in one line: its title, with its publisher."""
    title = (record.get("title") if lang == "zh" else record.get("title_en")) or record.get("title") or record["id"]
    publisher = record.get("publisher_zh") if lang == "zh" else record.get("publisher")
    return f"{title} ({publisher})" if publisher else str(title)


def context_segments(found: Evidence) -> list[list[str]] | None:
    """The quote's sentence cut into [text, mark] pieces: mark is "", "quote" or "figure".

    Cut here in Python, where offsets are Unicode code points as in the graph; JavaScript would
    count UTF-16 units and go astray on characters outside the Basic Multilingual Plane.
    """
    if found.sentence is None or found.sentence_start is None or found.quote_start is None:
        return None
    origin, sentence = found.sentence_start, found.sentence
    quote = (found.quote_start - origin, (found.quote_end or found.quote_start) - origin)
    figure = (found.start - origin, found.end - origin) if found.start is not None and found.end is not None else None
    cuts = sorted({0, len(sentence), *quote, *(figure or ())} & set(range(len(sentence) + 1)))
    pieces: list[list[str]] = []
    for begin, end in itertools.pairwise(cuts):
        if figure and figure[0] <= begin and end <= figure[1]:
            mark = "figure"
        elif quote[0] <= begin and end <= quote[1]:
            mark = "quote"
        else:
            mark = ""
        if pieces and pieces[-1][1] == mark:
            pieces[-1][0] += sentence[begin:end]
        else:
            pieces.append([sentence[begin:end], mark])
    return pieces


def _evidence_record(found: Evidence, lang: str, words_of: _Words) -> dict[str, Any]:
    """What the side panel shows for a claim: the same evidence ``kg trace`` prints."""
    source = found.source
    normalised = ""
    if found.value is not None:
        normalised = f"{found.value:,f}".rstrip("0").rstrip(".") if "." in f"{found.value:f}" else f"{found.value:,f}"
        normalised += f" {found.unit}"
    return {
        "claim": found.id,
        "summary": found.sentence_zh if lang == "zh" else found.sentence_en,
        "text": found.text,
        "normalised": normalised,
        "hedge": found.hedge if found.hedge not in (None, "unhedged") and lang == "en" else None,
        "period": period_words(found.period, lang),
        "kind": words_of.say(found.kind),
        "context": context_segments(found),
        "quote": found.quote,
        "source": {
            "title": (source.get("title_en") if lang == "en" else None) or source.get("title") or source["id"],
            "original_title": source.get("title"),
            "publisher": source.get("publisher_zh") if lang == "zh" else source.get("publisher"),
            "author": source.get("author"),
            "date": source.get("date"),
            "id": source["id"],
        },
        "attributed": [_cited(a, lang) for a in found.attributed_to],
        "locator": found.locator,
        "upstream": [_upstream_record(link, lang) for link in found.upstream],
    }


def _upstream_record(link: dict[str, Any], lang: str) -> dict[str, Any]:
    """The cited report's own figure beside the article's, and the verdict on the two (kg check's)."""
    upstream: Evidence = link["claim"]
    source = upstream.source
    title = (source.get("title_en") if lang == "en" else None) or source.get("title") or source["id"]
    return {
        "claim": upstream.id,
        "text": upstream.text,
        "period": period_words(upstream.period, lang),
        "status": upstream.status,
        "verdict": link["verdict"],
        "compared": link["compared"],
        "source": " · ".join(str(x) for x in (title, source.get("publisher"), source.get("date")) if x),
        "locator": {k: v for k, v in (upstream.locator or {}).items() if k != "quote"},
    }


# --- the page ----------------------------------------------------------------------------------


def vis_assets() -> tuple[str, str]:
    """vis-network's script and styles, from the copy inside the installed pyvis package."""
    import pyvis

    folders = sorted((Path(pyvis.__file__).parent / "templates" / "lib").glob("vis-9*"), key=_version)
    if not folders:
        raise FileNotFoundError("pyvis ships no vis-network 9 (templates/lib/vis-9.*)")
    folder = folders[-1]
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    styles = (folder / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in script.lower() or "<!--" in script or "</style" in styles.lower():
        raise ValueError(f"{folder}: cannot be inlined safely (it contains a closing tag)")
    return script, styles


def _version(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder.name))


def json_for_html(value: Any) -> str:
    """JSON that cannot end the <script> it sits in: <, > and & as \\u escapes (also U+2028/9)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def render(drawing: Drawing, *, lang: str = "en", flows: int = 0, sources: int = 0) -> str:
    """The page: template + inlined vis-network + the drawing as JSON, under a no-fetch CSP."""
    template = PAGE_TEMPLATE.read_text(encoding="utf-8")
    vis_script, vis_styles = vis_assets()
    app_scripts = [s for s in re.findall(r"<script>(.*?)</script>", template, flags=re.DOTALL) if "{{" not in s]
    words = dict(TEXT[lang])
    actor_count = sum(1 for meta in drawing.node_meta.values() if meta["kind"] == "actor") + sum(
        meta.get("count", 0) for meta in drawing.node_meta.values()
    )
    counts = {"flows": flows, "actors": actor_count, "sources": sources}
    words["counts"] = words["counts"].format(
        **{k: f"{n:,}" for k, n in counts.items()}, **{f"{k}_s": "" if n == 1 else "s" for k, n in counts.items()}
    )
    data = {
        "lang": lang,
        "text": words,
        "notes": drawing.notes,
        "types": drawing.types,
        "sources": drawing.sources,
        "kindLabels": drawing.kind_labels,
        "periodWords": drawing.period_words,
        "nodes": drawing.nodes,
        "edges": drawing.edges,
        "options": drawing.options,
        "nodeMeta": drawing.node_meta,
        "edgeMeta": drawing.edge_meta,
        "evidence": drawing.evidence,
        "grouped": drawing.grouped,
    }
    policy = (
        "default-src 'none'; "
        f"script-src {_script_hash(vis_script)} {' '.join(_script_hash(s) for s in app_scripts)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
    )
    parts = {
        "lang": lang,
        "title": html.escape(words["title"]),
        "policy": html.escape(policy, quote=False),  # the attribute is in double quotes; the policy has none
        "vis_styles": vis_styles,
        "vis_script": vis_script,
        "data": json_for_html(data),
    }
    # one pass, so that nothing inserted is ever read again as a placeholder
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m[1]], template)
