"""Build SQLite schemas of open-source Django applications from PyPI, for the understanding benchmark.

Each application gets its own virtual environment under ``.cache/schemas/<app>/venv`` (never the
project's, so their dependency pins stay apart), a minimal settings module listing its apps, and a
``migrate`` run that leaves ``.cache/schemas/<app>.sqlite``. A schema that already exists is kept.
Run ``python -m benchmarks.understanding.schemas`` (``--only wagtail`` for one).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "schemas"
STEP_TIMEOUT_S = 900
DJANGO = "Django==5.2.19"
"""Versions are pinned so that every machine migrates the same schema (the figures depend on it)."""


@dataclass(frozen=True)
class App:
    """One application: what to pip-install and the Django apps its settings list."""

    name: str
    requirements: tuple[str, ...]
    installed_apps: tuple[str, ...]
    extra_settings: str = ""


_CONTRIB = (
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.flatpages",
)

APPS: dict[str, App] = {
    "oscar": App(
        name="oscar",
        requirements=("django-oscar==4.2.1", DJANGO),
        installed_apps=(
            *_CONTRIB,
            "oscar.config.Shop",
            "oscar.apps.analytics.apps.AnalyticsConfig",
            "oscar.apps.checkout.apps.CheckoutConfig",
            "oscar.apps.address.apps.AddressConfig",
            "oscar.apps.shipping.apps.ShippingConfig",
            "oscar.apps.catalogue.apps.CatalogueConfig",
            "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
            "oscar.apps.communication.apps.CommunicationConfig",
            "oscar.apps.partner.apps.PartnerConfig",
            "oscar.apps.basket.apps.BasketConfig",
            "oscar.apps.payment.apps.PaymentConfig",
            "oscar.apps.offer.apps.OfferConfig",
            "oscar.apps.order.apps.OrderConfig",
            "oscar.apps.customer.apps.CustomerConfig",
            "oscar.apps.search.apps.SearchConfig",
            "oscar.apps.voucher.apps.VoucherConfig",
            "oscar.apps.wishlists.apps.WishlistsConfig",
            "oscar.apps.dashboard.apps.DashboardConfig",
            "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
            "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
            "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
            "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
            "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
            "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
            "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
            "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
            "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
            "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
            "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
            "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
            "widget_tweaks",
            "haystack",
            "treebeard",
            "django_tables2",
        ),
        extra_settings=(
            "from oscar.defaults import *  # noqa: F403\n"
            "HAYSTACK_CONNECTIONS = {'default': {'ENGINE': "
            "'haystack.backends.simple_backend.SimpleEngine'}}\n"
        ),
    ),
    "wagtail": App(
        name="wagtail",
        requirements=("wagtail==8.0.1", DJANGO),
        installed_apps=(
            *_CONTRIB[:5],
            "wagtail.contrib.forms",
            "wagtail.contrib.redirects",
            "wagtail.contrib.search_promotions",
            "wagtail.embeds",
            "wagtail.sites",
            "wagtail.users",
            "wagtail.snippets",
            "wagtail.documents",
            "wagtail.images",
            "wagtail.search",
            "wagtail.admin",
            "wagtail",
            "modelcluster",
            "taggit",
        ),
    ),
    "helpdesk": App(
        name="helpdesk",
        requirements=("django-helpdesk[teams]==2.6.1", DJANGO),
        installed_apps=(
            *_CONTRIB[:6],
            "django.contrib.humanize",
            "rest_framework",
            "account",
            "pinax.invitations",
            "pinax.teams",
            "helpdesk",
        ),
    ),
}

_SETTINGS = """SECRET_KEY = "schema-build-only"
DEBUG = False
USE_TZ = True
SITE_ID = 1
ROOT_URLCONF = "schema_urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = {apps!r}
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
TEMPLATES = [{{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
    "OPTIONS": {{"context_processors": []}}}}]
MIDDLEWARE = []
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
{extra}"""


def _run(cmd: list[str], cwd: Path, log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, check=True, timeout=STEP_TIMEOUT_S)


def build(app: App) -> Path:
    """Leave ``.cache/schemas/<app>.sqlite`` (migrated); return its path. Kept if it exists."""
    target = CACHE / f"{app.name}.sqlite"
    if target.exists():
        return target
    work = CACHE / app.name
    work.mkdir(parents=True, exist_ok=True)
    log = work / "build.log"
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(venv)], work, log)
    _run([str(python), "-m", "pip", "install", "-q", *app.requirements], work, log)
    partial = work / "schema.sqlite"
    partial.unlink(missing_ok=True)
    (work / "schema_settings.py").write_text(
        _SETTINGS.format(apps=list(app.installed_apps), db=str(partial), extra=app.extra_settings)
    )
    (work / "schema_urls.py").write_text("urlpatterns: list[object] = []\n")
    env_cmd = [
        str(python),
        "-c",
        "import django.core.management as m, sys; m.execute_from_command_line(sys.argv)",
    ]
    _run(
        [
            *env_cmd,
            "migrate",
            "--noinput",
            "--skip-checks",
            "--settings=schema_settings",
            f"--pythonpath={work}",
        ],
        work,
        log,
    )
    partial.rename(target)
    return target


def main(argv: list[str] | None = None) -> int:
    """Build every schema (or ``--only`` some); print each path and how long it took."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", choices=sorted(APPS), help="build only this app")
    args = parser.parse_args(argv)
    failed = 0
    for name in args.only or sorted(APPS):
        started = time.monotonic()
        try:
            path = build(APPS[name])
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            failed += 1
            print(f"{name}: failed ({exc}); see {CACHE / name / 'build.log'}")
            continue
        print(f"{name}: {path.relative_to(ROOT)} ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
