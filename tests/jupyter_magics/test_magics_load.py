"""`%load_ext cws_jupyter` imports no AWS library, registers the magic and its config.

How long the load takes is measured by ``benchmarks/bench_startup.py`` (not timed here).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import cws_magics

PROBE = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
heavy = ("boto3", "botocore", "moto")
shell.run_line_magic("load_ext", "cws_jupyter")
after_load = sorted(m for m in heavy if m in sys.modules)
listing = shell.run_line_magic("cws", "templates list")
after_list = sorted(m for m in heavy if m in sys.modules)
print(json.dumps({"after_load": after_load, "after_list": after_list,
                  "magic": "cws" in shell.magics_manager.magics["line"],
                  "cell_magic": "cws" in shell.magics_manager.magics["cell"],
                  "templates": len(listing.templates)}))
"""


def test_load_ext_in_a_fresh_process_imports_no_aws_library() -> None:
    """A fresh process: boto3/moto stay unimported by the load and by a template listing."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
        check=True,
    )
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["magic"] and probe["cell_magic"]
    assert probe["after_load"] == [], f"imported at load time: {probe['after_load']}"
    # Template-only verbs make no AWS session (the core reads botocore's region list, no more).
    assert not {"boto3", "moto"} & set(probe["after_list"]) and probe["templates"] >= 9


def test_magics_are_a_configurable_of_the_shell(shell: InteractiveShell) -> None:
    """`%config CwsMagics` lists the traits, so users can set them like any IPython option."""
    magics = cws_magics(shell)
    assert magics in shell.configurables
    assert {"region", "sandbox", "profile", "cache_ttl"} <= set(
        magics.class_trait_names(config=True)
    )
    assert magics.sandbox is True  # from CWS_SANDBOX=1


def test_reloading_keeps_one_configurable(shell: InteractiveShell) -> None:
    """`%reload_ext` does not leave a stale CwsMagics behind for %config to update."""
    shell.run_line_magic("reload_ext", "cws_jupyter")
    assert sum(type(c).__name__ == "CwsMagics" for c in shell.configurables) == 1
