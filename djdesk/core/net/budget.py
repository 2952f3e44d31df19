"""Call budgets per provider and overall (seed 000's subrequest tracker, made general).

The planner asks ``can_make`` before it schedules work; the transport records every request it
actually sends (retries included, coalesced followers excluded) and refuses once a limit is spent.
"""

from __future__ import annotations

from collections import Counter


class Budget:
    """Counts calls against optional limits; ``None`` means unlimited."""

    def __init__(self, limits: dict[str, int] | None = None, *, total: int | None = None) -> None:
        self._limits: dict[str, int] = dict(limits or {})
        self._total = total
        self._used: Counter[str] = Counter()

    def set_limit(self, provider: str | None, n: int | None) -> None:
        """Set (or with ``n=None`` lift) one provider's limit, or the overall one for ``None``."""
        if provider is None:
            self._total = n
        elif n is None:
            self._limits.pop(provider, None)
        else:
            self._limits[provider] = n

    def record(self, provider: str, n: int = 1) -> None:
        self._used[provider] += n

    def used(self, provider: str | None = None) -> int:
        return self._used[provider] if provider is not None else sum(self._used.values())

    def remaining(self, provider: str | None = None) -> int | None:
        """Calls still allowed: for a provider, the tighter of its own and the overall limit."""
        overall = None if self._total is None else max(0, self._total - self.used())
        if provider is None:
            return overall
        limit = self._limits.get(provider)
        own = None if limit is None else max(0, limit - self._used[provider])
        if own is None:
            return overall
        return own if overall is None else min(own, overall)

    def can_make(self, provider: str, n: int = 1) -> bool:
        left = self.remaining(provider)
        return left is None or left >= n

    def __repr__(self) -> str:
        return f"<Budget used={dict(self._used)} limits={self._limits} total={self._total}>"
