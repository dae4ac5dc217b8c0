"""Jupyter server of the UI tests: Galata's test settings, on the cws sandbox.

Galata's helper turns authentication off (no token, no password): the server listens on the
loopback interface only. XSRF checks stay on, and the base URL is not `/`, so the tests also
prove the panel builds its URLs from the server's settings and sends the XSRF token.
"""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.ip = "127.0.0.1"  # noqa: F821
c.ServerApp.port = int(os.environ.get("CWS_UI_PORT", "18888"))  # noqa: F821
c.ServerApp.base_url = os.environ.get("CWS_UI_BASE_URL", "/cws-ui/")  # noqa: F821
c.ServerApp.disable_check_xsrf = False  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821
c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821
