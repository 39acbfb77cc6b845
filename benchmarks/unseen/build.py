"""Build the unseen benchmark's SQLite schemas: MLflow (SQLAlchemy + alembic) and django CMS (Django).

Each application is installed from PyPI at a pinned version into its own virtual environment under
`.cache/schemas/unseen-<app>/venv` (never the project's), then migrated into SQLite by its own
migration tool: `mlflow db upgrade` for MLflow's tracking store, `manage.py migrate` for django CMS
with its usual companions (versioning, aliases, filer, thumbnails). A schema that exists is kept.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "schemas"
STEP_TIMEOUT_S = 600


@dataclass(frozen=True)
class Application:
    """One application: what to pip-install and how to migrate an empty SQLite file."""

    name: str
    requirements: tuple[str, ...]
    kind: str
    """`alembic-mlflow` or `django`."""
    installed_apps: tuple[str, ...] = ()


APPLICATIONS: dict[str, Application] = {
    "mlflow": Application(
        name="mlflow",
        requirements=("mlflow-skinny==3.17.2", "SQLAlchemy==2.1.9", "alembic==1.20.1"),
        kind="alembic-mlflow",
    ),
    "djangocms": Application(
        name="djangocms",
        requirements=(
            "django-cms==5.1.3",
            "Django==5.2.19",
            "djangocms-versioning==2.8.0",
            "djangocms-alias==3.2.0",
            "djangocms-text==1.0.2",
            "django-filer==3.6.0",
            "easy-thumbnails==2.10.1",
        ),
        kind="django",
        installed_apps=(
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.sites",
            "django.contrib.staticfiles",
            "cms",
            "menus",
            "treebeard",
            "sekizai",
            "djangocms_text",
            "djangocms_versioning",
            "djangocms_alias",
            "parler",
            "filer",
            "easy_thumbnails",
        ),
    ),
}

_DJANGO_SETTINGS = """SECRET_KEY = "schema-build-only"
USE_TZ = True
SITE_ID = 1
ROOT_URLCONF = "schema_urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
CMS_CONFIRM_VERSION4 = True
CMS_TEMPLATES = [("base.html", "Base")]
INSTALLED_APPS = {apps!r}
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
TEMPLATES = [{{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
    "OPTIONS": {{"context_processors": ["django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth", "sekizai.context_processors.sekizai",
        "cms.context_processors.cms_settings"]}}}}]
MIDDLEWARE = []
STATIC_URL = "/static/"
"""


def target(name: str) -> Path:
    """Where the migrated schema of `name` lives."""
    return CACHE / f"unseen-{name}.sqlite"


def _run(cmd: list[str], cwd: Path, log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, check=True, timeout=STEP_TIMEOUT_S)


def _migrate(app: Application, python: Path, work: Path, db: Path, log: Path) -> None:
    if app.kind == "alembic-mlflow":
        _run([str(python), "-m", "mlflow", "db", "upgrade", f"sqlite:///{db}"], work, log)
        return
    (work / "schema_settings.py").write_text(
        _DJANGO_SETTINGS.format(apps=list(app.installed_apps), db=str(db))
    )
    (work / "schema_urls.py").write_text("urlpatterns: list[object] = []\n")
    manage = "import django.core.management as m, sys; m.execute_from_command_line(sys.argv)"
    settings = ["--settings=schema_settings", f"--pythonpath={work}"]
    _run([str(python), "-c", manage, "migrate", "--noinput", "--skip-checks", *settings], work, log)


def build(app: Application) -> Path:
    """Leave `.cache/schemas/unseen-<app>.sqlite` migrated; return its path (kept if it exists)."""
    done = target(app.name)
    if done.exists():
        return done
    work = CACHE / f"unseen-{app.name}"
    work.mkdir(parents=True, exist_ok=True)
    log = work / "build.log"
    python = work / "venv" / "bin" / "python"
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(work / "venv")], work, log)
    _run([str(python), "-m", "pip", "install", "-q", *app.requirements], work, log)
    partial = work / "schema.sqlite"
    partial.unlink(missing_ok=True)
    _migrate(app, python, work, partial, log)
    partial.rename(done)
    return done


def build_all(names: list[str] | None = None) -> int:
    """Build every schema (or those named); print each path and its time; 1 if any failed."""
    failed = 0
    for name in names or sorted(APPLICATIONS):
        started = time.monotonic()
        try:
            path = build(APPLICATIONS[name])
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            failed += 1
            print(f"{name}: failed ({exc}); see {CACHE / f'unseen-{name}' / 'build.log'}")
            continue
        print(f"{name}: {path.relative_to(ROOT)} ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0
