"""Install each application pinned into its own venv and migrate an empty SQLite file with its own tool.

Everything lives under `.cache/schemas/fresh-<app>/` (never the project's venv); the SQLite files are
`.cache/schemas/fresh-<app>.sqlite`. Every step has a time limit, so a build never hangs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "schemas"
INSTALL_TIMEOUT_S = 600
MIGRATE_TIMEOUT_S = 300

_SPIRIT_SETTINGS = """from .dev import *  # noqa: F403
import os
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["FRESH_DB"]}}
"""
_DJSTRIPE_SETTINGS = """import os
SECRET_KEY = "fresh-benchmark"
USE_TZ = True
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "djstripe"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["FRESH_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STRIPE_LIVE_MODE = False
DJSTRIPE_WEBHOOK_SECRET = "whsec_fresh"
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
"""


@dataclass(frozen=True)
class App:
    label: str
    requirement: str
    what: str

    @property
    def home(self) -> Path:
        return CACHE / f"fresh-{self.label}"

    @property
    def database(self) -> Path:
        return CACHE / f"fresh-{self.label}.sqlite"

    def bin(self, name: str) -> str:
        return str(self.home / "bin" / name)


APPS = {
    "buildbot": App("buildbot", "buildbot==4.3.0", "continuous integration (SQLAlchemy + alembic)"),
    "spirit": App("spirit", "django-spirit==0.14.3", "a discussion forum (Django)"),
    "djstripe": App("djstripe", "dj-stripe==2.11.0", "Stripe billing models (Django)"),
}


def _run(cmd: list[str], timeout: float, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    print("  $", " ".join(cmd), flush=True)
    path = os.pathsep.join([str(Path(cmd[0]).parent), os.environ.get("PATH", "")])
    subprocess.run(cmd, check=True, timeout=timeout, cwd=cwd, env={**os.environ, "PATH": path, **(env or {})})


def _install(app: App) -> None:
    if not (app.home / "bin" / "python").exists():
        venv.create(app.home, with_pip=True)
    _run([app.bin("python"), "-m", "pip", "install", "-q", app.requirement], INSTALL_TIMEOUT_S)


def _migrate_buildbot(app: App, target: Path) -> None:
    master = app.home / "master"
    shutil.rmtree(master, ignore_errors=True)
    _run(
        [app.bin("buildbot"), "create-master", "--db", f"sqlite:///{target}", str(master)], MIGRATE_TIMEOUT_S
    )


def _migrate_spirit(app: App, target: Path) -> None:
    project = app.home / "project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    _run([app.bin("spirit"), "startproject", "freshsite"], MIGRATE_TIMEOUT_S, cwd=project)
    site = project / "freshsite"
    (site / "freshsite" / "settings" / "fresh.py").write_text(_SPIRIT_SETTINGS)
    manage = [app.bin("python"), "manage.py", "migrate", "--no-input", "--settings=freshsite.settings.fresh"]
    _run(manage, MIGRATE_TIMEOUT_S, cwd=site, env={"FRESH_DB": str(target)})


def _migrate_djstripe(app: App, target: Path) -> None:
    project = app.home / "project"
    project.mkdir(parents=True, exist_ok=True)
    (project / "fresh_settings.py").write_text(_DJSTRIPE_SETTINGS)
    env = {"FRESH_DB": str(target), "DJANGO_SETTINGS_MODULE": "fresh_settings", "PYTHONPATH": str(project)}
    _run([app.bin("django-admin"), "migrate", "--no-input"], MIGRATE_TIMEOUT_S, cwd=project, env=env)


_MIGRATE = {"buildbot": _migrate_buildbot, "spirit": _migrate_spirit, "djstripe": _migrate_djstripe}


def build(label: str, force: bool = False) -> bool:
    """Build one application's database (True when it exists afterwards)."""
    app = APPS[label]
    if app.database.exists() and not force:
        return True
    print(f"{label}: installing {app.requirement} and migrating an empty SQLite file", flush=True)
    partial = app.database.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    try:
        _install(app)
        _MIGRATE[label](app, partial)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"{label}: build failed: {exc}", file=sys.stderr)
        return False
    partial.replace(app.database)
    return True


def build_all(labels: list[str], force: bool = False) -> int:
    """Build the named applications; the number that failed."""
    return sum(not build(label, force) for label in labels if label in APPS)
