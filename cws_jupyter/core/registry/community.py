"""What a user does with the community registry from any front door: browse, read, rate, submit,
and count a launch. A thin façade over ``CommunityRegistryClient`` that knows the user's own
images (a submission lists every region holding a copy) and keeps the resolver's cached registry
answers honest after a write."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import BadInput
from .limits import SORTS

if TYPE_CHECKING:
    from ..images.models import ImageDetails
    from .client import CommunityRegistryClient
    from .lookup import CommunityLookup
    from .models import AmiDetails, BrowsePage, RateResult, SubmitResult, UseResult

NO_REGISTRY = (
    "no community registry is configured: set CWS_REGISTRY_URL (e.g. http://127.0.0.1:8948, "
    "where `cws-registry` runs), or try it on the sandbox (`--sandbox`), which brings its own"
)


class Community:
    """The community registry as the user sees it; ``client`` None: no registry configured."""

    def __init__(
        self,
        client: CommunityRegistryClient | None,
        lookup: CommunityLookup | None,
        image_info: Callable[[str, str | None], ImageDetails],
    ) -> None:
        self._client = client
        self._lookup = lookup
        self._image_info = image_info

    @property
    def url(self) -> str | None:
        """The registry's address (None: none configured)."""
        return self._client.url if self._client is not None else None

    @property
    def client(self) -> CommunityRegistryClient:
        """The registry client, or a clear error when no registry is configured."""
        if self._client is None:
            raise BadInput(NO_REGISTRY, field="registry_url")
        return self._client

    # -- read ------------------------------------------------------------------------------
    def browse(
        self,
        *,
        template: str | None = None,
        category: str | None = None,
        region: str | None = None,
        q: str | None = None,
        sort: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> BrowsePage:
        """One page of community images, best first unless ``sort`` says otherwise."""
        if sort is not None and sort not in SORTS:
            raise BadInput(f"unknown sort '{sort}' (use one of: {', '.join(SORTS)})", field="sort")
        return self.client.browse(
            template=template,
            category=category,
            region=region,
            q=q,
            sort=sort,
            page=page,
            per_page=per_page,
        )

    def info(self, ami_id: str) -> AmiDetails:
        """One community image with its reviews (a registry id or an EC2 image id it holds)."""
        return self.client.details(ami_id)

    def image_in(self, ami_id: str, region: str) -> str:
        """The EC2 image a community record holds in ``region`` (to launch it there)."""
        from ..errors import NotFound

        record = self.info(ami_id)
        image = record.images.get(region)
        if image is None:
            held = ", ".join(sorted(record.images)) or "no region"
            raise NotFound(
                f"community image {record.ami_id} has no copy in {region} (it is in {held}): "
                "launch in one of those regions",
                field="region",
            )
        return image

    def annotate(self, details: ImageDetails) -> ImageDetails:
        """``details`` with the image's community record when the registry lists it (a registry
        that does not answer is a note; no registry configured: nothing to add)."""
        from ..errors import CwsError, NotFound
        from ..images.models import CommunityListing

        if self._client is None:
            return details
        try:
            record = self._client.details(details.ami_id)
        except NotFound:
            return details
        except CwsError as exc:
            details.notes.append(f"community registry not consulted: {exc.message}")
            return details
        details.community = CommunityListing(
            registry_id=record.ami_id,
            name=record.name,
            creator=record.creator,
            rating=record.rating,
            rating_count=record.rating_count,
            download_count=record.download_count,
            verified=record.verified,
            registry_url=self._client.url,
        )
        return details

    # -- write -----------------------------------------------------------------------------
    def rate(self, ami_id: str, rating: int, review: str | None = None) -> RateResult:
        """Rate an image 1-5 (again: replaces your earlier rating)."""
        if not 1 <= rating <= 5:
            raise BadInput(f"a rating is 1 to 5 stars (got {rating})", field="rating")
        result = self.client.rate(ami_id, rating, review)
        self._forget()
        return result

    def submit(
        self,
        ami_id: str,
        template: str,
        *,
        region: str | None = None,
        name: str | None = None,
        description: str = "",
        version: str = "",
        category: str | None = None,
    ) -> SubmitResult:
        """Publish one of your images for ``template``, with every region holding a copy."""
        details = self._image_info(ami_id, region)
        regions = {details.region: details.ami_id}
        for copy in details.copies:
            if copy.state == "available":
                regions.setdefault(copy.region, copy.ami_id)
        body: dict[str, Any] = {
            "template": template,
            "name": name or details.name,
            "description": description or details.description,
            "version": version,
            "regions": regions,
        }
        if category:
            body["category"] = category
        result = self.client.submit(body)
        self._forget()
        return result

    def use(self, ami_id: str, region: str | None = None) -> UseResult:
        """Count a launch of a community image."""
        return self.client.use(ami_id, region)

    def launched(self, ami_id: str, region: str) -> str | None:
        """Count a launch of a community image; what to tell the user (a failure is a note)."""
        from ..errors import CwsError

        try:
            used = self.use(ami_id, region)
        except CwsError as exc:
            return f"the launch was not counted by the community registry: {exc.message}"
        return f"counted as launch {used.download_count} of community image {used.ami_id}"

    def _forget(self) -> None:
        if self._lookup is not None:
            self._lookup.forget()
