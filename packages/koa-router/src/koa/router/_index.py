"""Finding the layers that may match a path without trying every layer.

@koa/router tests every layer's regex in turn, so a request costs time in
proportion to the number of routes. Here the layers of a stack are indexed in
a segment trie (a radix tree over ``/``-separated segments), built once and
rebuilt when the stack changes:

* a static segment is a child keyed by its text (lower-cased for
  case-insensitive layers, whose matching the request path is folded to);
* a segment holding ``:params`` (and no wildcard) is the one "any segment"
  child of its node;
* a segment holding a ``*wildcard`` can span the rest of the path: the layer
  is kept at that node as "anything below";
* at the last segment a layer is kept as "ends here" (routes) or "here or
  below" (``use()`` paths, which match prefixes);
* raw regex layers cannot be indexed: they are always candidates.

Most routes need no trie at all: a route whose segments are all static
(``/health``) or static but the last (``/api/v1/users/:id``, the REST shape)
is kept in a table keyed by its whole path, or by its path without the last
segment, and found with one or two dict lookups (and the same again without a
trailing ``/``). Only the other layers go into the trie.

A lookup walks the trie along the request's segments and collects those
layers: a superset of the matching layers, usually one or two. The router then
runs each candidate's own regex, in registration order, so the result is
exactly what a linear scan gives (order, multiple matches, ``use()`` layers,
regex fallbacks). Nothing is cached per request path.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from ._layer import Layer
from ._path import Param, Text, Wildcard

__all__ = ["Index"]

# Non-ASCII characters that Python's case-insensitive ``re`` matches to an
# ASCII letter (checked against ``re`` by the tests): folded to that letter so
# that such a request segment still finds the ASCII route that will match it.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def fold(text: str) -> str:
    """The key a case-insensitive layer's static text, or a request path, is
    looked up by: ASCII lower case (with the four non-ASCII letters ``re``
    equates with ASCII ones mapped to them)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD).lower()


class _Node:
    __slots__ = ("below", "ends", "param", "run", "run_end", "static")

    def __init__(self) -> None:
        self.static: dict[str, _Node] = {}
        self.param: _Node | None = None
        #: Set by :meth:`compress`: the keys of a chain of nodes below this
        #: one that each have one static child and nothing else, and where
        #: the chain ends (the node after the last key).
        self.run: list[str] | None = None
        self.run_end: _Node | None = None
        #: Layers whose path ends at this node (a trailing "/" may follow).
        self.ends: list[int] = []
        #: Layers matching anything at or below this node.
        self.below: list[int] = []

    def child(self, key: str | None) -> _Node:
        if key is None:
            node = self.param
            if node is None:
                node = self.param = _Node()
            return node
        node = self.static.get(key)
        if node is None:
            node = self.static[key] = _Node()
        return node

    def _passes_through(self) -> bool:
        return len(self.static) == 1 and not (self.param or self.ends or self.below)

    def compress(self) -> None:
        """Mark the runs of pass-through nodes (see :attr:`run`), here and below."""
        if self._passes_through():
            run: list[str] = []
            node = self
            while node._passes_through():
                ((key, node),) = node.static.items()
                run.append(key)
            self.run, self.run_end = run, node
            node.compress()
            return
        for child in self.static.values():
            child.compress()
        if self.param is not None:
            self.param.compress()


class _Table:
    """Routes found by dict lookups: ``statics`` by their whole path,
    ``tails`` (a last segment with params) by the path before that segment."""

    __slots__ = ("statics", "tails")

    def __init__(self) -> None:
        self.statics: dict[str, list[int]] = {}
        self.tails: dict[str, list[int]] = {}

    def find(self, path: str, found: list[int]) -> None:
        for _ in (0, 1):  # the path, then without a trailing "/" the route may not have
            hit = self.statics.get(path)
            if hit:
                found.extend(hit)
            head, _, tail = path.rpartition("/")
            if tail:
                hit = self.tails.get(head)
                if hit:
                    found.extend(hit)
                return
            if not path:
                return
            path = path[:-1]


class Index:
    """The layers of a stack, for lookups by path and by name."""

    __slots__ = (
        "_always",
        "_exact",
        "_exact_table",
        "_folded",
        "_folded_table",
        "_layers",
        "last",
        "named",
        "size",
    )

    def __init__(self, stack: Sequence[Layer]) -> None:
        self._layers = list(stack)
        #: What :meth:`indexes` compares: the stack's length and last layer.
        self.size = len(stack)
        self.last = stack[-1] if stack else None
        self._exact: _Node | None = None
        self._folded: _Node | None = None
        self._exact_table: _Table | None = None
        self._folded_table: _Table | None = None
        self._always: list[int] = []
        #: The first layer of each route name.
        self.named: dict[Hashable, Layer] = {}
        for position, layer in enumerate(self._layers):
            if layer.name is not None:
                self.named.setdefault(layer.name, layer)
            self._add(position, layer)
        roots: list[_Node | None] = [self._exact, self._folded]  # set by _add()
        for root in roots:
            if root is not None:
                root.compress()

    # -- building ------------------------------------------------------------

    def _root(self, sensitive: bool) -> _Node:
        if sensitive:
            if self._exact is None:
                self._exact = _Node()
            return self._exact
        if self._folded is None:
            self._folded = _Node()
        return self._folded

    def _add(self, position: int, layer: Layer) -> None:
        kind, literal, sequences = layer.index_shape
        if kind == "empty":
            return  # never matches
        sensitive = layer.opts.sensitive
        if kind == "boundary":
            node = self._root(sensitive)
            if literal:
                for segment in literal.split("/"):
                    node = node.child(self._key(segment, sensitive))
            node.below.append(position)
        elif kind == "pattern":
            for sequence in sequences:
                self._add_sequence(position, layer, sequence, sensitive)
        else:
            self._always.append(position)

    def _table(self, sensitive: bool) -> _Table:
        if sensitive:
            if self._exact_table is None:
                self._exact_table = _Table()
            return self._exact_table
        if self._folded_table is None:
            self._folded_table = _Table()
        return self._folded_table

    def _key(self, text: str, sensitive: bool) -> str | None:
        if sensitive:
            return text
        if text.isascii():
            return text.lower()
        return None  # non-ASCII text folds in ways only the regex knows: any segment

    def _add_sequence(
        self,
        position: int,
        layer: Layer,
        sequence: Sequence[Text | Param | Wildcard],
        sensitive: bool,
    ) -> None:
        keys: list[str | None] = []  # each complete segment's key (None: any)
        segment: list[str] = []  # static text of the current segment
        dynamic = False  # the current segment holds a :param
        for token in sequence:
            if isinstance(token, Wildcard):
                node = self._root(sensitive)
                for key in keys:
                    node = node.child(key)
                node.below.append(position)  # may span any number of segments
                return
            if isinstance(token, Param):
                dynamic = True
                continue
            parts = token.value.split("/")
            segment.append(parts[0])
            for part in parts[1:]:
                keys.append(None if dynamic else self._key("".join(segment), sensitive))
                segment = [part]
                dynamic = False
        last = None if dynamic else self._key("".join(segment), sensitive)
        if layer.opts.end and None not in keys and (dynamic or last is not None):
            table = self._table(sensitive)
            static = "/".join(keys)  # type: ignore[arg-type]  # no None in keys
            if dynamic:
                table.tails.setdefault(static, []).append(position)
            else:
                table.statics.setdefault(f"{static}/{last}" if keys else str(last), []).append(
                    position
                )
            return
        node = self._root(sensitive)
        for key in keys:
            node = node.child(key)
        node = node.child(last)
        if layer.opts.end:
            node.ends.append(position)
        else:
            node.below.append(position)

    # -- lookups -------------------------------------------------------------

    def indexes(self, stack: Sequence[Layer]) -> bool:
        """Whether this index is still that of *stack* (layers are only ever
        added at its end or the stack is replaced, which the router notices)."""
        return len(stack) == self.size and (not stack or stack[-1] is self.last)

    def candidates(self, path: str) -> list[Layer]:
        """Layers that may match *path* (a superset), in registration order."""
        found: list[int] = []
        if self._exact_table is not None:
            self._exact_table.find(path, found)
        if self._exact is not None:
            _walk(self._exact, path.split("/"), found)
        if self._folded_table is not None or self._folded is not None:
            folded = path.lower() if path.isascii() else fold(path)
            if self._folded_table is not None:
                self._folded_table.find(folded, found)
            if self._folded is not None:
                _walk(self._folded, folded.split("/"), found)
        if self._always:
            found.extend(self._always)
        if len(found) == 1:
            return [self._layers[found[0]]]
        layers = self._layers
        return [layers[position] for position in sorted(set(found))]


def _walk(node: _Node, segments: list[str], found: list[int], index: int = 0) -> None:
    # Follows the one matching branch in a loop; only a node with both a
    # static child and a param child for the segment recurses. A run of
    # nodes with one static child and nothing else is crossed in one step.
    count = len(segments)
    last = count - 1
    while True:
        run = node.run
        if run is not None:
            end = index + len(run)
            if segments[index:end] != run:
                return
            index = end
            node = node.run_end  # type: ignore[assignment]
        if node.below:
            found.extend(node.below)
        if node.ends and (index == count or (index == last and not segments[last])):
            found.extend(node.ends)
        if index >= count:
            return
        child = node.static.get(segments[index])
        index += 1
        param = node.param
        if child is None:
            if param is None:
                return
            node = param
        else:
            if param is not None:
                _walk(param, segments, found, index)
            node = child
