"""The console examples of README.md and docs/*.md print what the program prints.

Each part of a page (a page, cut at its ``docs-test: fresh`` markers) runs in its own sandbox;
the rules are in ``console_examples``. A difference fails with the normalised diff and the
program's whole output, ready to paste into the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from console_examples import (
    PAGES,
    REPO,
    Block,
    Command,
    PageRun,
    blocks,
    match,
    normalise,
    parts,
    run_part,
)

pytestmark = pytest.mark.sandbox

PARTS = [
    pytest.param(page, part, id=f"{page.name}#{n}")
    for page in PAGES
    for n, part in enumerate(parts(page), 1)
]


@pytest.mark.parametrize(("page", "part"), PARTS)
def test_console_examples_match_the_program(page: Path, part: list[Block], tmp_path: Path) -> None:
    """Every example of this part, run in order: its output is the page's, line for line."""
    failures = [
        f"{outcome.block.where}\n{failure}"
        for outcome in run_part(page, part, tmp_path)
        for failure in outcome.failures
    ]
    assert not failures, "\n\n".join(failures)


def test_every_cws_example_is_run_or_marked() -> None:
    """A console block with a `cws` command is run, or carries a skip marker with a reason."""
    runnable = {b.where for page in PAGES for part in parts(page) for b in part}
    for page in PAGES:
        for block in blocks(page):
            if block.runs_cws:
                assert block.where in runnable or block.skip, block.where
                assert block.skip != "no reason given", f"{block.where}: say why it is skipped"
    assert sum(len(parts(p)) for p in PAGES) >= 5


def test_the_examples_cover_the_pages_that_have_them() -> None:
    """The README, the quickstart, the lifecycle guide and the templates page have examples."""
    covered = {page.name for page in PAGES if parts(page)}
    assert {"README.md", "quickstart.md", "lifecycle.md", "templates.md"} <= covered


def lines(text: str, home: str | None = None) -> list[tuple[str, list[str]]]:
    """Normalised lines of ``text``."""
    return [normalise(line, str(REPO), home) for line in text.splitlines()]


def test_normalising_is_limited_to_what_varies() -> None:
    """Ids, dates, timings, call counts, addresses and table widths vary; words do not."""
    page = "ami-0123456789abcdef0 built on 2026-11-30 in 0.1 s (612 ms, 4 AWS calls) at 54.1.2.3"
    run = "ami-fedcba9876543210f built on 2027-01-02 in 1.4 s (3 ms, 0 AWS calls) at 3.4.5.6"
    assert match(lines(page), lines(run), {}) == {"ami-0123456789abcdef0": "ami-fedcba9876543210f"}
    assert match(lines("│ a     │ b │"), lines("│ a │ b        │"), {}) == {}
    assert match(lines("ready in: ~45s"), lines("ready in: ~46s"), {}) is None  # an estimate
    assert match(lines("ready in: ~345 s"), lines("ready in: ~405 s"), {}) is None
    assert match(lines("$2.00/month"), lines("$2.01/month"), {}) is None
    assert match(lines("opens 203.0.113.7/32"), lines("opens 203.0.113.8/32"), {}) is None


def test_ids_must_correspond_one_to_one() -> None:
    """The same id on the page is the same id in the output, and two ids stay two."""
    page = lines("ami-aaaaaaaaaaaaaaaaa\nami-aaaaaaaaaaaaaaaaa")
    assert match(page, lines("ami-bbbbbbbbbbbbbbbbb\nami-bbbbbbbbbbbbbbbbb"), {}) is not None
    assert match(page, lines("ami-bbbbbbbbbbbbbbbbb\nami-ccccccccccccccccc"), {}) is None
    two = lines("ami-aaaaaaaaaaaaaaaaa\nami-ddddddddddddddddd")
    assert match(two, lines("ami-bbbbbbbbbbbbbbbbb\nami-bbbbbbbbbbbbbbbbb"), {}) is None
    known = {"ami-aaaaaaaaaaaaaaaaa": "ami-eeeeeeeeeeeeeeeee"}
    assert match(page[:1], lines("ami-bbbbbbbbbbbbbbbbb"), known) is None


def test_ellipses() -> None:
    """`...` stands for any lines; a line ending in ` ...` for any line starting the same."""
    page = lines("head\n...\ntail ...")
    assert match(page, lines("head\ntail and more"), {}) == {}
    assert match(page, lines("head\n1\n2\ntall order"), {}) is None
    assert match(page, lines("head\n1\n2\ntail and more"), {}) == {}
    assert match(page, lines("head\n1"), {}) is None


def test_markers_skip_set_up_and_write_files(tmp_path: Path) -> None:
    """The markers a reader does not see: skip (with its reason), setup, file, fresh."""
    page = tmp_path / "page.md"
    page.write_text(
        "Intro.\n\n"
        "<!-- docs-test: skip needs real AWS -->\n"
        "```console\n$ cws ami list\n```\n\n"
        "<!-- docs-test: setup\n$ cws --sandbox launch t w\nw is running: i-0123456789abcdef0 ...\n-->\n"
        "<!-- docs-test: file $CWS_HOME/config/templates/t.yml -->\n"
        "```yaml\nname: T\n```\n"
        "<!-- docs-test: fresh -->\n"
        "```console\n$ cws --sandbox list\n...\n```\n",
        encoding="utf-8",
    )
    found = blocks(page)
    assert [b.skip for b in found if b.commands and not b.setup][0] == "needs real AWS"
    setup = next(b for b in found if b.setup)
    assert setup.commands == [
        Command("cws --sandbox launch t w", ["w is running: i-0123456789abcdef0 ..."])
    ]
    assert next(b for b in found if b.file).file == (
        "$CWS_HOME/config/templates/t.yml",
        "name: T\n",
    )
    assert [len(part) for part in parts(page)] == [3, 1]  # cut at the fresh marker


def test_a_marker_far_from_its_block_is_an_error(tmp_path: Path) -> None:
    """A skip marker followed by prose is a mistake, reported rather than ignored."""
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- docs-test: skip why -->\nSome prose.\n```console\n$ cws x\n```\n", encoding="utf-8"
    )
    with pytest.raises(AssertionError, match="right before its block"):
        blocks(page)


def test_an_indented_setup_marker_is_read_like_any_other(tmp_path: Path) -> None:
    """A setup marker in a list item is indented: each `$` line is a command of its own."""
    page = tmp_path / "page.md"
    page.write_text(
        "- An item:\n\n"
        "  <!-- docs-test: setup\n"
        "  $ cws --sandbox launch t w\n"
        "  w is running: i-0123456789abcdef0 ...\n"
        "  $ cws --sandbox ami create t w\n"
        "  -->\n"
        "  ```console\n  $ cws --sandbox list\n  ...\n  ```\n",
        encoding="utf-8",
    )
    setup = next(b for b in blocks(page) if b.setup)
    assert setup.commands == [
        Command("cws --sandbox launch t w", ["w is running: i-0123456789abcdef0 ..."]),
        Command("cws --sandbox ami create t w"),
    ]


def test_a_cd_with_a_comment_still_changes_the_folder(tmp_path: Path) -> None:
    """`$ cd DIR   # why` is how a page explains a cd; the comment must not swallow it."""
    runner = PageRun(REPO / "README.md", tmp_path)
    (runner.work / "sub").mkdir()
    assert runner.run("cd sub      # a comment") == ""
    assert runner.last_code == 0 and runner.work.name == "sub"
    runner.run("cd nowhere   # a comment")
    assert runner.last_code != 0 and runner.work.name == "sub"


def test_the_page_shows_the_checkout_only_as_the_documented_folder() -> None:
    """A page line holding the real checkout's path is not taken for the documented one."""
    from console_examples import DOC_CHECKOUT

    real = "/srv/somewhere/cws-jupyter"
    program = [normalise(f"from: {real}/templates/x.yml", real, None)]
    documented = [normalise(f"from: {DOC_CHECKOUT}/templates/x.yml", DOC_CHECKOUT, None)]
    pasted = [normalise(f"from: {real}/templates/x.yml", DOC_CHECKOUT, None)]
    assert match(documented, program, {}) == {}
    assert match(pasted, program, {}) is None
