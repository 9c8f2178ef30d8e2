"""Near-duplicate detection primitives."""

from __future__ import annotations

from ingest.dedup import Groups, MinHasher, containment, jaccard

A = ("Iran said in November it had finalized arrangements for Russia to provide it with Su-35 "
     "fighter jets, Mi-28 attack helicopters and Yak-130 pilot training aircraft.")
B = ("In November, Iran said it had finalized arrangements for Russia to provide it with Su-35 "
     "fighter jets, Mi-28 attack helicopters and Yak-130 pilot training aircraft, officials said.")
C = "The council approved protected bike lanes on Main Street by a vote of five to one."


def test_similarity_measures_separate_rewrites_from_other_text() -> None:
    assert jaccard(A, B) > 0.6
    assert containment(A, B) > 0.8
    assert jaccard(A, C) < 0.05


def test_minhash_finds_the_near_duplicate_only() -> None:
    hasher = MinHasher(threshold=0.5)
    assert hasher.add("a", A) == []
    assert hasher.add("c", C) == []
    assert hasher.add("b", B) == ["a"]


def test_groups_join_transitively_with_stable_ids() -> None:
    groups = Groups(["x", "y", "z", "w"])
    groups.union("y", "z")
    groups.union("z", "x")
    assert groups.groups() == {"w": ["w"], "x": ["x", "y", "z"]}
