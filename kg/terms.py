"""Namespaces and IRIs: where every part of the graph lives.

This module is plain strings so that commands which never build a graph (trace, query) can
name IRIs without importing rdflib. build.py is the one place that maps model fields to these.
"""

from __future__ import annotations

BASE = "https://w3id.org/aikg/"
KG = BASE + "ontology#"  # our classes and properties: ontology/kg.ttl
ID = BASE + "id/"  # our records

PREFIXES = {
    "kg": KG,
    "actor": ID + "actor/",
    "claim": ID + "claim/",
    "source": ID + "source/",
    "metric": ID + "metric/",
    "instrument": ID + "instrument/",
    "period": ID + "period/",
    "whole": ID + "whole/",
    "graph": ID + "graph/",
    "finding": ID + "finding/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "schema": "https://schema.org/",
    "time": "http://www.w3.org/2006/time#",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
    "sh": "http://www.w3.org/ns/shacl#",
}

#: The SPARQL prologue every packaged query may rely on.
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

#: Units of kg.models.Unit → IRI. QUDT where it has the unit; ours where it has none.
UNIT_IRIS = {
    "USD": PREFIXES["unit"] + "CCY_USD",
    "CNY": PREFIXES["unit"] + "CCY_CNY",
    "EUR": PREFIXES["unit"] + "CCY_EUR",
    "GBP": PREFIXES["unit"] + "CCY_GBP",
    "JPY": PREFIXES["unit"] + "CCY_JPY",
    "HKD": PREFIXES["unit"] + "CCY_HKD",
    "KRW": PREFIXES["unit"] + "CCY_KRW",
    "TWD": PREFIXES["unit"] + "CCY_TWD",
    "percent": PREFIXES["unit"] + "PERCENT",
    "percentage-point": KG + "PercentagePoint",
    "basis-point": KG + "BasisPoint",
    "times": KG + "Times",
    "fraction": PREFIXES["unit"] + "FRACTION",
    "count": PREFIXES["unit"] + "NUM",
    "GW": PREFIXES["unit"] + "GigaW",
    "MW": PREFIXES["unit"] + "MegaW",
    "kW": PREFIXES["unit"] + "KiloW",
    "TWh": PREFIXES["unit"] + "TeraW-HR",
    "GWh": PREFIXES["unit"] + "GigaW-HR",
    "MWh": PREFIXES["unit"] + "MegaW-HR",
    "kWh": PREFIXES["unit"] + "KiloW-HR",
    "USD-per-million-tokens": KG + "USDPerMillionTokens",
    "USD-per-kWh": KG + "USDPerKiloWattHour",
    "per-thousand-people": KG + "PerThousandPeople",
}
UNIT_CODES = {iri: code for code, iri in UNIT_IRIS.items()}

#: Actor types of kg.models.ActorType → our classes, all subclasses of kg:Actor.
ACTOR_CLASSES = {
    "country": "Country",
    "region": "Region",
    "company": "Company",
    "investor": "Investor",
    "insurer": "Insurer",
    "government": "GovernmentBody",
    "research": "ResearchOrganisation",
    "international-org": "InternationalOrganisation",
    "media": "MediaOutlet",
    "person": "Person",
    "group": "Group",
    "market": "Market",
    "fund": "Fund",
    "project": "Project",
    "sector": "Sector",
    "people": "PopulationGroup",
}

SOURCE_CLASSES = {
    "article": "Article",
    "report": "Report",
    "research": "Research",
    "statement": "Statement",
    "dataset": "DatasetSource",
}

KIND_IRIS = {
    k: KG + v
    for k, v in {
        "fact": "Fact",
        "estimate": "Estimate",
        "forecast": "Forecast",
        "plan": "Plan",
        "target": "Target",
        "comparison": "Comparison",
    }.items()
}

HEDGE_IRIS = {
    h: KG + v
    for h, v in {
        "none": "Unhedged",
        "about": "About",
        "nearly": "Nearly",
        "more-than": "MoreThan",
        "at-least": "AtLeast",
        "up-to": "UpTo",
        "range": "Range",
    }.items()
}

DERIVATION_IRIS = {
    d: KG + v
    for d, v in {
        "same": "SameFigure",
        "rounded": "Rounded",
        "converted": "Converted",
        "different-period": "DifferentPeriod",
        "different-measure": "DifferentMeasure",
    }.items()
}

STATUS_IRIS = {s: KG + s.capitalize() for s in ("reviewed", "draft", "unconfirmed")}

RANK_IRIS = {r: KG + r.capitalize() + "Rank" for r in ("preferred", "normal", "deprecated")}


def actor_iri(actor_id: str) -> str:
    return PREFIXES["actor"] + actor_id


def source_iri(source_id: str) -> str:
    return PREFIXES["source"] + source_id


def claim_iri(source_id: str, claim_id: str) -> str:
    """claim/<source>.<claim>: deterministic, and a plain local name in Turtle (claim:src.id)."""
    return f"{PREFIXES['claim']}{source_id}.{claim_id}"


def part_iri(claim: str, part: str) -> str:
    """A node that belongs to one claim: its quantity, evidence, selectors."""
    return f"{claim}.{part}"


def metric_iri(metric_id: str) -> str:
    return PREFIXES["metric"] + metric_id


def instrument_iri(instrument_id: str) -> str:
    return PREFIXES["instrument"] + instrument_id


def whole_iri(whole_id: str) -> str:
    return PREFIXES["whole"] + whole_id


def graph_iri(source_id: str) -> str:
    """The named graph that holds one source's claims."""
    return PREFIXES["graph"] + source_id


def period_iri(label: str) -> str:
    """``2013/2024`` → period/2013--2024; ``../2028`` → period/open--2028."""
    return PREFIXES["period"] + label.replace("..", "open").replace("/", "--")
