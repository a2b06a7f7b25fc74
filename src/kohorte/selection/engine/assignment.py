"""Who reviews which application.

Each application gets ``r`` distinct reviewers, none of them in conflict with it. Loads are
balanced to targets: equal shares (within one) or shares proportional to a stated capacity.
Assignments that are fixed (a review is already written) are kept as they are.

1. Targets: ``n * r`` review slots shared out by largest remainder; which reviewers get the
   extra one is decided by the seeded lottery.
2. Greedy fill: the application with the fewest free reviewers first; for each, the reviewers
   furthest below their target (ties at random).
3. Balance: while someone is above target and someone below, move one review along a chain
   of reviewers (an augmenting path: X gives an application to Y, Y gives another to Z...), so
   that conflicts are never broken. This reaches the targets whenever the conflicts allow.
4. Connect: the co-review graph (reviewers linked when they share an application) must be
   connected for calibration. Components are joined by swapping two reviewers between two
   applications, which keeps every load the same.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Problem:
    applications: list[str]
    reviewers: list[str]
    per_application: int = 3
    capacity: dict[str, int] = field(default_factory=dict)  # empty: equal shares
    conflicts: set[tuple[str, str]] = field(default_factory=set)  # (application, reviewer)
    # kept as they are; a fixed reviewer not in ``reviewers`` (who left) still counts towards r
    fixed: set[tuple[str, str]] = field(default_factory=set)
    seed: int = 0


@dataclass
class Plan:
    pairs: set[tuple[str, str]]
    targets: dict[str, int]
    loads: dict[str, int]
    short: dict[str, int]  # application -> reviewers missing (too few free of conflict)
    connected: bool
    components: int
    seed: int


def precheck(problem: Problem) -> dict[str, int]:
    """Applications with fewer than ``r`` reviewers free of conflict: how many they have."""
    free = _free(problem)
    return {a: len(free[a]) for a in problem.applications if len(free[a]) < problem.per_application}


def _free(problem: Problem) -> dict[str, list[str]]:
    return {
        a: [r for r in problem.reviewers if (a, r) not in problem.conflicts]
        for a in problem.applications
    }


def targets(
    problem: Problem, slots: int, rng: random.Random, limit: dict[str, int] | None = None
) -> dict[str, int]:
    """Share ``slots`` out equally or by capacity; extra slots by lottery (largest remainder).

    Nobody's share exceeds ``limit`` (the applications they can review at all, one review
    each); what a capped reviewer cannot take is shared among the others (water-filling).
    """
    reviewers = problem.reviewers
    if not reviewers:
        return {}
    limit = limit or {r: slots for r in reviewers}
    weights = {r: (problem.capacity.get(r, 0) if problem.capacity else 1) or 0 for r in reviewers}
    if not any(weights.values()):
        weights = dict.fromkeys(reviewers, 1)
    share: dict[str, int] = {}
    open_ = [r for r in reviewers if weights[r] > 0]
    remaining = slots
    exact: dict[str, float] = {}
    while open_:
        total = sum(weights[r] for r in open_)
        exact = {r: remaining * weights[r] / total for r in open_}
        capped = [r for r in open_ if exact[r] > limit[r]]
        if not capped:
            break
        for r in capped:
            share[r] = limit[r]
            remaining -= limit[r]
            open_.remove(r)
    for r in open_:
        share[r] = int(exact[r])
    for r in reviewers:
        share.setdefault(r, 0)
    order = list(open_)
    rng.shuffle(order)
    order.sort(key=lambda r: exact[r] - share[r], reverse=True)
    extra = slots - sum(share.values())
    for r in order:
        if extra <= 0:
            break
        if share[r] < limit[r]:
            share[r] += 1
            extra -= 1
    return share


def assign(problem: Problem) -> Plan:
    rng = random.Random(problem.seed)  # noqa: S311 (a recorded, reproducible tie-break)
    r_needed = problem.per_application
    free = _free(problem)
    active = set(problem.reviewers)
    pairs = {(a, r) for a, r in problem.fixed if r in active}
    by_app: dict[str, set[str]] = {a: set() for a in problem.applications}
    for a, r in problem.fixed:
        by_app.setdefault(a, set()).add(r)
    # the load to share: what is fixed with active reviewers, plus every open slot that a
    # reviewer free of conflict can fill (fixed pairs of reviewers who left count towards r)
    slots = len(pairs) + sum(
        max(0, min(r_needed - len(by_app[a]), len(set(free[a]) - by_app[a])))
        for a in problem.applications
    )
    reachable = {
        r: sum(1 for a in problem.applications if (a, r) not in problem.conflicts)
        for r in problem.reviewers
    }
    goal = targets(problem, slots, rng, reachable)
    loads = {r: 0 for r in problem.reviewers}
    for _, r in pairs:
        loads[r] += 1
    short = {}
    # 2. greedy, most constrained application first
    order = list(problem.applications)
    rng.shuffle(order)
    order.sort(key=lambda a: len(free[a]))
    for a in order:
        missing = r_needed - len(by_app[a])
        if missing <= 0:
            continue
        candidates = [r for r in free[a] if r not in by_app[a]]
        # furthest below target first; ties at random per application, so that reviewers are
        # mixed across applications (calibration compares reviewers on shared applications)
        tiebreak = {r: rng.random() for r in candidates}
        candidates.sort(
            key=lambda r: ((loads[r] - goal[r]) / max(goal[r], 1), loads[r], tiebreak[r])
        )
        for r in candidates[:missing]:
            pairs.add((a, r))
            by_app[a].add(r)
            loads[r] += 1
        if len(candidates) < missing:
            short[a] = missing - len(candidates)
    movable = pairs - problem.fixed
    _balance(problem, pairs, movable, by_app, loads, goal)
    components = _connect(problem, pairs, movable, by_app, rng)
    return Plan(
        pairs=pairs,
        targets=goal,
        loads=loads,
        short=short,
        connected=components <= 1,
        components=components,
        seed=problem.seed,
    )


def _balance(problem, pairs, movable, by_app, loads, goal) -> None:
    """Move reviews along augmenting paths from reviewers above target to those below."""
    conflicts = problem.conflicts
    reviewers = problem.reviewers
    while True:
        over = [r for r in reviewers if loads[r] > goal[r]]
        under = {r for r in reviewers if loads[r] < goal[r]}
        if not over or not under:
            return
        held: dict[str, list[str]] = {r: [] for r in reviewers}
        for a, r in movable:
            held[r].append(a)
        for r in held:
            held[r].sort()
        path = None
        for start in over:
            path = _path(start, under, held, by_app, conflicts, reviewers)
            if path:
                break
        if not path:
            return
        for giver, taker, a in path:
            pairs.discard((a, giver))
            movable.discard((a, giver))
            by_app[a].discard(giver)
            pairs.add((a, taker))
            movable.add((a, taker))
            by_app[a].add(taker)
            loads[giver] -= 1
            loads[taker] += 1


def _path(start, under, held, by_app, conflicts, reviewers):
    """Breadth-first search for giver → taker steps ending at a reviewer below target."""
    parent: dict[str, tuple[str, str] | None] = {start: None}
    queue = deque([start])
    while queue:
        giver = queue.popleft()
        for a in held[giver]:
            for taker in reviewers:
                if taker in parent or taker in by_app[a] or (a, taker) in conflicts:
                    continue
                parent[taker] = (giver, a)
                if taker in under:
                    steps = []
                    node = taker
                    while parent[node] is not None:
                        prev, app = parent[node]
                        steps.append((prev, node, app))
                        node = prev
                    # apply from the end of the chain backwards, so each giver still holds its
                    # application when it gives it away
                    return steps
                queue.append(taker)
    return None


def _components(reviewers, by_app) -> list[set[str]]:
    parent = {r: r for r in reviewers}

    def find(r):
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for members in by_app.values():
        members = [m for m in members if m in parent]
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    groups: dict[str, set[str]] = {}
    for r in reviewers:
        groups.setdefault(find(r), set()).add(r)
    # a reviewer with no application at all does not split the graph
    loaded = {r for members in by_app.values() for r in members}
    return [g for g in groups.values() if g & loaded]


def _swap(pairs, movable, by_app, a, x, b, y) -> None:
    for app, old, new in ((a, x, y), (b, y, x)):
        pairs.discard((app, old))
        movable.discard((app, old))
        by_app[app].discard(old)
        pairs.add((app, new))
        movable.add((app, new))
        by_app[app].add(new)


def _connect(problem, pairs, movable, by_app, rng, budget: int = 5000) -> int:
    """Join the co-review graph's components by swaps that keep every load the same.

    A swap gives reviewer x's application a (in one component) to reviewer y and y's
    application b (in another) to x. It is kept only if it lowers the number of components,
    so the search never cycles; ``budget`` bounds the swaps tried.
    """
    conflicts = problem.conflicts
    count = len(_components(problem.reviewers, by_app))
    tried = 0
    while count > 1 and tried < budget:
        components = _components(problem.reviewers, by_app)
        first = components[0]
        inside = [a for a, m in by_app.items() if m & first]
        outside = [a for a, m in by_app.items() if not m & first and m]
        rng.shuffle(inside)
        rng.shuffle(outside)
        improved = False
        for a in inside:
            for b in outside:
                for x in sorted(by_app[a] & first):
                    if (a, x) not in movable or x in by_app[b] or (b, x) in conflicts:
                        continue
                    for y in sorted(by_app[b]):
                        if (b, y) not in movable or y in by_app[a] or (a, y) in conflicts:
                            continue
                        tried += 1
                        _swap(pairs, movable, by_app, a, x, b, y)
                        after = len(_components(problem.reviewers, by_app))
                        if after < count:
                            count, improved = after, True
                            break
                        _swap(pairs, movable, by_app, a, y, b, x)  # undo
                        if tried >= budget:
                            return count
                    if improved:
                        break
                if improved:
                    break
            if improved:
                break
        if not improved:
            return count
    return count
