"""The one façade every front door calls: CLI, %cws magics, REST handlers and widgets."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from .config import Settings
from .errors import BadInput

if TYPE_CHECKING:
    from .analytics.facade import Analytics
    from .aws.images import AMIInfo, ImageCatalog
    from .aws.session import AwsAccess
    from .cache import LookupCache
    from .images.manager import ImageManager
    from .instances.manager import InstanceManager
    from .jobs import JobBook, JobRecord
    from .migration.manager import MigrationManager
    from .pricing import PriceBook, RefreshReport
    from .progress import Reporter
    from .regions import RegionFallback, RegionMap
    from .registry.client import CommunityRegistryClient
    from .registry.community import Community
    from .registry.lookup import CommunityLookup
    from .resolver.availability import AvailabilityMatrix
    from .resolver.models import CostComparison, Resolution
    from .resolver.resolver import Resolver
    from .sandbox import SandboxInfo
    from .security.scanner import SecurityScanner
    from .store import StateStore
    from .templates.loader import LoadedTemplate, TemplateCheck, TemplateLibrary


SANDBOX_NAMESPACE = "sandbox@"
#: The store counter every process bumps when it changes images (part of every lookup key).
IMAGES_GENERATION = "images-generation"
#: Parts that hold the AWS connection: rebuilt when the sandbox they talk to restarts.
AWS_PARTS = (
    "access",
    "catalog",
    "resolver",
    "_images",
    "_instances",
    "registry_client",
    "community_lookup",
    "_community",
    "_security",
)
#: Store key prefix of the account learned once per credentials (see ``_remembering``).
ACCOUNT_OF = "account-of:"
#: What a front door is told when this process has to start the sandbox (seconds).
SANDBOX_STARTING = "starting the sandbox..."


class part(cached_property):  # noqa: N801 - used like functools.cached_property
    """A lazily built part of the service, built once even when threads ask at the same time."""

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        cached = instance.__dict__.get(self.attrname)
        if cached is not None:
            return cached
        with instance._parts_lock:
            if self.attrname not in instance.__dict__:
                instance.__dict__[self.attrname] = self.func(instance)
            return instance.__dict__[self.attrname]


class TemplateSummary(BaseModel):
    """One line of the template catalogue."""

    slug: str
    name: str
    category: str | None = None
    description: str = ""
    strategy: str | None = None
    package_manager: str | None = None
    path: str
    warnings: list[str] = Field(default_factory=list)


class TemplateList(BaseModel):
    """The catalogue, plus the files that failed to load."""

    templates: list[TemplateSummary]
    errors: list[str] = Field(default_factory=list)


class CwsService:
    """Templates, resolution, availability, costs and the sandbox behind one object."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        access: AwsAccess | None = None,
        notices: Reporter | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        #: Told of waits the user did not ask for (starting the sandbox); front doors render it.
        self.notices = notices
        self._parts_lock = threading.RLock()
        if access is not None:  # an injected AWS access (tests, benchmarks, an embedding app)
            self.__dict__["access"] = access

    # -- parts, built on first use (AWS is never touched for template-only work) ---------------
    @part
    def library(self) -> TemplateLibrary:
        """The template search path."""
        from .templates.loader import TemplateLibrary

        return TemplateLibrary.from_settings(self.settings)

    @part
    def regions(self) -> RegionMap:
        """The region fallback map."""
        from .regions import RegionMap

        return RegionMap.load(self.settings.region_fallbacks_file)

    @part
    def prices(self) -> PriceBook:
        """On-demand prices (shipped table, or a refreshed copy)."""
        from .pricing import PriceBook

        return PriceBook.load(self.settings.cache_dir)

    @part
    def access(self) -> AwsAccess:
        """AWS (or the sandbox, when asked for): sessions and clients."""
        from .aws.session import AwsAccess

        return AwsAccess.from_settings(self.settings, on_sandbox_start=self._sandbox_starting)

    def _sandbox_starting(self) -> None:
        if self.notices is not None:
            from .progress import Progress

            self.notices(Progress(step="sandbox", message=SANDBOX_STARTING))

    @part
    def catalog(self) -> ImageCatalog:
        """Cached image and SSM lookups."""
        from .aws.images import ImageCatalog

        store = self.store
        return _remembering(ImageCatalog)(
            self.access,
            self.lookup_cache,
            self.settings.cache_ttl,
            self._cache_namespace(),
            generation=lambda: int(store.get_meta(IMAGES_GENERATION, 0)),
            store=store,
        )

    @part
    def lookup_cache(self) -> LookupCache:
        """Where lookups are kept: memory in front of SQLite on disk (the default), or of a
        shared Redis (``CWS_CACHE_URL``); nothing at all with ``AMI_CACHE_TTL=0``."""
        from .cache import LayeredCache, MemoryCache, NullCache

        if self.settings.cache_ttl <= 0:
            return NullCache()
        if self.settings.cache_url:
            from .cache_redis import RedisCache

            return LayeredCache(MemoryCache(), RedisCache.from_url(self.settings.cache_url))
        from .cache_sqlite import CACHE_FILE, SqliteCache

        return LayeredCache(MemoryCache(), SqliteCache(self.settings.cache_dir / CACHE_FILE))

    @part
    def resolver(self) -> Resolver:
        """The Universal AMI resolver."""
        from .resolver.resolver import Resolver

        return Resolver(
            self.settings,
            self.catalog,
            self.regions,
            self.prices,
            self.community_lookup,
            denied=self._denied,
        )

    @part
    def _denied(self) -> Callable[[AMIInfo], str | None] | None:
        """Why the institutional policy (CWS_POLICY_FILE) denies an image, read again when the
        file changes (one reader for the resolver, launches and rebuilds); None: no policy."""
        if self.settings.policy_file is None:
            return None
        from .security.policy import PolicyFile

        policy_file = PolicyFile(self.settings.policy_file)

        def denied(image: AMIInfo) -> str | None:
            policy = policy_file.get()
            account = self.catalog.caller_account() if "self" in policy.allowed_owners else None
            broken = policy.check(image, account=account)
            return "; ".join(v.message for v in broken) or None

        return denied

    @part
    def registry_client(self) -> CommunityRegistryClient | None:
        """The community registry named by the settings, or the sandbox's own (None: neither)."""
        url, token = self.settings.registry_url, self.settings.registry_token
        if url is None and self.settings.sandbox:
            from .sandbox.runtime import read_runtime

            self.access  # noqa: B018 - the sandbox (and its registry) runs once this is built
            info = read_runtime(self.settings.state_dir / "sandbox.json")
            if info is not None:
                url, token = info.registry_url, token or info.registry_token
        if url is None:
            return None
        from .registry.client import CommunityRegistryClient

        return CommunityRegistryClient(url, token=token, timeout=self.settings.registry_timeout)

    @part
    def community_lookup(self) -> CommunityLookup | None:
        """The resolver's cached view of the registry (None: no registry)."""
        client = self.registry_client
        if client is None:
            return None
        from .registry.lookup import CommunityLookup

        return CommunityLookup(client, self.lookup_cache, self.settings.cache_ttl)

    @property
    def community(self) -> Community:
        """The community registry: browse, details, rate, submit, count a launch."""
        self._follow_sandbox()
        return self._community  # type: ignore[no-any-return]

    @part
    def _community(self) -> Community:
        from .registry.community import Community

        return Community(
            self.registry_client,
            self.community_lookup,
            lambda ami, region: self.images.info(ami, region),
        )

    @part
    def analytics(self) -> Analytics:
        """Usage events on this machine (CWS_ANALYTICS=0: none): report, export, metrics,
        recommendations and the region optimizer."""
        from .analytics.wiring import build_analytics

        return build_analytics(self)

    @property
    def security(self) -> SecurityScanner:
        """The image security scanner and the institutional policy check."""
        self._follow_sandbox()
        return self._security  # type: ignore[no-any-return]

    @part
    def _security(self) -> SecurityScanner:
        from .security.wiring import build_security

        return build_security(self)

    @part
    def store(self) -> StateStore:
        """The state every process of the user shares (instances, jobs), in SQLite."""
        from .store import StateStore

        return StateStore.in_folder(self.settings.state_dir)

    @part
    def jobs(self) -> JobBook:
        """Long operations (builds, copies, launches, checks) of this account view."""
        from .jobs import JobBook

        book = JobBook(self.store, lambda: self.namespace)
        # Who cleans up after a job whose process died (found by ``reconcile``).
        book.on_abandoned("ami_create", lambda record: self.images.recover(record))
        book.on_abandoned("ami_copy", lambda record: self.images.recover(record))
        book.on_abandoned("ami_rebuild", lambda record: self.images.recover(record))
        book.on_abandoned("launch", lambda record: self.instances.recover(record))
        book.on_ended(self._job_ended)
        return book

    def _job_ended(self, record: JobRecord) -> None:
        """A launch, build or copy ended: the usage analytics hear of it."""
        if self.settings.analytics:
            from .usage import job_events

            for kind, fields in job_events(record):
                self.analytics.record(kind, **fields)

    @property
    def images(self) -> ImageManager:
        """The AMI lifecycle: build, list, inspect, share, copy, delete, deprecate, publish."""
        self._follow_sandbox()
        return self._images  # type: ignore[no-any-return]

    @property
    def instances(self) -> InstanceManager:
        """Workstations: launch, list, stop, start, terminate."""
        self._follow_sandbox()
        return self._instances  # type: ignore[no-any-return]

    @part
    def _images(self) -> ImageManager:
        from .images.context import ImageContext
        from .images.manager import ImageManager

        store = self.store
        context = ImageContext(
            access=self.access,
            catalog=self.catalog,
            prices=self.prices,
            regions=self.regions,
            settings=self.settings,
            jobs=self.jobs,
            changed=lambda: store.bump(IMAGES_GENERATION),
            template_hash_of=self._template_hash,
            denied=self._denied,
        )
        return ImageManager(
            context,
            self.get_template,
            workstation=lambda name: self._instances.lookup(name),
            provisioning=lambda ref: self._instances.provisioning(ref),
            templates=lambda: self.library.list()[0],
        )

    @part
    def _instances(self) -> InstanceManager:
        from .instances.book import InstanceBook
        from .instances.context import InstanceContext
        from .instances.manager import InstanceManager

        context = InstanceContext(
            access=self.access,
            catalog=self.catalog,
            prices=self.prices,
            regions=self.regions,
            settings=self.settings,
            book=InstanceBook(self.store, lambda: self.namespace),
            jobs=self.jobs,
            images=self._images,
            resolver=lambda: self.resolver,
            resolve=lambda loaded, region, strategy, arch: self.resolve(
                loaded, region, strategy, arch
            ),
            community_launched=lambda ami, region: self._community.launched(ami, region),
            community_image=lambda ami, region: self._community.image_in(ami, region),
        )
        return InstanceManager(context)

    @part
    def migration(self) -> MigrationManager:
        """Migration tools: analyze templates, write ami_config, migrate workstations, test all."""
        from .migration.manager import MigrationManager

        return MigrationManager(self)

    @property
    def namespace(self) -> str:
        """Which account view state belongs to: the sandbox, or one AWS account."""
        if self.settings.sandbox:
            return "sandbox"
        account = self.catalog.caller_account()
        return f"aws:{account}" if account else f"aws:unknown:{self.settings.profile or 'default'}"

    def _template_hash(self, slug: str) -> str | None:
        """The current hash of a template on the path (None when it is not there)."""
        from .errors import CwsError
        from .images.tags import template_hash

        try:
            return template_hash(self.get_template(slug).template)
        except CwsError:
            return None

    def _follow_sandbox(self) -> None:
        """If the sandbox this service talks to was stopped or restarted (by any process), forget
        the old connection so the next call finds, or starts, the current one."""
        if not self.settings.sandbox or "access" not in self.__dict__:
            return
        from .sandbox.runtime import read_runtime

        info = read_runtime(self.settings.state_dir / "sandbox.json")
        with self._parts_lock:
            current = self.__dict__.get("access")
            if current is not None and (info is None or info.endpoint_url != current.endpoint_url):
                for name in AWS_PARTS:
                    self.__dict__.pop(name, None)

    def _cache_namespace(self) -> str:
        """Whose lookups these are: the sandbox at its address, or one set of AWS credentials
        (named without botocore when the environment and the AWS files name them; else by the
        session's access key). Never shared between two accounts."""
        access = self.access
        if access.label == "sandbox":
            return f"{SANDBOX_NAMESPACE}{access.endpoint_url}"
        named = access.credentials_key
        if named is None:
            creds = access.session.get_credentials()
            key = creds.access_key if creds else ""
            named = hashlib.sha256(key.encode()).hexdigest()[:10]
        return f"aws:{self.settings.profile or 'default'}:{access.endpoint_url or ''}:{named}"

    # -- templates -----------------------------------------------------------------------------
    def list_templates(self, category: str | None = None) -> TemplateList:
        """Every template on the search path (optionally one category); a new process answers
        from the catalogue kept in the cache folder while no template file changed."""
        from .templates.catalogue import CATALOGUE_FILE, Catalogue
        from .templates.search_path import search_folders

        catalogue = Catalogue(
            search_folders(self.settings), self.settings.cache_dir / CATALOGUE_FILE
        )
        try:
            listing = TemplateList.model_validate(catalogue.listing(self._listing))
        except ValidationError:  # kept under the right key, in the wrong shape: list afresh
            listing = TemplateList.model_validate(catalogue.refresh(self._listing))
        if category:
            listing.templates = [
                r for r in listing.templates if (r.category or "").lower() == category.lower()
            ]
        return listing

    def _listing(self) -> dict[str, Any]:
        loaded, errors = self.library.list()
        return TemplateList(
            templates=[_summary(t) for t in loaded],
            errors=[m for e in errors for m in (e.problems or [e.message])],
        ).model_dump(mode="json")

    def get_template(self, ref: str) -> LoadedTemplate:
        """One template by slug or display name, inheritance applied."""
        return self.library.get(ref)

    def validate_templates(self, paths: list[Path]) -> list[TemplateCheck]:
        """Validate template files; each result says ok, errors and warnings."""
        if not paths:
            raise BadInput("name at least one template file to validate", field="paths")
        return self.library.check_files(paths)

    def validate_inline(self, text: str, origin: str = "<cell>") -> TemplateCheck:
        """Validate a template written inline; errors are reported in the check, not raised."""
        return self.library.check_text(text, origin)

    def load_inline(self, text: str, origin: str = "<cell>") -> LoadedTemplate:
        """A template written inline (e.g. a notebook cell)."""
        return self.library.load_text(text, origin)

    @staticmethod
    def template_schema() -> dict[str, Any]:
        """JSON Schema of the template format, for editors."""
        from .templates.models import Template

        schema = Template.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = "cws-jupyter workstation template"
        return schema

    # -- resolution ----------------------------------------------------------------------------
    def resolve(
        self,
        template: str | LoadedTemplate,
        region: str | None = None,
        strategy: str | None = None,
        architecture: str | None = None,
        *,
        pin: bool = False,
        refresh: bool = False,
        lock_file: Path | None = None,
    ) -> Resolution:
        """Resolve the best AMI for a template in a region, through the lock file: a pinned
        template and region answer their pin; ``pin`` records the answer, ``refresh`` resolves
        again and replaces the pin."""
        from .pins.pinning import Pinning

        loaded = self.get_template(template) if isinstance(template, str) else template
        if region:
            self.regions.fallbacks(region)  # validates the region before any AWS work
        self._follow_sandbox()
        resolver = self.resolver
        where = resolver.region_of(region)
        pins = Pinning(lock_file or self.settings.lock_file, self.settings.state_dir)
        answer = pins.resolve(
            loaded.template.slug,
            where,
            lambda: resolver.resolve(loaded, where, strategy, architecture),
            lambda ami: resolver.resolve_pinned(loaded, where, ami),
            pin=pin,
            refresh=refresh,
        )
        if self.settings.analytics:
            from .usage import resolution_event

            kind, fields = resolution_event(answer)
            self.analytics.record(kind, **fields)
        return answer

    def test_availability(
        self,
        template: str | LoadedTemplate,
        regions: list[str] | None = None,
        all_regions: bool = False,
        architecture: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> AvailabilityMatrix:
        """Availability matrix: regions checked concurrently."""
        from .resolver.availability import availability

        loaded = self.get_template(template) if isinstance(template, str) else template
        if all_regions:
            wanted = self.regions.regions()
        elif regions:
            for region in regions:
                self.regions.fallbacks(region)
            wanted = list(dict.fromkeys(regions))
        else:
            home = self.settings.region
            wanted = [home, *self.regions.fallbacks(home)]
        self._follow_sandbox()
        return availability(self.resolver, loaded, wanted, architecture, progress)

    def costs(
        self,
        template: str | LoadedTemplate,
        region: str | None = None,
        architecture: str | None = None,
        stored: bool = False,
    ) -> CostComparison:
        """AMI launch versus script provisioning for a template in a region (no AWS calls), and,
        with ``stored``, what the template's stored images cost in every region (AWS lookups)."""
        from .errors import AwsUnavailable
        from .resolver.costs import compare_costs
        from .resolver.instances import candidate_architectures, instance_type_for

        loaded = self.get_template(template) if isinstance(template, str) else template
        region = region or self.settings.region
        self.regions.fallbacks(region)
        arch = candidate_architectures(loaded.template, architecture)[0]
        instance_type, _ = instance_type_for(loaded.template, arch)
        comparison = compare_costs(loaded.template, region, instance_type, self.prices)
        if stored:
            try:
                comparison.stored_images = self.images.stored_costs(
                    loaded.template.slug, comparison.script_setup_cost
                )
            except AwsUnavailable as exc:
                comparison.notes.append(f"stored images not counted: {exc.message}")
        return comparison

    def refresh_prices(
        self, regions: list[str] | None = None, all_regions: bool = False
    ) -> RefreshReport:
        """Fetch current on-demand prices from the AWS Pricing API into the user's price cache."""
        from .errors import Unsupported
        from .pricing import refresh_from_pricing_api

        if self.settings.sandbox:
            raise Unsupported(
                "the sandbox simulates no AWS Pricing API; the shipped price table "
                f"(as of {self.prices.shipped_as_of}) stays in use"
            )
        wanted = self.regions.regions() if all_regions else (regions or [self.settings.region])
        for region in wanted:
            self.regions.fallbacks(region)
        report = refresh_from_pricing_api(
            self.access.session, self.prices.instance_types(), wanted, self.settings.cache_dir
        )
        with self._parts_lock:  # the next call sees the new prices
            for name in ("prices", "resolver"):
                self.__dict__.pop(name, None)
        return report

    def region_fallbacks(self) -> list[RegionFallback]:
        """The region fallback map as rows."""
        return self.regions.as_table()

    # -- sandbox -------------------------------------------------------------------------------
    def sandbox_start(self) -> SandboxInfo:
        """Start the user's sandbox (or return the running one)."""
        from .sandbox import ensure_running

        return ensure_running(self.settings.state_dir, on_start=self._sandbox_starting)

    def sandbox_status(self) -> SandboxInfo | None:
        """The running sandbox, or None."""
        from .sandbox import status

        return status(self.settings.state_dir)

    def sandbox_stop(self) -> bool:
        """Stop the user's sandbox; True when one was running."""
        from .sandbox import stop

        self._clear_cache()
        stopped = stop(self.settings.state_dir)
        self._follow_sandbox()
        return stopped

    def sandbox_reset(self) -> SandboxInfo:
        """Wipe the sandbox back to its seeded world (and forget cached lookups)."""
        from .sandbox import reset

        self._clear_cache()
        return reset(self.settings.state_dir)

    def _clear_cache(self) -> None:
        """Forget the sandbox's cached lookups (real AWS entries are kept)."""
        from .cache_sqlite import CACHE_FILE, SqliteCache

        shared = self.settings.cache_dir / CACHE_FILE
        if shared.exists():
            SqliteCache(shared).clear(SANDBOX_NAMESPACE)
        if "catalog" in self.__dict__:
            self.catalog.cache.clear(SANDBOX_NAMESPACE)


def _remembering(catalog_type: type[ImageCatalog]) -> Any:
    """``catalog_type`` that learns the caller's account once per credentials: kept in the shared
    store under the lookup namespace (which names the credentials), so no later lookup, in any
    process, waits for STS again (the lookup cache forgets it when images change or expire)."""

    class RememberingCatalog(catalog_type):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, store: StateStore, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._store = store
            self._identity: dict[str, str] | None = None

        def caller_identity(self) -> dict[str, str]:
            from .errors import CwsError

            if self._identity:
                return self._identity
            key = ACCOUNT_OF + self.namespace
            try:
                known = self._store.get_meta(key)
            except CwsError:  # an unusable state folder costs speed only
                known = None
            if isinstance(known, dict) and known.get("Account"):
                self._identity = {k: str(v) for k, v in known.items()}
                return self._identity
            identity: dict[str, str] = super().caller_identity()
            if identity.get("Account"):
                self._identity = identity
                try:
                    with self._store.write() as conn:
                        conn.execute(
                            "INSERT INTO meta (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            (key, json.dumps(identity)),
                        )
                except CwsError:
                    pass
            return identity

    RememberingCatalog.__name__ = RememberingCatalog.__qualname__ = catalog_type.__name__
    return RememberingCatalog


def _summary(loaded: LoadedTemplate) -> TemplateSummary:
    t = loaded.template
    return TemplateSummary(
        slug=t.slug,
        name=t.name,
        category=t.category,
        description=t.description,
        strategy=t.ami_config.strategy.value if t.ami_config else None,
        package_manager=t.package_manager.value if t.package_manager else None,
        path=loaded.path,
        warnings=loaded.warnings,
    )
