"""Every figure of the built graph, as plain records for tables, CSV and JSON.

The records are read back from the graph with one SPARQL query, so what ``kg figures`` lists is
what the graph holds, not what the YAML said.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import Store

from kg.store import select

FIGURE_FIELDS = (
    "id",
    "value",
    "min",
    "max",
    "unit",
    "text",
    "hedge",
    "period",
    "subject",
    "subjects",
    "metric",
    "kind",
    "attributed_to",
    "source",
    "start",
    "end",
    "quote",
    "quote_start",
    "quote_end",
)

_FIGURES = """
SELECT ?id ?value ?min ?max ?unit ?text ?hedge ?period ?metric ?kind ?source ?start ?end
       ?quote ?quoteStart ?quoteEnd
       (GROUP_CONCAT(DISTINCT ?subjectId; separator="|") AS ?subjectIds)
       (GROUP_CONCAT(DISTINCT ?subjectLabel; separator="|") AS ?subjectLabels)
       (GROUP_CONCAT(DISTINCT ?citedId; separator="|") AS ?citedIds)
WHERE {
  ?claim a kg:Claim ; dcterms:identifier ?id ; kg:quantity ?q ; kg:kind/rdfs:label ?kind ;
         dcterms:source/dcterms:identifier ?source ; kg:subject ?subject .
  FILTER(LANG(?kind) = "en")
  ?subject dcterms:identifier ?subjectId ; rdfs:label ?subjectLabel . FILTER(LANG(?subjectLabel) = "en")
  ?q schema:value ?value ; kg:unitCode ?unit ; kg:asWritten ?text ; kg:hedge/rdfs:label ?hedge .
  FILTER(LANG(?hedge) = "en")
  OPTIONAL { ?q schema:minValue ?min }
  OPTIONAL { ?q schema:maxValue ?max }
  OPTIONAL { ?q kg:start ?start ; kg:end ?end }
  OPTIONAL { ?claim kg:metric/dcterms:identifier ?metric }
  OPTIONAL { ?claim kg:period/rdfs:label ?period }
  OPTIONAL { ?claim kg:attributedTo/dcterms:identifier ?citedId }
  OPTIONAL {
    ?claim kg:evidence/oa:hasSelector ?position, ?quoteSelector .
    ?position oa:start ?quoteStart ; oa:end ?quoteEnd .
    ?quoteSelector oa:exact ?quote .
  }
}
GROUP BY ?id ?value ?min ?max ?unit ?text ?hedge ?period ?metric ?kind ?source ?start ?end
         ?quote ?quoteStart ?quoteEnd
"""


def _split(joined: str | None) -> list[str]:
    return sorted(joined.split("|")) if joined else []


def figures(store: Store) -> list[dict[str, Any]]:
    """One record per figure, ordered by source and position; decimals stay :class:`Decimal`."""
    records = []
    for row in select(store, _FIGURES):
        records.append(
            {
                "id": row["id"],
                "value": row["value"],
                "min": row["min"],
                "max": row["max"],
                "unit": row["unit"],
                "text": row["text"],
                "hedge": row["hedge"],
                "period": row["period"],
                "subject": "; ".join(_split(row["subjectLabels"])),
                "subjects": _split(row["subjectIds"]),
                "metric": row["metric"],
                "kind": row["kind"],
                "attributed_to": _split(row["citedIds"]),
                "source": row["source"],
                "start": row["start"],
                "end": row["end"],
                "quote": row["quote"],
                "quote_start": row["quoteStart"],
                "quote_end": row["quoteEnd"],
            }
        )
    records.sort(key=lambda r: (r["source"], r["start"] if r["start"] is not None else -1, r["id"]))
    return records
