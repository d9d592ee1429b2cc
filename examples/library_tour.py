"""The library as a notebook uses it: open the graph, ask it a question, follow the money.

The graph holds many sources; the tour follows the first article (source article-zh) through it.
Run it from the project folder:  python examples/library_tour.py  [DATA BUILD]
"""

import sys
from pathlib import Path

import kg

project = Path(__file__).resolve().parent.parent
data, build = (Path(a) for a in sys.argv[1:3]) if len(sys.argv) == 3 else (project / "data", project / "build")
store = kg.open_store(build, data_dir=data)  # builds the graph if needed
ARTICLE = "article-zh"

# 1. A SPARQL query: the article's five largest figures in US dollars.
result = kg.run_query(
    store,
    """
    SELECT ?figure ?value ?claim WHERE {
      ?c dcterms:identifier ?claim ; dcterms:source/dcterms:identifier "article-zh" ;
         kg:quantity [ kg:asWritten ?figure ; schema:value ?value ; kg:unitCode "USD" ] .
    } ORDER BY DESC(?value) LIMIT 5
    """,
)
print("The article's largest dollar figures:")
for row in result.records():
    print(f"  {row['figure']:>12}  = {row['value']:>18,f} USD  [{row['claim']}]")

# 2. The article's funding flows as a networkx graph, and the paths from retirees' annuities to data centres.
everything = kg.funding_flows(store)
flows = kg.funding_flows(store, source_ids=[ARTICLE])
graph = kg.funding_graph(flows)
print(f"\n{len(flows)} funding flows of the article between {graph.number_of_nodes()} actors")
print(f"  ({len(everything)} flows from {len({f.source for f in everything})} sources in the whole graph)")
found = kg.chains(graph, "us-retirees", "ai-data-centres")
print(f"{len(found.paths)} paths from US retirees to AI data centres in the article; the first:")
for flow in found.paths[0]:
    amount = flow.text or "amount not stated"
    print(f"  {flow.funder.en} → {flow.recipient.en} ({flow.instrument['en']}, {amount})")

# 3. Trace one figure back to its sentence in the article.
hit = next(e for e in kg.trace_figure(store, "3450亿美元") if e.source["id"] == ARTICLE)
print(f"\n{hit.text}: «{hit.quote}» in {hit.source['title']} ({hit.source['date']})")
print(f"  {hit.sentence_en}")
