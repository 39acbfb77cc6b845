"""Installs three open-source applications from PyPI, each pinned in its own venv under
`.cache/blind/<app>/venv`, and migrates an empty SQLite file `.cache/blind/<app>.sqlite` with the
application's own tool. Kept when built; `--force` builds again.

Run with:
    .venv/bin/python -m benchmarks.blind.build            # all three (about 3-6 minutes the first time)
    .venv/bin/python -m benchmarks.blind.build --only mlflow
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "blind"
INSTALL_LIMIT = 900.0
MIGRATE_LIMIT = 600.0

CMS_SETTINGS = """
import os
SECRET_KEY = "blind-benchmark-only"
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.sites",
    "cms", "menus", "treebeard", "sekizai", "easy_thumbnails", "filer",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["BLIND_DB"]}}
SITE_ID = 1
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
CMS_TEMPLATES = [("base.html", "Base")]
CMS_CONFIRM_VERSION4 = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
ROOT_URLCONF = "cms.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "sekizai.context_processors.sekizai", "cms.context_processors.cms_settings",
    ]},
}]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
"""


@dataclass(frozen=True)
class App:
    name: str
    what: str
    packages: tuple[str, ...]

    @property
    def home(self) -> Path:
        return CACHE / self.name

    @property
    def database(self) -> Path:
        return CACHE / f"{self.name}.sqlite"

    def bin(self, tool: str) -> str:
        return str(self.home / "venv" / "bin" / tool)


APPS = (
    App(
        "mlflow",
        "MLflow 3.17.2, ML lifecycle tracking; SQLAlchemy, migrated by its alembic",
        ("mlflow==3.17.2",),
    ),
    App(
        "pretalx",
        "pretalx 2025.2.2, conference planning; Django 5.2",
        ("pretalx==2025.2.2", "django==5.2.19"),
    ),
    App(
        "djangocms",
        "django CMS 5.1.3 with django-filer 3.6.0; Django 5.2",
        (
            "django-cms==5.1.3",
            "django-filer==3.6.0",
            "easy-thumbnails==2.10.1",
            "django==5.2.19",
            "packaging",
        ),
    ),
)


def _run(
    command: list[str], limit: float, env: dict[str, str] | None = None, cwd: Path | None = None
) -> None:
    started = time.monotonic()
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=limit, check=False
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise RuntimeError(f"{' '.join(command[:3])} … failed ({done.returncode}):\n{tail}")
    print(f"    {Path(command[0]).name} {' '.join(command[1:3])} … {time.monotonic() - started:.0f} s")


def install(app: App) -> None:
    stamp = app.home / "installed.txt"
    wanted = "\n".join(app.packages)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    venv.EnvBuilder(with_pip=True, clear=False).create(app.home / "venv")
    _run([app.bin("pip"), "install", "-q", *app.packages], INSTALL_LIMIT)
    stamp.write_text(wanted)


def migrate(app: App, target: Path) -> None:
    env = {**os.environ, "BLIND_DB": str(target)}
    with tempfile.TemporaryDirectory(prefix=f"blind-{app.name}-") as scratch:
        work = Path(scratch)
        if app.name == "mlflow":
            _run([app.bin("mlflow"), "db", "upgrade", f"sqlite:///{target}"], MIGRATE_LIMIT, env, work)
        elif app.name == "pretalx":
            (work / "data").mkdir()
            config = work / "pretalx.cfg"
            config.write_text(
                f"[database]\nbackend=sqlite3\nname={target}\n[filesystem]\ndata={work / 'data'}\n"
            )
            env["PRETALX_CONFIG_FILE"] = str(config)
            _run([app.bin("python"), "-m", "pretalx", "migrate", "-v0"], MIGRATE_LIMIT, env, work)
        else:
            (work / "blind_cms_settings.py").write_text(CMS_SETTINGS)
            command = [app.bin("django-admin"), "migrate", "--settings=blind_cms_settings"]
            _run([*command, f"--pythonpath={work}", "-v0"], MIGRATE_LIMIT, env, work)


def build(app: App, force: bool = False) -> Path:
    if app.database.exists() and not force:
        return app.database
    print(f"  {app.name}: {app.what}")
    app.home.mkdir(parents=True, exist_ok=True)
    install(app)
    partial = app.database.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    migrate(app, partial)
    shutil.move(partial, app.database)
    return app.database


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=[app.name for app in APPS], action="append")
    parser.add_argument("--force", action="store_true", help="migrate again even when built")
    args = parser.parse_args(argv)
    failed = 0
    for app in APPS:
        if args.only and app.name not in args.only:
            continue
        try:
            print(f"{app.name}: {build(app, args.force)}")
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            failed += 1
            print(f"{app.name}: not built: {exc}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
