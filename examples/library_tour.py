"""The library as a notebook uses it: open the graph, ask it a question, follow the money.

Run it from the project folder:  python examples/library_tour.py
"""

from pathlib import Path

import kg

project = Path(__file__).resolve().parent.parent
store = kg.open_store(project / "build", data_dir=project / "data")  # builds the graph if needed

# 1. A SPARQL query: the five largest figures in US dollars.
result = kg.run_query(
    store,
    """
    SELECT ?figure ?value ?claim WHERE {
      ?c dcterms:identifier ?claim ; kg:quantity [ kg:asWritten ?figure ; schema:value ?value ; kg:unitCode "USD" ] .
    } ORDER BY DESC(?value) LIMIT 5
    """,
)
print("Largest dollar figures:")
for row in result.records():
    print(f"  {row['figure']:>12}  = {row['value']:>18,f} USD  [{row['claim']}]")

# 2. The funding flows as a networkx graph, and the paths from retirees' annuities to data centres.
flows = kg.funding_flows(store)
graph = kg.funding_graph(flows)
print(f"\n{len(flows)} funding flows between {graph.number_of_nodes()} actors")
found = kg.chains(graph, "us-retirees", "ai-data-centres")
print(f"{len(found.paths)} paths from US retirees to AI data centres; the first:")
for flow in found.paths[0]:
    amount = flow.text or "amount not stated"
    print(f"  {flow.funder.en} → {flow.recipient.en} ({flow.instrument['en']}, {amount})")

# 3. Trace one figure back to its sentence and source.
hit = kg.trace_figure(store, "3450亿美元")[0]
print(f"\n{hit.text}: «{hit.quote}» in {hit.source['title']} ({hit.source['date']})")
print(f"  {hit.sentence_en}")
