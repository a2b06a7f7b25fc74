"""The elective lottery: pure Python, no Django, reproducible from its seed.

The rule (shown to participants and staff):

1. The participants are put in a random order, drawn with the round's seed (Python's
   ``random.Random(seed).shuffle`` over the participants sorted by id), so the same seed and the
   same choices always give the same result.
2. Round 1: in that order, each participant gets the highest-ranked elective of their choice
   that still has a free place.
3. Further rounds, in the same order: each participant gets their next-ranked elective with a
   free place, until nobody gets anything more.

So nobody gets a second elective while someone who chose it has none; a choice someone did not
get was full when their turn came; and no elective takes more than its capacity.
"""

import random


def allocate(
    choices: dict[int, list[int]], capacity: dict[int, int], seed: int
) -> dict[int, list[int]]:
    """Places per participant (run ids, in the order given). ``choices``: participant id →
    run ids, most wanted first; ``capacity``: run id → places (a run without one has none)."""
    order = sorted(choices)
    random.Random(seed).shuffle(order)  # noqa: S311 (a fair, reproducible draw, not a secret)
    free = {run: max(0, places) for run, places in capacity.items()}
    result: dict[int, list[int]] = {p: [] for p in order}
    progress = True
    while progress:
        progress = False
        for participant in order:
            for run in choices[participant]:
                if run not in result[participant] and free.get(run, 0) > 0:
                    result[participant].append(run)
                    free[run] -= 1
                    progress = True
                    break
    return result


def lottery_order(participants: list[int], seed: int) -> list[int]:
    """The order the lottery draws for these participants with this seed."""
    order = sorted(participants)
    random.Random(seed).shuffle(order)  # noqa: S311
    return order
