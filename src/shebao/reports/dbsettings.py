"""Database settings of the reports context (importable from ``settings.py``: no models here).

``demo_database(VAR_DIR)`` is the ``demo`` alias that ``shebao demo generate`` writes into:
``SHEBAO_DEMO_DATABASE_URL`` if set, else ``var/demo.sqlite3``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

#: Django's SQLite backend with write transactions queued on a file lock (see its docstring).
SQLITE_ENGINE = "shebao.core.sqlite"
#: ``synchronous=FULL``: a commit returns once the WAL is on the disk. With NORMAL, a power cut or
#: an operating-system crash could take back the last acknowledged intakes, and their numbers would
#: be handed out again to the next applicants while the first ones hold receipts with them.
#: Writes that may be lost without harm opt out per transaction (``shebao.core.durability``).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def database_from_url(url: str) -> dict:
    db = dj_database_url.parse(url, conn_max_age=0)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["ENGINE"] = SQLITE_ENGINE
        db["OPTIONS"] = dict(SQLITE_OPTIONS)
    else:
        db["CONN_HEALTH_CHECKS"] = True
    return db


def demo_database(var_dir: Path | str) -> dict:
    url = os.environ.get("SHEBAO_DEMO_DATABASE_URL") or f"sqlite:///{Path(var_dir) / 'demo.sqlite3'}"
    return database_from_url(url)
