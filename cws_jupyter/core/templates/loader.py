"""The template search path: find, read, inherit and validate templates by slug or name."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from ..errors import NotFound, TemplateError
from .advice import template_advice
from .discovery import SUFFIXES, Folder, scan, templates_in
from .documents import (
    MAX_FILE_BYTES,
    MAX_VALUES,
    Document,
    parse_document,
    read_document,
    slugify,
)
from .inheritance import Inheritance
from .models import Template
from .pool import Pool
from .problems import describe_validation_error, drop_keys
from .search_path import search_folders, shipped_templates_dir

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_VALUES",
    "SUFFIXES",
    "LoadedTemplate",
    "TemplateCheck",
    "TemplateLibrary",
    "parse_document",
    "read_document",
    "shipped_templates_dir",
    "slugify",
    "validate_document",
]
#: Files beside a validated file read to find its parents (they are not themselves checked).
MAX_SIBLINGS = 2_000


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


def validate_document(doc: Document, data: dict[str, Any]) -> LoadedTemplate:
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


def _dotted(loc: tuple) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")


class TemplateLibrary:
    """Every template on the search path: CWS_TEMPLATE_PATH first, then the user's, then shipped."""

    def __init__(
        self,
        folders: Iterable[Path],
        *,
        named_by: dict[Path, str] | None = None,
        optional: Iterable[Path] = (),
    ) -> None:
        """``named_by`` says which setting named a folder; ``optional`` folders may be missing."""
        self.folders = [Path(f) for f in folders]
        spare = {Path(f) for f in optional}
        self._folders = [
            Folder(f, (named_by or {}).get(f), required=f not in spare) for f in self.folders
        ]
        self._docs: dict[str, Document] | None = None
        self._seen: tuple[tuple[str, int, int, int], ...] = ()
        self.shadowed: list[str] = []
        self.unreadable: list[tuple[Path, TemplateError]] = []
        #: Problems with the search path itself (a folder missing, a file where a folder belongs).
        self.warnings: list[str] = []

    @classmethod
    def from_settings(cls, settings: Any) -> TemplateLibrary:
        """The standard search path for these settings."""
        return cls.of_folders(search_folders(settings))

    @classmethod
    def of_folders(cls, folders: list[Folder]) -> TemplateLibrary:
        """A library searching ``folders`` (see ``search_path.search_folders``)."""
        library = cls([f.path for f in folders])
        library._folders = list(folders)
        return library

    # -- discovery ----------------------------------------------------------------
    def _documents(self) -> dict[str, Document]:
        """The documents on the path, read again when a file was added, removed or changed
        (a long-lived Jupyter server sees templates written by `cws migrate` or an editor)."""
        scans = [scan(folder) for folder in self._folders]
        paths = [path for found in scans for path in found.paths]
        seen = tuple(_stamp(path) for path in paths)
        self.warnings = [w for found in scans for w in found.warnings]
        if self._docs is None or seen != self._seen:
            self._seen = seen
            self.shadowed, self.unreadable = [], []
            docs: dict[str, Document] = {}
            for path in paths:
                try:
                    doc = read_document(path, in_folder=True)
                except TemplateError as exc:
                    self.unreadable.append((path, exc))
                    continue
                if doc.slug in docs:
                    self.shadowed.append(f"{path} is shadowed by {docs[doc.slug].origin}")
                    continue
                docs[doc.slug] = doc
            self._docs = docs
        return self._docs

    def _pool(self) -> Pool:
        """The documents on the path, for looking templates and parents up."""
        return Pool(self._documents(), broken=[self.unreadable])

    def slugs(self) -> list[str]:
        """Every template slug on the search path, sorted."""
        return sorted(self._documents())

    # -- loading ------------------------------------------------------------------
    def get(self, ref: str) -> LoadedTemplate:
        """Load a template by slug or display name, with inheritance applied."""
        pool = self._pool()
        doc = pool.find(ref)
        if doc is None:
            for path, error in self.unreadable:  # the file is there but broken: say why
                if slugify(path.stem) == slugify(ref):
                    raise error
            known = ", ".join(self.slugs()) or "none"
            notes = "".join(f"; {w}" for w in self.warnings)
            raise NotFound(
                f"no template named '{ref}' (known templates: {known}){notes}", field="template"
            )
        return self._with_path_warnings(self._load(doc, pool))

    def list(self) -> tuple[list[LoadedTemplate], list[TemplateError]]:
        """Load every template; returns the ones that loaded and the errors of the rest
        (a problem with the search path itself comes first, as an error of field template_path)."""
        docs = self._documents()
        errors = [TemplateError(w, field="template_path") for w in self.warnings]
        errors += [exc for _, exc in self.unreadable]
        pool = Pool(docs, broken=[self.unreadable])
        inheritance = Inheritance(pool.find, pool.known, pool.why_missing)
        loaded: list[LoadedTemplate] = []
        for slug in sorted(docs):
            try:
                loaded.append(self._load(docs[slug], pool, inheritance))
            except TemplateError as exc:
                errors.append(exc)
        return loaded, errors

    def load_text(self, text: str, origin: str = "<inline>") -> LoadedTemplate:
        """Load a template written inline (a notebook cell), resolving parents from the library."""
        doc = parse_document(text, origin)
        return self._with_path_warnings(self._load(doc, self._pool()))

    def check_text(self, text: str, origin: str = "<inline>") -> TemplateCheck:
        """Validate one inline template (parents come from the library)."""
        try:
            doc = parse_document(text, origin)
        except TemplateError as exc:
            return TemplateCheck(path=origin, ok=False, errors=_messages(exc))
        return self._check(doc, self._pool())

    def check_files(self, paths: Iterable[Path]) -> list[TemplateCheck]:
        """Validate files; their parents are looked up among the files given, then on the search
        path, then beside each file (where a template's parent usually sits)."""
        checks: dict[str, TemplateCheck] = {}
        docs: dict[str, Document] = {}
        checked: list[tuple[Path, Document]] = []
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
            checked.append((Path(path), doc))
        library = self._documents()
        beside: dict[Path, _Siblings] = {}
        for path, doc in checked:
            folder = path.parent
            if folder not in beside:
                beside[folder] = _Siblings(folder, docs)
            found = beside[folder]
            pool = Pool(docs, library, found.docs, broken=[self.unreadable, found.broken])
            checks[doc.origin] = self._check(doc, pool)
        return list(checks.values())

    def _check(self, doc: Document, pool: Pool) -> TemplateCheck:
        """Validate one parsed document against ``pool``; errors go in the check, not raised."""
        try:
            loaded = self._with_path_warnings(self._load(doc, pool))
        except TemplateError as exc:
            return TemplateCheck(
                path=doc.origin, slug=doc.slug, name=doc.name, ok=False, errors=_messages(exc)
            )
        return TemplateCheck(
            path=doc.origin, slug=doc.slug, name=doc.name, ok=True, warnings=loaded.warnings
        )

    def _load(
        self, doc: Document, pool: Pool, inheritance: Inheritance | None = None
    ) -> LoadedTemplate:
        """Merge ``doc``'s parents (looked up in ``pool``) into it and validate the result."""
        inheritance = inheritance or Inheritance(pool.find, pool.known, pool.why_missing)
        data, warnings = inheritance.data(doc)
        loaded = validate_document(doc, data)
        loaded.warnings[len(doc.warnings) : len(doc.warnings)] = warnings
        return loaded

    def _with_path_warnings(self, loaded: LoadedTemplate) -> LoadedTemplate:
        """``loaded`` with the search path's own problems among its warnings."""
        loaded.warnings += [w for w in self.warnings if w not in loaded.warnings]
        return loaded


class _Siblings:
    """The templates in a validated file's folder (not sub-folders), read on first use."""

    def __init__(self, folder: Path, given: dict[str, Document]) -> None:
        self.folder = folder
        self.given = {doc.origin for doc in given.values()}
        self._docs: dict[str, Document] | None = None
        self._broken: list[tuple[Path, TemplateError]] = []

    def docs(self) -> dict[str, Document]:
        """Slug -> document of each readable neighbour (files being validated left out)."""
        if self._docs is None:
            self._docs = {}
            for path in templates_in(self.folder, MAX_SIBLINGS):
                if str(path) in self.given:
                    continue
                try:
                    doc = read_document(path, in_folder=True)
                except TemplateError as exc:  # matters only if it is a parent: kept to say so
                    self._broken.append((path, exc))
                    continue
                self._docs.setdefault(doc.slug, doc)
        return self._docs

    def broken(self) -> list[tuple[Path, TemplateError]]:
        """The neighbours that could not be read."""
        self.docs()
        return self._broken


def _stamp(path: Path) -> tuple[str, int, int, int]:
    """What tells a file changed: its path, inode (a file replaced by rename is a new one),
    modification time and size."""
    try:
        stat = path.stat()
    except OSError:
        return (str(path), 0, 0, 0)
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _messages(exc: TemplateError) -> list[str]:
    return exc.problems or [exc.message]
