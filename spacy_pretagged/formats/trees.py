"""Is a sentence's parse a tree? The check every reader of parsed formats runs.

spaCy's `Doc.from_array` takes any heads it is given, cycles included, and a cyclic or
two-rooted "tree" then breaks sentence boundaries, displaCy and the DependencyMatcher far
from where it came in. So a reader checks each sentence's heads here, while it still knows
the file, line and key of the sentence, and reports the first fault in its own terms.

Heads are given as CoNLL-U HEAD and HanLP 2.x / LTP 4 `dep` give them: 1-based word
numbers within the sentence, 0 for the root. Pure Python, no spaCy.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

#: (index of the word at fault, 0-based; what is wrong), or None for a tree.
TreeError = Optional[Tuple[int, str]]


def tree_error(heads: Sequence[object]) -> TreeError:
    """The first fault of `heads` as a dependency tree, or None if they make one: every
    head a whole number from 0 to the sentence's length, no word its own head, no cycle,
    exactly one root. Linear in the sentence's length."""
    n = len(heads)
    for i, head in enumerate(heads):
        if not isinstance(head, int) or isinstance(head, bool):
            return i, f"head {head!r} is not a word number"
        if head < 0 or head > n:
            return i, f"head {head} is outside the sentence of {n} words"
        if head == i + 1:
            return i, f"word {i + 1} is its own head"
    # Every word has one head, so following heads from any word ends at the root or
    # goes round a cycle; each word is walked once (0: not seen, 1: on this walk, 2: done).
    state = [0] * n
    for start in range(n):
        path: List[int] = []
        i = start
        while i >= 0 and state[i] == 0:
            state[i] = 1
            path.append(i)
            i = int(heads[i]) - 1  # type: ignore[call-overload]
        if i >= 0 and state[i] == 1:
            cycle = path[path.index(i):]
            words = ", ".join(str(w + 1) for w in sorted(cycle))
            return min(cycle), f"words {words} are heads of each other (a cycle)"
        for j in path:
            state[j] = 2
    roots = [i for i, head in enumerate(heads) if head == 0]
    if len(roots) > 1:
        return roots[1], (f"{len(roots)} roots (words {', '.join(str(r + 1) for r in roots)}): "
                          "a sentence has one")
    if not roots and n:  # unreachable after the cycle check; kept as the definition
        return 0, "no root"
    return None


def heads_in_reading(heads: Sequence[int], index: Sequence[int]) -> List[int]:
    """A checked sentence's 1-based heads as `Reading.heads` has them: the head's token index
    in the Reading (`index[w]`: where word w of the sentence is), a root its own."""
    return [index[w] if head == 0 else index[head - 1] for w, head in enumerate(heads)]
