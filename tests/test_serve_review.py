"""kg serve, write side: a review is validated as kg build validates, written atomically, and rebuilt.

The draft is tests/fixtures/serve/review-en.yaml (made by hand: six figures, proposals and choices),
reviewed over HTTP as the desk's script sends it; the browser test drives the same with keys.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.load import load_dataset
from kg.models import ClaimsFile
from kg.rebuild import rebuild
from kg.serve import Site, datafiles
from kg.serve.datafiles import STAGING_PREFIX
from kg.store import open_store, select
from tests.conftest import FIXTURES
from tests.serving import call, serving, tree, write

DRAFT = FIXTURES / "serve" / "review-en.yaml"
DRAFTED = yaml.safe_load(DRAFT.read_text(encoding="utf-8"))["claims"]
ACTORS_COMMENT = "# Actors of the test dataset: a comment that a review must keep.\n"


@pytest.fixture
def desk(mini_copy: Path, tmp_path: Path) -> Iterator[Site]:
    """The small dataset with the fixture draft in drafts/, built, and a site over both."""
    (mini_copy / "drafts").mkdir()
    for name in ("review-en.yaml", "review-en.txt"):
        shutil.copy(FIXTURES / "serve" / name, mini_copy / "drafts" / name)
    actors = mini_copy / "actors.yaml"
    actors.write_text(ACTORS_COMMENT + actors.read_text(encoding="utf-8"), encoding="utf-8")
    rebuild(mini_copy, tmp_path / "build")
    with serving(mini_copy, tmp_path / "build") as site:
        yield site


def decisions(**changes: Any) -> dict[str, Any]:
    """Every drafted claim accepted as drafted, but for ``changes``: claim index → "reject" or edited fields."""
    claims = []
    for index, drafted in enumerate(DRAFTED):
        change = changes.get(f"c{index}", {})
        claim = {key: drafted.get(key) for key in ("id", "subjects", "metric", "quantity", "period", "kind",
                                                   "attributed_to", "flow")}  # fmt: skip
        decision = change if isinstance(change, str) else "accept"
        claims.append(
            {"index": index, "decision": decision, "claim": claim | (change if isinstance(change, dict) else {})}
        )
    return {"claims": claims}


def reviewed_claims(build_dir: Path, source: str) -> dict[str, dict[str, Any]]:
    query = """
    SELECT ?id ?period ?kind (GROUP_CONCAT(?subject; separator=" ") AS ?subjects) WHERE {
      ?c dcterms:source/dcterms:identifier ?source ; dcterms:identifier ?id ; kg:kind/skos:notation ?kind ;
         kg:subject/dcterms:identifier ?subject ; kg:status/skos:notation "reviewed" .
      OPTIONAL { ?c kg:period/rdfs:label ?period }
    } GROUP BY ?id ?period ?kind
    """
    rows = select(open_store(build_dir), query, {"source": source})
    return {row["id"]: {**row, "subjects": sorted(row["subjects"].split())} for row in rows}


def outside(folder: Path) -> dict[str, bytes]:
    """Every file of the test's folder but those of the data and build folders."""
    return {k: v for k, v in tree(folder).items() if not k.startswith(("data/", "build/"))}


def test_a_review_is_written_into_the_data_and_built(desk: Site) -> None:
    before_outside = outside(desk.data_dir.parent)
    answer = write(
        desk,
        "/review/review-en",
        decisions(
            c1={"period": "2024"},
            c2={"kind": "plan"},
            c3={"subjects": ["nova-robotics"]},
            c4="reject",
            c5={"subjects": ["acme-capital", "bolt-ventures", "gadget-labs"]},
        )
        | {
            "actors": [
                {"id": "nova-robotics", "label": {"en": "Nova Robotics"}, "type": "company"},
                {"id": "review-news", "label": {"en": "Review News"}, "type": "media"},  # proposed, unused
                {"id": "bolt-ventures", "label": {"en": "Bolt Ventures", "zh": "闪电创投"}, "type": "investor"},
            ],
            "metrics": [{"id": "headcount", "label": {"en": "Headcount"}}],  # only the rejected claim wanted it
        },
    )
    assert answer.status == 200, answer.text
    assert answer.json()["written"] == [
        "claims/review-en.yaml", "sources/review-en.txt", "sources.yaml", "actors.yaml",
    ]  # fmt: skip
    claims = reviewed_claims(desk.build_dir, "review-en")
    assert sorted(claims) == sorted(c["id"] for i, c in enumerate(DRAFTED) if i != 4)
    assert claims["gadget-labs-investment-2025"]["period"] == "2024"
    assert claims["widget-ai-spending-share-by-2026"]["kind"] == "plan"
    assert claims["acme-capital-investment"]["subjects"] == ["nova-robotics"]
    assert claims["acme-gadget-investment"]["subjects"] == ["acme-capital", "bolt-ventures", "gadget-labs"]
    data = desk.data_dir
    saved = ClaimsFile.model_validate(yaml.safe_load((data / "claims" / "review-en.yaml").read_text(encoding="utf-8")))
    assert saved.proposed is None and {c.status for c in saved.claims} == {"reviewed"}
    assert all(c.note is None for c in saved.claims)  # the drafter's notes were hints, not findings
    actors = (data / "actors.yaml").read_text(encoding="utf-8")
    assert actors.startswith(ACTORS_COMMENT) and "nova-robotics" in actors and "bolt-ventures" in actors
    assert "review-news" not in actors and "headcount" not in (data / "vocabulary.yaml").read_text(encoding="utf-8")
    assert (data / "sources" / "review-en.txt").read_bytes() == (FIXTURES / "serve" / "review-en.txt").read_bytes()
    assert load_dataset(data).claims_files  # kg build's loader takes the data folder as written
    assert not list(data.glob(f"{STAGING_PREFIX}*")) and outside(data.parent) == before_outside
    assert call(desk, "GET", "/review.json").json()[0]["saved"] is True


def test_every_problem_is_sent_beside_its_card_and_nothing_is_written(desk: Site) -> None:
    before = tree(desk.data_dir)
    payload = decisions(c0={"subjects": ["nobody"]}, c1={"period": "2025-13"}, c3={"metric": "no-such-metric"})
    del payload["claims"][5]["decision"]
    payload["actors"] = [{"id": "nameless", "label": {}, "type": "company"}]
    answer = write(desk, "/review/review-en", payload)
    assert answer.status == 422
    problems = {(p["card"], p["message"]) for p in answer.json()["problems"]}
    assert problems >= {
        ("claim-5", "not reviewed yet: accept it (a) or reject it (x)"),
        ("claim-0", "unknown actor 'nobody'"),
        ("claim-3", "unknown metric 'no-such-metric' (not in vocabulary.yaml)"),
        ("actor-0", "label: a label needs en, zh or both"),
    }
    assert any(card == "claim-1" and "month 13 is not 01-12" in message for card, message in problems)
    assert tree(desk.data_dir) == before  # nothing written, no staging folder left


def test_a_claims_file_is_never_overwritten(desk: Site) -> None:
    existing = desk.data_dir / "claims" / "review-en.yaml"
    existing.write_text("# someone's own file\n", encoding="utf-8")
    answer = write(desk, "/review/review-en", decisions(c4="reject", c3="reject"))
    assert answer.status == 422
    assert any("is never overwritten" in p["message"] and p["card"] is None for p in answer.json()["problems"])
    assert existing.read_text(encoding="utf-8") == "# someone's own file\n"


def test_a_source_already_in_sources_yaml_is_said_beside_its_card(desk: Site) -> None:
    sources = desk.data_dir / "sources.yaml"
    entry = "  - {id: review-en, kind: article, title: Taken, language: en}\n"
    sources.write_text(sources.read_text(encoding="utf-8") + entry, encoding="utf-8")
    answer = write(desk, "/review/review-en", decisions(c4="reject"))
    assert answer.status == 422
    assert {"card": "source", "message": "source 'review-en' is in sources.yaml already"} in answer.json()["problems"]


def test_nothing_accepted_is_nothing_to_save(desk: Site) -> None:
    answer = write(desk, "/review/review-en", decisions(**{f"c{i}": "reject" for i in range(len(DRAFTED))}))
    assert answer.status == 422 and answer.json()["problems"][0]["message"].startswith("nothing accepted")


def test_a_draft_whose_text_changed_cannot_be_reviewed(desk: Site) -> None:
    (desk.data_dir / "drafts" / "review-en.txt").write_text("another text\n", encoding="utf-8")
    answer = call(desk, "GET", "/review/review-en")
    assert answer.status == 422 and "sha256" in answer.text


def test_a_pasted_text_is_saved_and_drafted(desk: Site) -> None:
    text = (FIXTURES / "serve" / "review-en.txt").read_text(encoding="utf-8")
    answer = write(desk, "/review", {"text": text, "source_id": "pasted-en", "published": "2025-03-02", "lang": "en"})
    assert answer.status == 200, answer.text
    assert answer.json()["url"] == "/review/pasted-en" and answer.json()["claims"] > 0
    drafts = desk.data_dir / "drafts"
    assert (drafts / "pasted-en.txt").read_text(encoding="utf-8") == text
    drafted = ClaimsFile.model_validate(yaml.safe_load((drafts / "pasted-en.yaml").read_text(encoding="utf-8")))
    assert drafted.proposed is not None and drafted.proposed.source is not None
    assert drafted.proposed.source.text == "pasted-en.txt" and {c.status for c in drafted.claims} == {"draft"}
    page = call(desk, "GET", "/review/pasted-en.json").json()
    assert page["text"] == text and len(page["claims"]) == len(drafted.claims)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"source_id": "Bad Id"}, "source id: a-z, 0-9 and -", id="bad-id"),
        pytest.param({"source_id": "mini"}, "source id 'mini' is taken", id="taken-id"),
        pytest.param({"source_id": "review-en"}, "source id 'review-en' is taken", id="taken-by-a-draft"),
        pytest.param({"text": "  "}, "the text is empty", id="empty"),
        pytest.param({"published": "19 Nov"}, "is not a date YYYY-MM-DD", id="bad-date"),
        pytest.param({"url": "javascript:alert(1)"}, "an http(s) address", id="bad-address"),
    ],
)
def test_a_new_text_with_bad_fields_is_refused(desk: Site, fields: dict[str, str], message: str) -> None:
    before = tree(desk.data_dir)
    payload = {"text": "Acme Capital invested $1 billion.", "source_id": "new-one", "published": "2025-01-01"}
    answer = write(desk, "/review", payload | fields)
    assert answer.status == 422 and message in answer.json()["problems"][0]["message"]
    assert tree(desk.data_dir) == before


# --- writing by text, staging, atomic writes ------------------------------------------------


VOCABULARY = """\
# Concept schemes.
metrics:
  - id: investment
    label: {en: Investment}   # money put in

# Funding instruments, after the metrics.
instruments:
  - id: capex
    label: {en: Capex}
"""


def test_records_are_added_by_text_at_the_end_of_their_list() -> None:
    text, starts = datafiles.append_records(VOCABULARY, "metrics", [{"id": "headcount", "label": {"en": "Headcount"}}])
    assert text.startswith("# Concept schemes.\nmetrics:\n  - id: investment\n    label: {en: Investment}   # money")
    assert "  - id: headcount\n    label: {en: Headcount}\n\n# Funding instruments" in text
    assert text.splitlines()[starts[0] - 1] == "  - id: headcount"
    assert [m["id"] for m in yaml.safe_load(text)["metrics"]] == ["investment", "headcount"]


def test_an_empty_flow_list_becomes_a_block_list() -> None:
    text, _ = datafiles.append_records("actors: []\n", "actors", [{"id": "a", "label": {"zh": "甲"}}])
    assert yaml.safe_load(text) == {"actors": [{"id": "a", "label": {"zh": "甲"}}]}


def test_a_list_in_flow_style_is_left_alone() -> None:
    with pytest.raises(ValueError, match="add them by hand"):
        datafiles.append_records("actors: [{id: a}]\n", "actors", [{"id": "b"}])


def test_staging_never_writes_through_its_hard_links(mini_copy: Path) -> None:
    before = tree(mini_copy)
    with datafiles.staged_copy(mini_copy) as staging:
        assert staging.parent == mini_copy and (staging / "claims" / "mini.yaml").samefile(
            mini_copy / "claims" / "mini.yaml"
        )
        datafiles.replace_staged(staging / "claims" / "mini.yaml", "changed\n")
        assert (staging / "claims" / "mini.yaml").read_text(encoding="utf-8") == "changed\n"
    assert tree(mini_copy) == before


def test_a_failed_write_puts_back_what_was_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, new = tmp_path / "first.yaml", tmp_path / "second.yaml", tmp_path / "new.yaml"
    first.write_text("old\n", encoding="utf-8")
    second.write_text("old\n", encoding="utf-8")
    real = datafiles._write_one

    def failing(path: Path, content: bytes, *, create: bool) -> None:
        if path == second:
            raise OSError("disk full")
        real(path, content, create=create)

    monkeypatch.setattr(datafiles, "_write_one", failing)
    with pytest.raises(OSError, match="disk full"):
        datafiles.write_files({new: b"new\n", first: b"new\n", second: b"new\n"}, new=[new])
    assert first.read_text(encoding="utf-8") == "old\n" and not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.yaml", "second.yaml"]


def test_a_new_file_never_replaces_one_that_appeared(tmp_path: Path) -> None:
    taken = tmp_path / "claims.yaml"
    taken.write_text("mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        datafiles.write_files({taken: b"theirs\n"}, new=[taken])
    assert taken.read_text(encoding="utf-8") == "mine\n" and [p.name for p in tmp_path.iterdir()] == ["claims.yaml"]


def test_claims_yaml_reads_back_as_the_same_claims() -> None:
    drafted = ClaimsFile.model_validate(yaml.safe_load(DRAFT.read_text(encoding="utf-8")))
    text, starts = datafiles.claims_yaml(drafted, "a header")
    assert ClaimsFile.model_validate(yaml.safe_load(text)) == drafted
    lines = text.splitlines()
    assert [lines[start - 1] for start in starts] == [f"  - id: {c.id}" for c in drafted.claims]


def test_pages_kept_until_the_next_build_show_the_saved_review(desk: Site) -> None:
    def flows() -> int:
        return len(call(desk, "GET", "/query/who-funds-whom.json").json()["results"]["bindings"])

    def sources() -> set[str]:
        return {s["id"] for s in call(desk, "GET", "/index.json").json()["sources"]}

    before_flows, before_sources = flows(), sources()
    answer = write(desk, "/review/review-en", decisions(c3="reject", c4="reject", c5="reject"))
    assert answer.status == 200, answer.text
    assert flows() == before_flows + 2  # the two accepted flows of the draft
    assert sources() == before_sources | {"review-en"}


def test_the_catalogue_is_read_again_when_a_file_changes(mini_copy: Path) -> None:
    from kg.serve.review import catalogue

    before = [a.id for a in catalogue(mini_copy)["actors"]]
    assert catalogue(mini_copy)["actors"] is catalogue(mini_copy)["actors"]  # kept while nothing changed
    actors = mini_copy / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + "  - {id: newcomer, label: {en: Newcomer}, type: company}\n")
    assert [a.id for a in catalogue(mini_copy)["actors"]] == [*before, "newcomer"]
