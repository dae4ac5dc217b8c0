"""Find, read, inherit and validate template files from the template search path."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from ..errors import NotFound, TemplateError
from ..yamlio import MAX_DEPTH, NestedTooDeep, load_yaml
from .inheritance import merge
from .models import Template
from .problems import describe_validation_error, describe_yaml_error, drop_keys

SUFFIXES = (".yml", ".yaml")
MAX_FILE_BYTES = 1_000_000
#: Values (mapping keys, list items, scalars) one document may expand to, aliases included.
MAX_VALUES = 200_000


def shipped_templates_dir() -> Path:
    """The templates that ship with cws-jupyter (the wheel's copy, or the source tree's)."""
    packaged = resources.files("cws_jupyter") / "_shipped_templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "templates"


def slugify(text: str) -> str:
    """``'Rocky Linux 9 Base'`` -> ``rocky-linux-9-base``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "template"


class LoadedTemplate(BaseModel):
    """A template that loaded, with where it came from and the warnings it produced."""

    template: Template
    path: str
    warnings: list[str] = Field(default_factory=list)


class TemplateCheck(BaseModel):
    """The outcome of validating one file: ``ok`` unless it has errors (warnings are fine)."""

    path: str
    slug: str | None = None
    name: str | None = None
    ok: bool
    errors: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


@dataclass
class _Document:
    """A parsed YAML file, before inheritance and validation."""

    origin: str
    data: dict[str, Any]
    slug: str
    name: str
    warnings: list[str] = field(default_factory=list)


def parse_document(text: str | bytes, origin: str, default_slug: str | None = None) -> _Document:
    """Parse one template document; any failure is a ``TemplateError`` naming the file."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateError(
                f"{origin}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
    if len(text) > MAX_FILE_BYTES:
        raise TemplateError(
            f"{origin}: larger than {MAX_FILE_BYTES} characters; is it really a template?"
        )
    try:
        data = load_yaml(text, MAX_DEPTH)
    except NestedTooDeep as exc:
        mark = exc.problem_mark
        raise TemplateError(
            f"{origin}:{mark.line + 1}:{mark.column + 1}: the YAML is nested more than "
            f"{MAX_DEPTH} levels deep; a template needs only a few"
        ) from None
    except yaml.YAMLError as exc:
        raise TemplateError(describe_yaml_error(origin, exc)) from None
    except RecursionError:
        raise TemplateError(f"{origin}: YAML could not be read: it is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - PyYAML's constructors can fail in odd ways on odd
        # input (`!!timestamp ` with no value raises AttributeError, bad dates ValueError).
        problem = f"{type(exc).__name__}: {exc}"
        raise TemplateError(f"{origin}: YAML could not be read: {problem}") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise TemplateError(
            f"{origin}: a template must be a YAML mapping of fields, but this is {kind}"
        )
    _check_size(data, origin)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TemplateError(
            f"{origin}: field 'name': every template needs a display name (a non-empty string)",
            field="name",
        )
    slug = data.get("slug") if isinstance(data.get("slug"), str) and data.get("slug") else None
    return _Document(origin, data, slug or default_slug or slugify(name), name)


def _check_size(data: Any, origin: str) -> None:
    """Refuse alias tricks: a YAML alias that contains itself, or aliases of aliases that expand
    to far more values than the file holds (each would hang or break later copying and JSON)."""
    budget = MAX_VALUES
    stack: list[tuple[Any, frozenset[int]]] = [(data, frozenset())]
    while stack:
        node, ancestors = stack.pop()
        budget -= 1
        if budget < 0:
            raise TemplateError(
                f"{origin}: the YAML expands to more than {MAX_VALUES} values "
                "(aliases of aliases?); a template is much smaller than that"
            )
        if isinstance(node, (dict, list)):
            if id(node) in ancestors:
                raise TemplateError(
                    f"{origin}: a YAML alias refers to itself (a recursive &anchor)"
                )
            inner = ancestors | {id(node)}
            children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((child, inner) for child in children)


def read_document(path: Path) -> _Document:
    """Read and parse one template file."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise TemplateError(
                f"{path}: larger than {MAX_FILE_BYTES} bytes; is it really a template?"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return parse_document(raw, str(path), default_slug=slugify(path.stem))


def validate_document(doc: _Document, data: dict[str, Any]) -> LoadedTemplate:
    """Validate a (merged) document; unknown keys become warnings, everything else an error."""
    data = dict(data)
    data["slug"] = doc.slug
    warnings = list(doc.warnings)
    for _ in range(2):
        try:
            template = Template.model_validate(data)
            warnings += [f"{doc.origin}: {advice}" for advice in template_advice(template)]
            return LoadedTemplate(template=template, path=doc.origin, warnings=warnings)
        except ValidationError as exc:
            problems, unknown = describe_validation_error(doc.origin, exc)
            warnings += [
                f"{doc.origin}: unknown key '{_dotted(loc)}' is ignored" for loc in unknown
            ]
            if problems:
                raise TemplateError(
                    f"{doc.origin}: template '{doc.name}' has {len(problems)} error(s)",
                    problems=problems,
                ) from None
            data = copy.deepcopy(data)
            drop_keys(data, unknown)
    raise TemplateError(f"{doc.origin}: template '{doc.name}' could not be validated")


def template_advice(template: Template) -> list[str]:
    """Valid but risky settings, worth a warning at load time."""
    advice: list[str] = []
    search = template.ami_config.ami_search if template.ami_config else None
    if search is not None and not search.all_owners():
        advice.append(
            "field 'ami_config.ami_search': no owner, so the search will be refused (anyone can "
            "publish a look-alike image: AMI squatting, CVE-2018-15869); add `owner:` "
            "(e.g. 099720109477 for Canonical, 137112412989 for Amazon, or self)"
        )
    return advice


def _dotted(loc: tuple) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")


class TemplateLibrary:
    """Every template on the search path: CWS_TEMPLATE_PATH first, then the user's, then shipped."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = [Path(f) for f in folders]
        self._docs: dict[str, _Document] | None = None
        self._seen: tuple[tuple[str, int, int, int], ...] = ()
        self.shadowed: list[str] = []
        self.unreadable: list[tuple[Path, TemplateError]] = []

    @classmethod
    def from_settings(cls, settings: Any) -> TemplateLibrary:
        """The standard search path for these settings."""
        folders = [*settings.template_path, settings.user_template_dir, shipped_templates_dir()]
        return cls(folders)

    # -- discovery ----------------------------------------------------------------
    def _documents(self) -> dict[str, _Document]:
        """The documents on the path, read again when a file was added, removed or changed
        (a long-lived Jupyter server sees templates written by `cws migrate` or an editor)."""
        paths = [path for folder in self.folders for path in _template_files(folder)]
        seen = tuple(_stamp(path) for path in paths)
        if self._docs is None or seen != self._seen:
            self._seen = seen
            self.shadowed, self.unreadable = [], []
            docs: dict[str, _Document] = {}
            for path in paths:
                try:
                    doc = read_document(path)
                except TemplateError as exc:
                    self.unreadable.append((path, exc))
                    continue
                if doc.slug in docs:
                    self.shadowed.append(f"{path} is shadowed by {docs[doc.slug].origin}")
                    continue
                docs[doc.slug] = doc
            self._docs = docs
        return self._docs

    def _find_document(
        self, ref: str, extra: dict[str, _Document] | None = None
    ) -> _Document | None:
        pool = {**self._documents(), **(extra or {})}
        if ref in pool:
            return pool[ref]
        wanted = ref.strip().lower()
        for doc in pool.values():
            if doc.name.strip().lower() == wanted or doc.slug == slugify(ref):
                return doc
        return None

    def slugs(self) -> list[str]:
        """Every template slug on the search path, sorted."""
        return sorted(self._documents())

    # -- loading ------------------------------------------------------------------
    def get(self, ref: str) -> LoadedTemplate:
        """Load a template by slug or display name, with inheritance applied."""
        doc = self._find_document(ref)
        if doc is None:
            for path, error in self.unreadable:  # the file is there but broken: say why
                if slugify(path.stem) == slugify(ref):
                    raise error
            known = ", ".join(self.slugs()) or "none"
            raise NotFound(
                f"no template named '{ref}' (known templates: {known})", field="template"
            )
        return self._load(doc)

    def list(self) -> tuple[list[LoadedTemplate], list[TemplateError]]:
        """Load every template; returns the ones that loaded and the errors of the rest."""
        loaded: list[LoadedTemplate] = []
        self._documents()  # reads the folders (and fills `unreadable`) on first use
        errors: list[TemplateError] = [exc for _, exc in self.unreadable]
        for slug in self.slugs():
            try:
                loaded.append(self._load(self._documents()[slug]))
            except TemplateError as exc:
                errors.append(exc)
        return loaded, errors

    def load_text(self, text: str, origin: str = "<inline>") -> LoadedTemplate:
        """Load a template written inline (a notebook cell), resolving parents from the library."""
        return self._load(parse_document(text, origin))

    def check_text(self, text: str, origin: str = "<inline>") -> TemplateCheck:
        """Validate one inline template (parents come from the library)."""
        try:
            doc = parse_document(text, origin)
        except TemplateError as exc:
            return TemplateCheck(path=origin, ok=False, errors=_messages(exc))
        try:
            loaded = self._load(doc)
        except TemplateError as exc:
            return TemplateCheck(
                path=origin, slug=doc.slug, name=doc.name, ok=False, errors=_messages(exc)
            )
        return TemplateCheck(
            path=origin, slug=doc.slug, name=doc.name, ok=True, warnings=loaded.warnings
        )

    def check_files(self, paths: Iterable[Path]) -> list[TemplateCheck]:
        """Validate files (which may inherit from each other or from the library)."""
        checks: dict[str, TemplateCheck] = {}
        docs: dict[str, _Document] = {}
        checked: list[_Document] = []
        for path in paths:
            try:
                doc = read_document(Path(path))
            except TemplateError as exc:
                checks[str(path)] = TemplateCheck(path=str(path), ok=False, errors=_messages(exc))
                continue
            if doc.slug in docs:
                # Every file gets its own verdict; the first one keeps the slug for `inherits`.
                doc.warnings.append(
                    f"{doc.origin}: slug '{doc.slug}' is also used by {docs[doc.slug].origin}; "
                    "only one of them can be loaded by that name"
                )
            else:
                docs[doc.slug] = doc
            checked.append(doc)
        for doc in checked:
            try:
                loaded = self._load(doc, extra=docs)
                checks[doc.origin] = TemplateCheck(
                    path=doc.origin, slug=doc.slug, name=doc.name, ok=True, warnings=loaded.warnings
                )
            except TemplateError as exc:
                checks[doc.origin] = TemplateCheck(
                    path=doc.origin, slug=doc.slug, name=doc.name, ok=False, errors=_messages(exc)
                )
        return list(checks.values())

    def _load(self, doc: _Document, extra: dict[str, _Document] | None = None) -> LoadedTemplate:
        data = self._inherited_data(doc, extra, chain=[])
        return validate_document(doc, data)

    def _inherited_data(
        self, doc: _Document, extra: dict[str, _Document] | None, chain: list[str]
    ) -> dict[str, Any]:
        if doc.slug in chain:
            cycle = " -> ".join([*chain[chain.index(doc.slug) :], doc.slug])
            raise TemplateError(f"{doc.origin}: inheritance cycle: {cycle}", field="inherits")
        parents = doc.data.get("inherits") or []
        parents = [parents] if isinstance(parents, str) else parents
        if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
            raise TemplateError(
                f"{doc.origin}: field 'inherits': expected a template name or a list of names "
                f"(got {parents!r})",
                field="inherits",
            )
        merged: dict[str, Any] = {}
        for ref in parents:
            parent = self._find_document(ref, extra)
            if parent is None:
                known = ", ".join(sorted({**self._documents(), **(extra or {})})) or "none"
                raise TemplateError(
                    f"{doc.origin}: field 'inherits': no template named '{ref}' "
                    f"(by slug or display name; known: {known})",
                    field="inherits",
                )
            merged = merge(merged, self._inherited_data(parent, extra, [*chain, doc.slug]))
        return merge(merged, doc.data) if parents else dict(doc.data)


def _stamp(path: Path) -> tuple[str, int, int, int]:
    """What tells a file changed: its path, inode (a file replaced by rename is a new one),
    modification time and size."""
    try:
        stat = path.stat()
    except OSError:
        return (str(path), 0, 0, 0)
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _template_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for root, _dirs, files in os.walk(folder):
        found += [Path(root) / f for f in files if f.endswith(SUFFIXES)]
    return sorted(found)


def _messages(exc: TemplateError) -> list[str]:
    return exc.problems or [exc.message]
