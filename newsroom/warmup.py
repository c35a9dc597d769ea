"""Do once in the gunicorn master what every worker would otherwise do per process.

With ``preload_app`` the workers are forked from the master. Whatever the master
has already built — the URL resolver's reverse map, the compiled public templates
— every worker inherits for free, so a freshly forked (or recycled) worker serves
its first request as fast as its thousandth instead of stalling to compile
templates. gunicorn.conf.py calls ``warm()`` once the app is loaded.
"""

import gc
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver

# Editors' screens are compiled on demand: they are not where the load is.
SKIPPED_TEMPLATE_DIRS = ("admin",)


def public_template_names():
    """Every template under the project's template directories but the admin's."""
    names = []
    for engine in settings.TEMPLATES:
        for directory in map(Path, engine.get("DIRS", ())):
            for path in sorted(directory.rglob("*")):
                relative = path.relative_to(directory)
                if path.is_file() and relative.parts[0] not in SKIPPED_TEMPLATE_DIRS:
                    names.append(relative.as_posix())
    return names


def warm():
    """Build the URL maps and compile the public templates; return how many."""
    resolver = get_resolver()
    # Reading them builds the reverse and namespace maps that reverse() uses.
    resolver.reverse_dict  # noqa: B018
    resolver.namespace_dict  # noqa: B018
    names = public_template_names()
    for name in names:
        get_template(name)
    return len(names)


def freeze_heap():
    """Move what the master built out of the collector's sight before forking.

    The workers then neither scan those objects in every full collection nor
    copy their pages by touching reference counts from the collector.
    """
    gc.collect()
    gc.freeze()
