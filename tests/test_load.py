"""kg.load: a good dataset loads; each kind of bad input gives one line naming file, line, claim."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.load import MAX_ERRORS, LoadError, LoadErrors, load_dataset
from kg.models import Dataset
from tests.conftest import ARTICLE, MINI

#: The reports, research and people the first article cites (sources.yaml), each credited by some figure.
CITED = [
    "iea-energy-and-ai-2025",
    "jensen-huang-warning-2025-11",
    "morgan-stanley-analysts",
    "morgan-stanley-strategist",
    "stanford-ai-index-2025",
]


def test_mini_loads() -> None:
    dataset = load_dataset(MINI)
    assert [c.id for _, c in dataset.claims()] == [
        "report-widget-share",
        "acme-widget-2024",
        "acme-gadget",
        "widget-gadget-ratio",
        "widget-data-centre-share",
    ]
    assert dataset.texts["mini"].startswith("Acme Capital")


def _replace(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(data: Path) -> None:
        path = data / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


BAD_INPUTS = [
    pytest.param(
        _replace("claims/mini.yaml", "start: 0\n      end: 55", "start: 1\n      end: 56"),
        r"claims/mini\.yaml:\d+: claim acme-widget-2024: quote 'Acme Capital.*' is not at \[1, 56\).*is at \[0, 55\)",
        id="quote-not-at-offsets",
    ),
    pytest.param(
        _replace("claims/mini.yaml", "subjects: [acme-capital, widget-ai]", "subjects: [acme-capitol, widget-ai]"),
        r"claims/mini\.yaml:\d+: claim acme-widget-2024: unknown actor 'acme-capitol'",
        id="unknown-actor",
    ),
    pytest.param(
        _replace("claims/mini.yaml", "    kind: comparison\n", ""),
        r"claims/mini\.yaml:\d+: claim widget-gadget-ratio: kind: Field required",
        id="missing-field",
    ),
    pytest.param(
        _replace("claims/mini.yaml", 'value: "500000000"', 'value: "half a billion"'),
        r"claims/mini\.yaml:\d+: claim acme-gadget: quantity\.value: 'half a billion' is not a number",
        id="value-not-a-number",
    ),
    pytest.param(
        _replace("claims/mini.yaml", "- id: acme-gadget", "- id: acme-widget-2024"),
        r"claims/mini\.yaml:\d+: claim acme-widget-2024: duplicate claim id 'acme-widget-2024'",
        id="duplicate-id",
    ),
    pytest.param(
        _replace("claims/mini.yaml", "    kind: fact\n", "    kind: [fact\n"),
        r"claims/mini\.yaml:\d+: broken YAML",
        id="broken-yaml",
    ),
    pytest.param(
        _replace("sources.yaml", "sha256: b5053877", "sha256: c5053877"),
        r"sources\.yaml: source mini: sha256 of mini\.txt is b5053877\w+, not c5053877",
        id="sha256-mismatch",
    ),
    pytest.param(
        _replace(
            "claims/mini.yaml",
            'formula: "{acme-widget-2024} / {acme-gadget}"',
            'formula: "{acme-widget-2024} / {nobody}"',
        ),
        r"claims/mini\.yaml:\d+: claim widget-gadget-ratio: formula names unknown claim 'nobody'",
        id="formula-unknown-claim",
    ),
    pytest.param(
        _replace("claims/mini.yaml", 'formula: "{acme-widget-2024} / {acme-gadget}"', "formula: \"__import__('os')\""),
        r"claim widget-gadget-ratio: formula .* is not arithmetic|may use only",
        id="formula-not-arithmetic",
    ),
    pytest.param(
        _replace("claims/mini.yaml", "instrument: capex}", "instrument: magic}"),
        r"claim widget-data-centre-share: unknown instrument 'magic'",
        id="unknown-instrument",
    ),
    pytest.param(
        _replace("claims/mini.yaml", "      text: 5 times\n", "      text: 6 times\n"),
        r"claim widget-gadget-ratio: figure '6 times' does not occur in its quote",
        id="figure-not-in-quote",
    ),
    pytest.param(
        _replace("claims/mini.yaml", "    kind: fact\n", "    kind: fact\n    status: draft\n"),
        r"claim acme-widget-2024: is a draft",
        id="draft-refused",
    ),
    pytest.param(
        _replace("claims/mini.yaml", "    evidence:\n      start: 0", "    evidence: &e\n      start: 0"),
        r"claims/mini\.yaml:\d+: YAML anchors and aliases .* are not allowed",
        id="yaml-anchor",
    ),
    pytest.param(
        _replace("claims/mini.yaml", "    kind: fact\n", "    kind: fact\n    kind: plan\n"),
        r"claims/mini\.yaml:\d+: broken YAML: duplicate key 'kind'",
        id="duplicate-key",
    ),
    pytest.param(
        _replace("sources.yaml", "date: 2025-01-15", "date: 2025-02-30"),
        r"sources\.yaml:7: broken YAML: 2025-02-30 is not a date",
        id="no-such-date",
    ),
    pytest.param(
        _replace("sources.yaml", "language: en\n    text", "language: English\n    text"),
        r"sources\.yaml:\d+: source mini: language: String should match pattern",
        id="language-not-bcp47",
    ),
    pytest.param(
        _replace("sources.yaml", "url: https://example.org/report", "url: https://example.org/a report"),
        r"sources\.yaml:\d+: source example-report: url: String should match pattern",
        id="url-not-an-iri",
    ),
    pytest.param(
        _replace("sources.yaml", "text: mini.txt", "text: ../../../../etc/os-release"),
        r"sources\.yaml: source mini: text '\.\./\.\./\.\./\.\./etc/os-release' must be a path inside sources/",
        id="text-climbs-out",
    ),
    pytest.param(
        _replace("sources.yaml", "text: mini.txt", "text: /etc/os-release"),
        r"sources\.yaml: source mini: text '/etc/os-release' must be a path inside sources/",
        id="text-absolute",
    ),
    pytest.param(
        _replace("claims/mini.yaml", 'value: "500000000"', 'value: "1,5"'),
        r"claim acme-gadget: quantity\.value: '1,5' is not a number \(a comma may only separate thousands",
        id="decimal-comma",
    ),
    pytest.param(
        _replace("claims/mini.yaml", 'period: "2024"', 'period: "２０２４"'),
        r"claim acme-widget-2024: period: .*is not one of",
        id="full-width-period",
    ),
]


@pytest.mark.parametrize(("edit", "message"), BAD_INPUTS)
def test_bad_input(mini_copy: Path, edit: Callable[[Path], None], message: str) -> None:
    edit(mini_copy)
    with pytest.raises(LoadError) as caught:
        load_dataset(mini_copy)
    lines = str(caught.value).splitlines()
    assert all(line.startswith(str(mini_copy)) for line in lines), lines
    assert __import__("re").search(message, lines[0]), lines[0]


def test_line_number_points_at_the_field(mini_copy: Path) -> None:
    _replace("claims/mini.yaml", 'value: "500000000"', 'value: "lots"')(mini_copy)
    with pytest.raises(LoadError) as caught:
        load_dataset(mini_copy)
    lines = (mini_copy / "claims/mini.yaml").read_text(encoding="utf-8").splitlines()
    assert caught.value.line is not None
    assert 'value: "lots"' in lines[caught.value.line - 1]


def test_drafts_build_when_allowed(mini_copy: Path) -> None:
    _replace("claims/mini.yaml", "    kind: fact\n", "    kind: fact\n    status: draft\n")(mini_copy)
    assert load_dataset(mini_copy, allow_drafts=True)


@pytest.mark.parametrize(("edit", "message"), BAD_INPUTS[:7])
def test_cli_bad_input_exits_2_and_keeps_build(
    runner: CliRunner, mini_copy: Path, tmp_path: Path, edit: Callable[[Path], None], message: str
) -> None:
    build_dir = tmp_path / "build"
    first = runner.invoke(app, ["build", "--data", str(mini_copy), "--build", str(build_dir)])
    assert first.exit_code == 0, first.output
    before = (build_dir / "current").resolve()
    edit(mini_copy)
    result = runner.invoke(app, ["build", "--data", str(mini_copy), "--build", str(build_dir)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert all(line.startswith("error: ") for line in result.output.splitlines())
    assert (build_dir / "current").resolve() == before  # the build before is still the current one
    assert sorted(p.name for p in build_dir.iterdir() if not p.name.startswith(".")) == [
        "current",
        "gen-1",
        "kg-build.json",
    ]  # and nothing of the failed one is left
    assert [p.name for p in build_dir.iterdir() if p.name.startswith(".")] == [".lock"]


def test_the_curated_data_loads_and_every_file_was_collected(data_dir: Path, curated_dataset: Dataset) -> None:
    """Every claims file and text under data/ is read, whatever data/ holds; the first article is as curated."""
    claim_files = sorted(p.stem for p in (data_dir / "claims").glob("*.yaml"))
    assert ARTICLE in claim_files and sorted(f.source for f in curated_dataset.claims_files) == claim_files
    texts = sorted(p.name for p in (data_dir / "sources").glob("*.txt"))
    assert sorted(s.text for s in curated_dataset.sources if s.text) == texts  # each shipped text is a source's
    assert sorted(curated_dataset.texts) == sorted(s.id for s in curated_dataset.sources if s.text)
    by_id = {c.id: (source, c) for source, c in curated_dataset.claims()}
    mine = [c for source, c in curated_dataset.claims() if source == ARTICLE]
    counts = {
        "text": len(curated_dataset.texts[ARTICLE]),
        "claims": len(mine),
        "figures": sum(1 for c in mine if c.quantity),
        "flows": sum(1 for c in mine if c.flow),
        "actors named": len(
            {a for c in mine for a in (*c.subjects, *((c.flow.funder, c.flow.recipient) if c.flow else ()))}
        ),
    }
    assert counts == {"text": 4078, "claims": 79, "figures": 62, "flows": 28, "actors named": 43}
    (entry,) = [s for s in curated_dataset.sources if s.id == ARTICLE]
    assert sorted(entry.cites) == sorted({a for c in mine for a in c.attributed_to}) == CITED
    resting_on = sorted({by_id[link.claim][0] for c in mine for link in c.derived_from})
    assert resting_on == [
        "deepseek-api-pricing",
        "iea-energy-and-ai-2025",
        "morgan-stanley-analysts",
        "press-reports-hyperscaler-capex-2025",
        "stanford-ai-index-2025",
        "wsj-annuity-sales-2025-11-14",
    ]


def test_text_through_a_link_out_of_the_folder_is_refused(mini_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_bytes((mini_copy / "sources" / "mini.txt").read_bytes())
    (mini_copy / "sources" / "mini.txt").unlink()
    (mini_copy / "sources" / "mini.txt").symlink_to(outside)
    with pytest.raises(LoadError, match=r"source mini: text 'mini.txt' leads outside sources/"):
        load_dataset(mini_copy)


def test_a_loop_of_links_is_one_line(mini_copy: Path) -> None:
    loop = mini_copy / "claims" / "loop.yaml"
    loop.symlink_to(loop)
    with pytest.raises(LoadError, match=r"loop\.yaml: cannot read: Too many levels of symbolic links"):
        load_dataset(mini_copy)


def test_oversized_file_is_refused(mini_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.load.MAX_YAML_BYTES", 1000)
    with pytest.raises(LoadError, match=r"claims/mini\.yaml: larger than 0 MB: refused"):
        load_dataset(mini_copy)


def test_an_alias_bomb_is_refused_in_no_time(mini_copy: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(12)
    )
    (mini_copy / "claims" / "bomb.yaml").write_text(
        f"source: mini\nclaims: []\nx:\n  {bomb.replace(chr(10), chr(10) + '  ')}"
    )
    with pytest.raises(LoadError, match=r"bomb\.yaml:\d+: YAML anchors and aliases"):
        load_dataset(mini_copy)


def test_every_problem_of_a_run_is_reported(mini_copy: Path) -> None:
    _replace("claims/mini.yaml", "subjects: [acme-capital, widget-ai]", "subjects: [nobody, widget-ai]")(mini_copy)
    _replace("claims/mini.yaml", "    kind: comparison\n", "")(mini_copy)
    _replace("sources.yaml", "publisher: example-news", "publisher: no-such-news")(mini_copy)
    with pytest.raises(LoadErrors) as caught:
        load_dataset(mini_copy)
    messages = [p.problem for p in caught.value.problems]
    assert messages == ["unknown actor 'nobody'", "kind: Field required", "unknown publisher actor 'no-such-news'"]
    assert len(str(caught.value).splitlines()) == 3


def test_many_problems_are_capped(mini_copy: Path) -> None:
    claims = mini_copy / "claims" / "many.yaml"
    claims.write_text(
        "source: example-report\nclaims:\n"
        + "".join(
            f"  - {{id: c{i}, subjects: [x{i}], kind: fact, metric: m, evidence: {{page: '1'}},"
            f" quantity: {{value: '1', unit: count, text: '1'}}}}\n"
            for i in range(120)
        ),
        encoding="utf-8",
    )
    with pytest.raises(LoadErrors) as caught:
        load_dataset(mini_copy)
    lines = str(caught.value).splitlines()
    assert len(caught.value.problems) == 240  # an unknown actor and an unknown metric each
    assert len(lines) == MAX_ERRORS + 1 and lines[-1] == f"… and {240 - MAX_ERRORS} more problems"


def test_a_draft_brings_its_proposals_when_drafts_are_allowed(mini_copy: Path) -> None:
    (mini_copy / "claims" / "draft.yaml").write_text(
        """source: example-report
claims:
  - {id: owl-stake, subjects: [blue-owl], metric: ownership-stake, kind: fact, status: draft,
     evidence: {page: '3'}, quantity: {value: '80', unit: percent, text: 80%}}
proposed:
  actors: [{id: blue-owl, label: {en: Blue Owl Capital}, type: investor}]
  metrics: [{id: ownership-stake, label: {en: ownership stake}}]
  choices: {owl-stake: {kind: [fact, estimate]}}
""",
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match=r"draft\.yaml:\d+: is a draft \(it has proposals\)"):
        load_dataset(mini_copy)
    dataset = load_dataset(mini_copy, allow_drafts=True)
    assert "blue-owl" in {a.id for a in dataset.actors}
    assert "ownership-stake" in {m.id for m in dataset.vocabulary.metrics}


def test_two_drafts_may_propose_the_same_record(mini_copy: Path) -> None:
    for name in ("one", "two"):
        (mini_copy / "claims" / f"{name}.yaml").write_text(
            f"""source: example-report
claims:
  - {{id: {name}-stake, subjects: [blue-owl], metric: ownership-stake, kind: fact, status: draft,
     evidence: {{page: '3'}}, quantity: {{value: '80', unit: percent, text: 80%}}}}
proposed:
  actors: [{{id: blue-owl, label: {{en: Blue Owl Capital}}, type: investor}}]
  metrics: [{{id: ownership-stake, label: {{en: ownership stake}}}}]
""",
            encoding="utf-8",
        )
    dataset = load_dataset(mini_copy, allow_drafts=True)
    assert [a.id for a in dataset.actors].count("blue-owl") == 1
    (mini_copy / "claims" / "two.yaml").write_text(
        (mini_copy / "claims" / "two.yaml").read_text(encoding="utf-8").replace("Blue Owl Capital", "Blue Owl"),
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match="duplicate id 'blue-owl'"):
        load_dataset(mini_copy, allow_drafts=True)
