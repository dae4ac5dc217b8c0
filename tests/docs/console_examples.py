"""The console examples of README.md and docs/*.md, run and compared with what they show.

A ```` ```console ```` block is an example when it has a ``$ cws ...`` command (blocks of only
``curl`` or ``jupyter`` commands are the REST API's and are not run here). Its commands run in
order, in ``bash``, against a private sandbox: one fresh ``CWS_HOME`` per page, so later
examples of a page see what earlier ones made. ``$ echo $?`` prints the previous command's exit
code, and ``$ cd DIR`` changes the folder the next commands run in. Output is stdout and stderr together, on a terminal 150 columns wide.

Markers, in HTML comments a reader does not see, just before a block:

- ``<!-- docs-test: skip REASON -->``: the block is not run (real AWS, Ctrl-C, injected faults);
- ``<!-- docs-test: setup`` then ``$ command`` lines, then ``-->``: commands run (and must
  succeed) where the marker is: the state the next examples start from. Output lines under a
  command are checked like an example's (usually one line ending in `` ...``, to learn an id
  that later examples show); without any, the output is not checked;
- ``<!-- docs-test: file PATH -->`` before a ```` ```yaml ```` block: the block is written to
  PATH (``$CWS_HOME`` expanded) when the page reaches it; with lines after PATH in the
  marker, those lines are the file (for a file the page does not show there);
- ``<!-- docs-test: fresh -->``: from here on, a new ``CWS_HOME`` and sandbox, ids forgotten
  (for a section whose examples need a state of their own).

In an example's output, a line ``...`` stands for any number of lines, and a line ending in
`` ...`` for any line that starts with what comes before it. Everything else must match after
these normalisations, and only these (what legitimately differs from run to run):

- trailing spaces, and the width of table columns and rules (runs of spaces, runs of ``━``/``─``);
- AWS ids (``ami-``, ``i-``, ``snap-``, ``sg-``, ``vol-``), community registry ids (``cami-``,
  new with every sandbox) and 32-digit job ids, which must
  correspond one to one across the page (a later command may use an id an earlier one printed);
- dates and times of day, measured durations (``612 ms``, ``0.7 s``; not estimates such as
  ``~405 s``), AWS call counts, IPv4 addresses, the sandbox's port;
- the folders: ``CWS_HOME`` is shown as a ``mktemp -d`` folder (``/tmp/tmp.XXXXXXXXXX``), the
  checkout as ``/home/you/cws-jupyter``.

``python tests/docs/console_examples.py docs/quickstart.md`` prints what each example of a page
prints now, to update the page after a change.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
COLUMNS = 150
DOC_CHECKOUT = "/home/you/cws-jupyter"
DOC_HOME = re.compile(r"/tmp/tmp\.[A-Za-z0-9]{10}")
MARKER = re.compile(r"<!--\s*docs-test:\s*(?P<kind>skip|setup|file|fresh)\b(?P<body>.*?)-->", re.S)
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[ \t]*$")

ID = re.compile(r"\b(?:(?:cami|ami|i|snap|sg|vol)-[0-9a-f]{8,17}|[0-9a-f]{32})\b")
#: (pattern, replacement), applied in order to both sides after the ids are taken out.
NORMALISE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)?"), "<date>"),
    (re.compile(r"\b20\d{6}(?:-\d{6})?\b"), "<date>"),
    (re.compile(r"\b\d{2}:\d{2}:\d{2}\b"), "<time>"),
    (re.compile(r"\b\d+ ms\b"), "<n> ms"),
    (re.compile(r"(?<!~)\b\d+(?:\.\d+)? s\b"), "<n> s"),  # not an estimate (``~405 s``)
    (re.compile(r"AWS calls: \d+|\d+ AWS calls"), "<n> AWS calls"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<port>"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b(?!/)"), "<ip>"),
    (re.compile(r"[━─]+"), "─"),
    (re.compile(r" +"), " "),
]
ELLIPSIS = "..."


@dataclass
class Command:
    """One ``$`` command of an example and the output shown under it."""

    line: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A console block (or a hidden setup, or a file to write) at a line of a page."""

    page: Path
    line: int
    commands: list[Command] = field(default_factory=list)
    skip: str | None = None
    setup: bool = False
    file: tuple[str, str] | None = None
    fresh: bool = False

    @property
    def runs_cws(self) -> bool:
        """True when the block has a ``cws`` command (an example of this harness)."""
        return any(re.match(r"(?:\w+=\S+ )*cws\b", c.line) for c in self.commands)

    @property
    def where(self) -> str:
        """``docs/quickstart.md:49``."""
        return f"{self.page.relative_to(REPO)}:{self.line}"


def parse_commands(lines: list[str]) -> list[Command]:
    """``$ cmd`` lines (``\\`` continues a command) and the output lines under each."""
    commands: list[Command] = []
    pending: str | None = None
    for raw in lines:
        if pending is not None:
            pending += "\n" + raw
            if not raw.endswith("\\"):
                commands.append(Command(pending))
                pending = None
            continue
        if raw.startswith("$ "):
            text = raw[2:]
            if text.endswith("\\"):
                pending = text
            else:
                commands.append(Command(text))
        elif commands:
            commands[-1].expected.append(raw)
    return commands


def blocks(page: Path) -> list[Block]:
    """The console blocks, hidden setups and files of a page, in order.

    A ``skip`` or ``file`` marker belongs to the block right after it (blank lines between
    are fine); a marker followed by anything else is an error, never silently ignored.
    """
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    skip: str | None = None
    file: str | None = None
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if stripped.startswith("<!--") and "docs-test:" in stripped:
            end = i
            while "-->" not in lines[end]:
                end += 1
            marker = MARKER.search("\n".join(lines[i : end + 1]))
            assert marker, f"{page}:{i + 1}: unreadable docs-test marker"
            kind, body = marker["kind"], marker["body"].strip()
            if kind == "setup":
                # a marker in a list item is indented like the item
                setup = textwrap.dedent(marker["body"]).strip("\n")
                found.append(Block(page, i + 1, parse_commands(setup.splitlines()), setup=True))
            elif kind == "fresh":
                found.append(Block(page, i + 1, fresh=True))
            elif kind == "skip":
                skip = body or "no reason given"
            else:
                path, _, content = marker["body"].strip("\n").partition("\n")
                if content.strip():
                    text = textwrap.dedent(content).strip("\n") + "\n"
                    found.append(Block(page, i + 1, file=(path.strip(), text)))
                else:
                    file = path.strip()
            i = end + 1
            continue
        fence = FENCE.match(lines[i])
        if fence and fence["lang"]:
            indent, lang = fence["indent"], fence["lang"]
            body_lines: list[str] = []
            j = i + 1
            while not lines[j].strip().startswith("```"):
                line = lines[j]
                body_lines.append(line[len(indent) :] if line.startswith(indent) else line)
                j += 1
            if lang == "console":
                found.append(Block(page, i + 1, parse_commands(body_lines), skip=skip))
            elif file is not None:
                found.append(Block(page, i + 1, file=(file, "\n".join(body_lines) + "\n")))
            assert file is None or lang != "console", f"{page}:{i + 1}: a file marker on console"
            skip = file = None
            i = j + 1
            continue
        assert not (stripped and (skip or file)), (
            f"{page}:{i + 1}: a docs-test marker must come right before its block"
        )
        i += 1
    return found


def examples(page: Path) -> list[Block]:
    """The blocks this harness runs or writes on a page (skipped ones included, marked)."""
    return [b for b in blocks(page) if b.setup or b.file or b.fresh or b.runs_cws]


# -- normalising and matching -------------------------------------------------------------------
def normalise(line: str, checkout: str, home: str | None) -> tuple[str, list[str]]:
    """A line as compared: ids taken out (returned in order), the rest normalised."""
    text = line.rstrip()
    if home:
        text = text.replace(home, "<home>")
    text = DOC_HOME.sub("<home>", text).replace(checkout, "<checkout>")
    text = text.replace(DOC_CHECKOUT, "<checkout>")
    ids = ID.findall(text)
    text = ID.sub("<id>", text)
    for pattern, replacement in NORMALISE:
        text = pattern.sub(replacement, text)
    return text.strip() if text.strip() in ("", ELLIPSIS) else text.rstrip(), ids


def _unify(
    doc_ids: list[str], real_ids: list[str], mapping: dict[str, str]
) -> dict[str, str] | None:
    """The mapping extended with these pairs, or None if an id would map to two."""
    if len(doc_ids) != len(real_ids):
        return None
    new = dict(mapping)
    taken = {v: k for k, v in new.items()}
    for doc, real in zip(doc_ids, real_ids, strict=True):
        if new.get(doc, real) != real or taken.get(real, doc) != doc:
            return None
        new[doc], taken[real] = real, doc
    return new


def match(
    expected: list[tuple[str, list[str]]],
    actual: list[tuple[str, list[str]]],
    mapping: dict[str, str],
) -> dict[str, str] | None:
    """The id mapping under which ``expected`` (with its ellipses) matches ``actual``, or None."""

    def go(e: int, a: int, ids: dict[str, str]) -> dict[str, str] | None:
        if e == len(expected):
            return ids if a == len(actual) else None
        text, doc_ids = expected[e]
        if text == ELLIPSIS:
            for skip_to in range(a, len(actual) + 1):
                found = go(e + 1, skip_to, ids)
                if found is not None:
                    return found
            return None
        if a == len(actual):
            return None
        real_text, real_ids = actual[a]
        if text.endswith(" " + ELLIPSIS):
            prefix = text[: -len(ELLIPSIS)].rstrip()
            if not real_text.startswith(prefix):
                return None
            kept = _unify(doc_ids, real_ids[: len(doc_ids)], ids)
        elif text == real_text:
            kept = _unify(doc_ids, real_ids, ids)
        else:
            return None
        return None if kept is None else go(e + 1, a + 1, kept)

    return go(0, 0, mapping)


# -- running ------------------------------------------------------------------------------------
def environment(home: Path) -> dict[str, str]:
    """A user with no AWS credentials or settings, this checkout's ``cws`` first on the PATH."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "CWS_")) and k.lower() not in ("http_proxy", "https_proxy")
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(home / "user"),
        CWS_HOME=str(home / "cws"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(home / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-aws-credentials"),
        COLUMNS=str(COLUMNS),
        LINES="50",
        PYTHONUNBUFFERED="1",
        NO_COLOR="1",
    )
    env.pop("FORCE_COLOR", None)
    return env


@dataclass
class Outcome:
    """What running one example gave."""

    block: Block
    failures: list[str] = field(default_factory=list)


class PageRun:
    """The examples of one page, run in order in a fresh ``CWS_HOME``."""

    def __init__(self, page: Path, root: Path) -> None:
        """Run in ``root`` (a fresh folder)."""
        self.page = page
        self.root = root
        self.homes = 0
        self.ids: dict[str, str] = {}
        self.last_code = 0
        self.env: dict[str, str] = {}
        self.work = root / "work"
        self.work.mkdir(parents=True, exist_ok=True)
        self.fresh_home()

    def fresh_home(self) -> None:
        """A new CWS_HOME (and so a new sandbox when one is needed); ids forgotten."""
        if self.env:
            self.stop()
        self.work = self.root / "work"
        self.homes += 1
        home = self.root / f"home-{self.homes}"
        self.env = environment(home)
        for folder in (home / "user", home / "cws"):
            folder.mkdir(parents=True, exist_ok=True)
        self.ids = {}

    def run(self, command: str) -> str:
        """One command: its output (stdout and stderr, as a terminal shows them)."""
        if command.strip() == "echo $?":
            return f"{self.last_code}\n"
        if command.startswith("cd "):  # the folder later commands run in, as in a shell
            done = subprocess.run(
                ["bash", "-ec", f"{command}\npwd"],  # a new line: a `# comment` may end it
                cwd=self.work,
                env=self.env,
                capture_output=True,
                text=True,
            )
            self.last_code = done.returncode
            if done.returncode == 0:
                self.work = Path(done.stdout.strip().splitlines()[-1])
            return done.stderr
        for doc_id, real_id in sorted(self.ids.items(), key=lambda kv: -len(kv[0])):
            command = re.sub(rf"\b{re.escape(doc_id)}\b", real_id, command)
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=self.work,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
        )
        self.last_code = done.returncode
        return done.stdout

    def example(self, block: Block) -> Outcome:
        """Run a block's commands; compare each output with what the page shows."""
        outcome = Outcome(block)
        if block.fresh:
            self.fresh_home()
            return outcome
        if block.file is not None:
            path = Path(block.file[0].replace("$CWS_HOME", self.env["CWS_HOME"]))
            target = path if path.is_absolute() else self.work / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.file[1], encoding="utf-8")
            return outcome
        for command in block.commands:
            output = self.run(command.line)
            if block.setup and self.last_code != 0:
                outcome.failures.append(f"setup `{command.line}` failed:\n{output}")
                continue
            if block.setup and not command.expected:
                continue
            failure = self.compare(command, output)
            if failure:
                outcome.failures.append(failure)
        return outcome

    def compare(self, command: Command, output: str) -> str | None:
        """None when the output matches the page, else a readable diff."""
        home = self.env["CWS_HOME"]
        checkout = str(REPO)
        expected_lines = list(command.expected)
        while expected_lines and not expected_lines[-1].strip():
            expected_lines.pop()
        actual_lines = output.rstrip("\n").splitlines() if output.strip() else []
        # The page shows the checkout only as DOC_CHECKOUT: a page pasted from a developer's own
        # folder must fail on every machine, not only where the checkout lives elsewhere.
        expected = [normalise(line, DOC_CHECKOUT, None) for line in expected_lines]
        actual = [normalise(line, checkout, home) for line in actual_lines]
        found = match(expected, actual, self.ids)
        if found is not None:
            self.ids = found
            return None
        diff = difflib.unified_diff(
            [t for t, _ in expected], [t for t, _ in actual], "page", "program", lineterm="", n=2
        )
        return (
            f"$ {command.line}\n--- normalised difference:\n"
            + "\n".join(diff)
            + "\n--- the program printed:\n"
            + output
        )

    def guess_ids(self, command: Command, output: str) -> None:
        """After a mismatch (when updating a page): pair the new ids shown with the new ids
        printed, kind by kind in order of appearance, so later commands find what they name."""
        shown = list(dict.fromkeys(ID.findall("\n".join(command.expected))))
        printed = list(dict.fromkeys(ID.findall(output)))
        known = set(self.ids.values())
        for doc_id in shown:
            if doc_id in printed and doc_id not in self.ids:
                self.ids[doc_id] = doc_id  # a fixed id (the sandbox's own images)
        kind = lambda i: i.split("-")[0] if "-" in i else "job"  # noqa: E731
        for doc_id in shown:
            if doc_id in self.ids:
                continue
            free = [
                i
                for i in printed
                if kind(i) == kind(doc_id) and i not in known and i not in self.ids.values()
            ]
            if free:
                self.ids[doc_id] = free[0]

    def stop(self) -> None:
        """Stop the current home's sandbox."""
        self.run("cws --sandbox sandbox stop")


def parts(page: Path) -> list[list[Block]]:
    """A page's examples cut at its ``fresh`` markers: parts that share no state, so each can
    run on its own (and all at once)."""
    found: list[list[Block]] = [[]]
    for block in examples(page):
        if block.fresh:
            found.append([])
        else:
            found[-1].append(block)
    return [part for part in found if any(b.runs_cws and b.skip is None for b in part)]


def run_part(page: Path, part: list[Block], root: Path) -> list[Outcome]:
    """The examples of one part of a page, in order, in a fresh ``CWS_HOME`` (skipped examples
    are not run)."""
    runner = PageRun(page, root)
    outcomes = []
    try:
        for block in part:
            if block.skip is None:
                outcomes.append(runner.example(block))
    finally:
        runner.stop()
    return outcomes


def main(argv: list[str]) -> int:
    """Print what each example of the pages named prints now (to update them)."""
    for name in argv or [str(p) for p in PAGES]:
        page = Path(name).resolve()
        root = Path(tempfile.mkdtemp(prefix="cws-docs-"))
        runner = PageRun(page, root)
        try:
            for block in examples(page):
                print(f"==== {block.where}" + (f" (skipped: {block.skip})" if block.skip else ""))
                if block.skip is not None:
                    continue
                if block.file is not None or block.fresh:
                    runner.example(block)
                    continue
                for command in block.commands:
                    started = time.monotonic()
                    output = runner.run(command.line)
                    took = time.monotonic() - started
                    print(f"$ {command.line}\n{output}", end="" if output.endswith("\n") else "\n")
                    print(f"#### ({took:.1f} s)", file=sys.stderr)
                    if (command.expected or not block.setup) and runner.compare(command, output):
                        runner.guess_ids(command, output)
        finally:
            runner.stop()
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
