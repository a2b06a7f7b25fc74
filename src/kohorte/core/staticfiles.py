from django.contrib.staticfiles.apps import StaticFilesConfig


class KohorteStaticFilesConfig(StaticFilesConfig):
    """Leave out what the pages never load: unminified copies, sources, htmx's extensions and
    the second font family. Keeps collectstatic (and the first demo start) fast."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "*.scss",
        "*.map",
        "noto-sans*",
        "kern.css",
        "kern-grid.css",
        "kern-utilities.css",
        "kern-utilities.min.css",
        "htmx.js",
        "htmx.esm.*",
        "htmx.cjs.js",
        "htmx.amd.js",
        "ext",
    ]
