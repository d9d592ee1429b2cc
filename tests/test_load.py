"""kg.load: a good dataset loads; each kind of bad input gives one line naming file, line, claim."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.load import LoadError, load_dataset
from tests.conftest import MINI


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
]


@pytest.mark.parametrize(("edit", "message"), BAD_INPUTS)
def test_bad_input(mini_copy: Path, edit: Callable[[Path], None], message: str) -> None:
    edit(mini_copy)
    with pytest.raises(LoadError) as caught:
        load_dataset(mini_copy)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(str(mini_copy))
    assert __import__("re").search(message, text), text


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
    before = (build_dir / "graph.nt").read_bytes()
    edit(mini_copy)
    result = runner.invoke(app, ["build", "--data", str(mini_copy), "--build", str(build_dir)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert (build_dir / "graph.nt").read_bytes() == before
    assert sorted(p.name for p in build_dir.parent.iterdir()) == ["build", "data"]


def test_the_project_data_loads_and_every_file_was_collected(article) -> None:  # type: ignore[no-untyped-def]
    from kg.load import DEFAULT_DATA

    claim_files = sorted(p.stem for p in (DEFAULT_DATA / "claims").glob("*.yaml"))
    assert len(claim_files) == 8
    assert sorted(f.source for f in article.claims_files) == claim_files
    assert sorted(p.name for p in (DEFAULT_DATA / "sources").glob("*.txt")) == ["article-zh.txt"]
    assert len(article.texts["article-zh"]) == 4078
    counts = {
        "claims": len(article.claims()),
        "article figures": sum(1 for s, c in article.claims() if s == "article-zh" and c.quantity),
        "flows": sum(1 for _, c in article.claims() if c.flow),
        "actors": len(article.actors),
        "sources": len(article.sources),
    }
    assert counts == {"claims": 111, "article figures": 62, "flows": 28, "actors": 59, "sources": 10}
