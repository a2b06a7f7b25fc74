"""Prepare a web worker once its application is built.

Every view module is imported up front (Django imports them on the first request otherwise),
and everything loaded so far is moved out of the garbage collector's reach with
``gc.freeze()``: these objects live as long as the process, yet a full collection walked all of
them (about 150,000) and paused a request for 100–170 ms now and then (measured on the
committee's ranking right after a review changed; see bench/RESULTS.md). Frozen, a full
collection walks only what requests made.
"""

import gc


def prepare_worker() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every URLconf and view module)
    gc.collect()
    gc.freeze()
