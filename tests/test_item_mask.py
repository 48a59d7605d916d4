"""The vectorized filter mask (`Index.item_mask`) against the per-item Python rule it replaced."""

from datetime import datetime
from itertools import product

import numpy as np


def reference(items, kinds, orgs, people, scheduled_only, time_from, time_to):
    """The loop `Searcher._allowed` ran before: an item passes when no filter rules it out."""
    lo = datetime.fromisoformat(time_from) if time_from else None
    hi = datetime.fromisoformat(time_to) if time_to else None
    mask = np.ones(len(items), dtype=bool)
    for row, item in enumerate(items):
        out_of_time = (lo or hi) and (not item.start or (lo and item.start_dt < lo) or (hi and item.start_dt >= hi))
        mask[row] = not (
            (kinds and item.kind not in kinds)
            or (orgs and not set(orgs) & set(item.orgs))
            or (people and not {n.casefold() for n in people} & {n.casefold() for n in item.names()})
            or (scheduled_only and not item.start)
            or out_of_time
        )
    return mask


def test_item_mask_equals_the_per_item_rule(fake_searcher):
    index = fake_searcher.index
    items = index.items
    scheduled = sorted(i.start for i in items if i.start)
    person = items[3].names()[0] if items[3].people else "Nobody"
    kinds = [(), ("poster",), ("talk", "panel")]
    orgs = [(), ("Meta",), ("Snowflake", "Fiddler AI"), ("No Such Org",)]
    people = [(), (person.upper(),), ("nobody at all",)]
    times = [(None, None), (scheduled[3], None), (None, scheduled[-4]), (scheduled[2], scheduled[10])]
    checked = 0
    for k, o, p, sched, (t0, t1) in product(kinds, orgs, people, (False, True), times):
        got = index.item_mask(k, o, p, sched, t0, t1)
        assert got.dtype == bool and got.shape == (len(items),)
        assert (got == reference(items, k, o, p, sched, t0, t1)).all(), (k, o, p, sched, t0, t1)
        checked += int(got.sum())
    assert checked > 0
