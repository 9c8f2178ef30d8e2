"""Near-duplicate detection: MinHash signatures (datasketch) and story groups (union-find)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-cased word tokens, punctuation and quote styles ignored."""
    return _WORD.findall(text.lower())


def shingles(text: str, k: int = 3) -> set[str]:
    """Word k-shingles of a text (the whole text as one shingle when it is shorter than k)."""
    tokens = words(text)
    if len(tokens) < k:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


def jaccard(a: str, b: str, k: int = 3) -> float:
    """Exact Jaccard similarity of two texts' shingle sets (for the few texts of one query)."""
    sa, sb = shingles(a, k), shingles(b, k)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def containment(a: str, b: str, k: int = 3) -> float:
    """Share of the smaller text's shingles found in the other: catches a paragraph quoted whole."""
    sa, sb = shingles(a, k), shingles(b, k)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


class MinHasher:
    """MinHash signatures and an LSH index over documents, for grouping near-duplicates at scale."""

    def __init__(self, threshold: float = 0.5, num_perm: int = 128, k: int = 3) -> None:
        from datasketch import MinHashLSH

        self.threshold, self.num_perm, self.k = threshold, num_perm, k
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sigs: dict[str, object] = {}

    def signature(self, text: str):  # type: ignore[no-untyped-def]
        from datasketch import MinHash

        sig = MinHash(num_perm=self.num_perm)
        sig.update_batch([s.encode("utf-8") for s in shingles(text, self.k)])
        return sig

    def add(self, key: str, text: str) -> list[str]:
        """Index a text; return the keys already indexed that are near-duplicates of it."""
        sig = self.signature(text)
        similar = [other for other in self._lsh.query(sig) if other != key]
        if key not in self._sigs:
            self._lsh.insert(key, sig)
        self._sigs[key] = sig
        return similar


class Groups:
    """Union-find over keys: keys joined directly or through others share a group."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._parent: dict[str, str] = {}
        for key in keys:
            self.add(key)

    def add(self, key: str) -> None:
        self._parent.setdefault(key, key)

    def find(self, key: str) -> str:
        self.add(key)
        root = key
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[key] != root:
            self._parent[key], key = root, self._parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller key wins so group ids do not depend on insertion order.
            low, high = sorted((ra, rb))
            self._parent[high] = low

    def groups(self) -> dict[str, list[str]]:
        """Group id -> sorted members, for every group."""
        out: dict[str, list[str]] = {}
        for key in self._parent:
            out.setdefault(self.find(key), []).append(key)
        return {root: sorted(members) for root, members in out.items()}
