"""Disclosure control for Compare settings: counts of 1 to 4 are never shown nor derivable where
the LA suppresses small numbers (the default).

Primary suppression hides a setting whose count or base is 1 to 4, and every figure made from it
(its rate, its p-value, its flag: a flag with the limits at its size would narrow the count).
Secondary suppression, as the ONS and the DfE do it, then stops subtraction from giving it back:
- the LA's total is known to anyone who reads the expected rate and the bases (expected rate ×
  every base), so as soon as one setting is hidden, the shown setting with the smallest count of 5
  or more is hidden too (every setting, when none has 5): the total minus what is shown is then a
  sum that holds a count of 5 or more that nobody can read (two small counts alone would not do: a
  sum of 2 means 1 and 1, and a hidden 0 neither);
- a group holding a hidden setting has its totals hidden (its count, base, rate and interval), so a
  group total minus the settings shown in it gives nothing back; with the LA's total known, the
  hidden groups' totals together give only the sum of their hidden settings, which holds the
  secondary one.
Hidden settings are not drawn in the funnel plot (a point's place is its base and its rate, which
multiply back to its count) and come last in the table whatever the order chosen, so their place
among the shown rates tells nothing either.
"""

from dataclasses import dataclass, field

import pandas as pd

SMALL = 5  # counts of 1 to 4 are suppressed


def is_small(value: float) -> bool:
    return 0 < value < SMALL


@dataclass(frozen=True)
class Suppression:
    primary: frozenset = field(default_factory=frozenset)  # settings (row labels) with a count or base of 1 to 4
    secondary: frozenset = field(default_factory=frozenset)  # settings hidden so the primary cannot be derived
    groups: frozenset = field(default_factory=frozenset)  # groups whose totals are hidden

    def hides(self, setting) -> bool:
        return setting in self.primary or setting in self.secondary

    @property
    def hidden(self) -> int:
        return len(self.primary) + len(self.secondary)


def suppression_of(settings: pd.DataFrame, group: str | None, *, on: bool) -> Suppression:
    """What to hide of a funnel's ``settings`` (one row each, with count and base) and, grouped by
    the column ``group``, of its groups' totals."""
    if not on or settings.empty:
        return Suppression()
    small = settings["count"].map(is_small) | settings["base"].map(is_small)
    primary = frozenset(settings.index[small])
    secondary = frozenset()
    if primary:
        # A count of 5 or more: a hidden 0 would not do (a total of 1 would then mean 1 and 0).
        # With none, every setting is hidden.
        shown = settings[~small].sort_values(["count", "base"])
        large = shown[shown["count"] >= SMALL]
        secondary = frozenset(large.index[:1]) if not large.empty else frozenset(shown.index)
    groups = frozenset()
    if group and group in settings:
        names = settings[group].astype(str)
        hidden = settings.index.isin(list(primary | secondary))
        totals = settings.groupby(names)[["count", "base"]].sum()
        small_groups = totals.index[totals["count"].map(is_small) | totals["base"].map(is_small)]
        groups = frozenset(names[hidden]) | frozenset(small_groups)
    return Suppression(primary, secondary, groups)
