"""``CwsMagics``: the `%cws` line and cell magic, configured with ``%config CwsMagics.<trait>``."""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from traitlets import observe

from ..core.errors import CwsError
from ..traits import CwsTraits
from .dispatch import dispatch, template_named
from .errors import as_usage_error

SETTING_TRAITS = CwsTraits.class_trait_names(config=True)


@magics_class
class CwsMagics(Magics, CwsTraits):
    """The `%cws` magics: the `cws` CLI's verbs in a notebook, results returned as objects."""

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        """Register with ``shell`` (also as a configurable, so ``%config CwsMagics`` works)."""
        self._services: dict[tuple[tuple[str, Any], ...], Any] = {}
        #: The progress bars shown by the last command (in a kernel; empty elsewhere).
        self.progress_bars: list[Any] = []
        #: The template the last successful command named: a panel opened without one starts
        #: on it (`%cws costs python-ml`, then `%cws panel cost`).
        self.recent_template: str | None = None
        super().__init__(shell=shell, **kwargs)

    @observe(*SETTING_TRAITS)
    def _settings_changed(self, change: Any) -> None:
        """A changed setting means a new service on the next command."""
        self._services = {}

    def make_service(self, overrides: dict[str, Any]) -> Any:
        """The service for these traits plus the group options (``--sandbox``, ``--profile``)."""
        key = tuple(sorted(overrides.items()))
        service = self._services.get(key)
        if service is None or _sandbox_moved(service):
            from ..core.service import CwsService
            from .progress import notice

            settings = self.to_settings()
            if overrides:
                settings = settings.model_copy(update=overrides)
            service = self._services[key] = CwsService(settings, notices=notice)
        return service

    @property
    def service(self) -> Any:
        """The service these traits describe (for panels and for code in the notebook)."""
        try:
            return self.make_service({})
        except CwsError as exc:
            raise as_usage_error(exc) from None

    @line_cell_magic
    def cws(self, line: str, cell: str | None = None) -> Any:
        """Run a cws verb; the result is returned (and shown as a table).

        Line:  %cws templates list|show T|validate FILE...|schema
               %cws resolve T [--region R] [--strategy S] [--arch A]   (also: %cws ami resolve ...)
               %cws test T [--region R ...] [--all-regions]   %cws costs T [--region R]
               %cws regions fallbacks   %cws sandbox start|status|stop|reset
        Workstations:
               %cws launch T NAME [--region R] [--cidr ADDR/32] [--dry-run]   %cws list [--all]
               %cws stop NAME   %cws start NAME   %cws terminate NAME --yes
        Images (the AMI lifecycle):
               %cws ami create T WORKSTATION   %cws ami list [--template T]   %cws ami info AMI
               %cws ami share AMI ACCOUNT...   %cws ami copy AMI REGION...
               %cws ami deprecate AMI --at DATE   %cws ami publish AMI --parameter /P
               %cws ami delete AMI --yes   %cws ami status [JOB]   (jobs from any front door)
               Long verbs (launch, ami create, ami copy, stop, start) show a progress bar.
        Also:  %cws --sandbox VERB ...  (the simulated AWS account for one command)
               %cws panel launch|browse|cost|instances [TEMPLATE]
        Cell:  %%cws validate | %%cws resolve [--region R] ... with a YAML template in the cell.
        Settings: %config CwsMagics.region = "eu-west-1", %config CwsMagics.sandbox = True.
        Every verb takes --help.
        """
        try:
            result = dispatch(
                line, cell, self.make_service, self._progress_view(), self.recent_template
            )
        except UsageError:
            raise
        except CwsError as exc:  # settings that fail to validate when the service is built
            raise as_usage_error(exc) from None
        if cell is None:
            self.recent_template = template_named(line) or self.recent_template
        return result

    def _progress_view(self) -> Any:
        """This command's progress view (a widget bar in a kernel, else None); its bars are
        kept in ``progress_bars``."""
        from .progress import notebook_progress_view

        self.progress_bars = []
        return notebook_progress_view(keep=self.progress_bars.append)


def _sandbox_moved(service: Any) -> bool:
    """True when the service's sandbox has since stopped or restarted (by any process)."""
    if not service.settings.sandbox or "access" not in service.__dict__:
        return False
    from ..core.sandbox.runtime import RUNTIME_FILE, read_runtime

    info = read_runtime(service.settings.state_dir / RUNTIME_FILE)
    return info is None or info.endpoint_url != service.access.endpoint_url
