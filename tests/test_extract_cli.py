"""The `kg extract` command: a draft written safely beside its text, built as it is, bad input in one line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kg.cli import app
from kg.figures import FIGURE_FIELDS
from kg.load import DEFAULT_DATA
from kg.models import ClaimsFile
from tests.conftest import MINI

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ENGLISH = FIXTURES / "article-en.txt"
ARTICLE = DEFAULT_DATA / "sources" / "article-zh.txt"
CURATED = DEFAULT_DATA / "claims" / "article-zh.yaml"


def test_extract_draft_build_round_trip(runner: CliRunner, mini_copy: Path, tmp_path: Path) -> None:
    data, build, staging = str(mini_copy), str(tmp_path / "build"), tmp_path / "drafts"
    made = runner.invoke(
        app, ["extract", str(ENGLISH), "--data", data, "--source-id", "news-en", "-o", str(staging / "news-en.yaml")]
    )
    assert made.exit_code == 0, made.output
    assert "wrote 2" in made.output and "draft claims" in made.output and "news-en.txt" in made.output
    draft_file = (staging / "news-en.yaml").read_text(encoding="utf-8")
    assert (staging / "news-en.txt").read_bytes() == ENGLISH.read_bytes()
    loaded = ClaimsFile.model_validate(yaml.safe_load(draft_file))
    assert sum(1 for c in loaded.claims if c.quantity) == 20 and {c.status for c in loaded.claims} == {"draft"}
    assert loaded.proposed is not None and loaded.proposed.source is not None
    assert loaded.proposed.source.text == "news-en.txt" and loaded.proposed.source.date is not None

    # the reviewer's files go where the draft says: the claims to claims/, the text to sources/
    shutil.copyfile(staging / "news-en.yaml", mini_copy / "claims" / "news-en.yaml")
    shutil.copyfile(staging / "news-en.txt", mini_copy / "sources" / "news-en.txt")
    refused = runner.invoke(app, ["build", "--data", data, "--build", build])
    assert refused.exit_code == 2
    assert "news-en.yaml" in refused.output and "review it" in refused.output

    built = runner.invoke(app, ["build", "--data", data, "--build", build, "--allow-drafts"])
    assert built.exit_code == 0, built.output
    assert re.search(r"built \d+ claims \(\d+ figures, \d+ funding flows", built.output)

    # the graph holds exactly what `kg extract --format json` says
    listed = runner.invoke(app, ["figures", "--format", "json", "--data", data, "--build", build])
    in_graph = sorted((r for r in json.loads(listed.output) if r["source"] == "news-en"), key=lambda r: r["id"])
    as_json = runner.invoke(
        app, ["extract", str(ENGLISH), "--data", data, "--source-id", "news-en", "--format", "json"]
    )
    assert as_json.exit_code == 0, as_json.output
    extracted = sorted(json.loads(as_json.output), key=lambda r: r["id"])
    assert len(in_graph) == 20 and in_graph == extracted


def test_json_from_standard_input_has_the_keys_of_kg_figures(runner: CliRunner) -> None:
    text = "Acme Capital raised $2.5 billion in 2024, more than 40% of it from Widget AI."
    result = runner.invoke(app, ["extract", "-", "--lang", "en", "--format", "json", "--data", str(MINI)], input=text)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [r["text"] for r in found] == ["$2.5 billion", "40%"]
    assert all(list(r) == list(FIGURE_FIELDS) for r in found)
    assert found[1]["hedge"] == "more than" and found[1]["source"] == "new-article"
    assert found[0]["subjects"] == ["acme-capital"] and (found[1]["min"], found[1]["max"]) == ("40", None)


@pytest.mark.parametrize(
    ("arguments", "content", "message"),
    [
        pytest.param(["missing.txt"], None, "missing.txt: file not found", id="missing-file"),
        pytest.param(["article.txt"], b"\xff\xfe\x00A", "not UTF-8 (invalid start byte at byte 0)", id="not-utf-8"),
        pytest.param(["article.txt", "--published", "2025-13-01"], b"x", "'2025-13-01' is not a date", id="bad-date"),
        pytest.param(
            ["article.txt", "--source-id", "Not A Slug", "--published", "2025-01-01"],
            b"It cost $5 billion.",
            "is not a slug",
            id="bad-source-id",
        ),
        pytest.param(
            ["article.txt", "--against", "missing.yaml"], b"x", "missing.yaml: file not found", id="missing-claims"
        ),
        pytest.param(["article.txt"], b"1.1.1.1.", "article.txt: no figure found", id="section-numbers"),
        pytest.param(["article.txt"], b"", "article.txt: no figure found", id="empty"),
        pytest.param(["article.txt"], b"It cost $5 billion.", "article.txt: no publication date", id="no-date"),
        pytest.param(["."], None, ".: is a folder", id="folder-as-input"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    content: bytes | None,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    if content is not None:
        Path("article.txt").write_bytes(content)
    result = runner.invoke(app, ["extract", *arguments, "--data", str(MINI)])
    assert result.exit_code == 2, result.output
    assert message in result.output and result.output.count("\n") == 1, result.output


# -- -o never loses a user's file


def extract_to(runner: CliRunner, output: Path, *more: str) -> tuple[int, str]:
    result = runner.invoke(app, ["extract", str(ENGLISH), "--data", str(MINI), "-o", str(output), *more])
    return result.exit_code, result.output


def test_output_naming_a_folder_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    code, output = extract_to(runner, tmp_path)
    assert code == 2 and "is a folder" in output and output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_output_keeps_a_reviewed_claims_file(runner: CliRunner, tmp_path: Path) -> None:
    reviewed = tmp_path / "article-zh.yaml"
    shutil.copyfile(CURATED, reviewed)
    before = reviewed.read_bytes()
    code, output = extract_to(runner, reviewed)
    assert code == 2 and "is not a kg draft" in output and "--force" in output
    assert reviewed.read_bytes() == before
    code, output = extract_to(runner, reviewed, "--force")
    assert code == 0, output
    assert reviewed.read_bytes() != before


def test_output_replaces_an_earlier_draft(runner: CliRunner, tmp_path: Path) -> None:
    draft = tmp_path / "news.yaml"
    assert extract_to(runner, draft)[0] == 0
    first = draft.read_bytes()
    code, output = extract_to(runner, draft)  # a draft, and its text identical byte for byte: both fine
    assert code == 0, output
    assert draft.read_bytes() == first


def test_output_keeps_a_different_text_beside_it(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "article-en.txt").write_text("another article", encoding="utf-8")
    code, output = extract_to(runner, tmp_path / "article-en.yaml")
    assert code == 2 and "article-en.txt: exists with other content" in output
    assert (tmp_path / "article-en.txt").read_text(encoding="utf-8") == "another article"
    assert not (tmp_path / "article-en.yaml").exists()


def test_against_prints_every_field(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(ARTICLE), "--against", str(CURATED)])
    assert result.exit_code == 0, result.output
    found = re.search(r"found +([\d.]+) %", result.output)
    assert found and float(found[1]) >= 95
    for field in ("value+unit", "period", "kind", "subject", "attribution", "metric", "flows"):
        assert re.search(rf"^{re.escape(field)} +[\d.]+ %", result.output, re.MULTILINE), field


def test_against_a_labelled_fixture(runner: CliRunner) -> None:
    article = FIXTURES / "real" / "bigtech-capex-en.txt"
    expected = FIXTURES / "real" / "bigtech-capex-en.expected.yaml"
    result = runner.invoke(app, ["extract", str(article), "--against", str(expected)])
    assert result.exit_code == 0, result.output
    assert "18 expected figures" in result.output and "with both ends right" in result.output


def test_claims_of_another_text_are_refused(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(ENGLISH), "--against", str(CURATED)])
    assert result.exit_code == 2 and "are the claims of another text?" in result.output
    assert result.output.count("\n") == 1
