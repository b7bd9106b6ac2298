"""Finding the layers that may match a path (linear scan for now)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from ._layer import Layer

__all__ = ["Index"]


class Index:
    """The layers of a stack, for lookups by path and by name."""

    def __init__(self, stack: Sequence[Layer]) -> None:
        self.stack = list(stack)
        self.named: dict[Hashable, Layer] = {}
        for layer in self.stack:
            if layer.name is not None:
                self.named.setdefault(layer.name, layer)

    def candidates(self, path: str) -> Sequence[Layer]:
        """Layers that may match *path*, in registration order."""
        return self.stack
