"""Named random streams: the basis of common random numbers (CRN).

Every random decision draws from a generator derived from ``(seed, stream name, day)``.
Two scenarios on the same seed therefore consume identical random numbers for every process
on every day, whatever the other processes did: they differ only by what the strategy changed.
"""

from __future__ import annotations

import zlib

import numba
import numpy as np
from numpy.random.bit_generator import ISeedSequence


def _name_key(name: str) -> int:
    # crc32 is stable across processes and Python versions (unlike hash()).
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """A family of independent generators keyed by name (and optionally by day).

    Args:
        seed: Root seed of the run.

    Example:
        >>> s = Streams(1)
        >>> a = s.get("crime", day=3).random()
        >>> a == Streams(1).get("crime", day=3).random()
        True
    """

    def __init__(self, seed: int) -> None:
        if int(seed) < 0:
            raise ValueError(f"seed: expected a non-negative integer, got {seed}")
        self.seed = int(seed)
        self._static: dict[str, np.random.Generator] = {}
        self._keys: dict[str, int] = {}

    def get(self, name: str, day: int | None = None) -> np.random.Generator:
        """Return the generator for ``name``; a fresh one per ``day`` when given.

        Without ``day`` the same generator object is returned on every call, for one-off
        draws at initialization. With ``day`` a new generator is derived each call, so the
        draws of one day never depend on how many numbers earlier days consumed.
        """
        if day is None:
            gen = self._static.get(name)
            if gen is None:
                gen = np.random.default_rng(np.random.SeedSequence([self.seed, _name_key(name)]))
                self._static[name] = gen
            return gen
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = _name_key(name)
        # Offset day so that negative burn-in days stay distinct non-negative entropy words.
        word = int(day) + 1_000_000
        if self.seed < 2**32 and 0 <= word < 2**32:
            # Three 32-bit words: the state SeedSequence([seed, key, word]) gives a PCG64,
            # computed in one compiled call (a dozen streams a day; SeedSequence's own
            # hashing was most of a stream's cost).
            seeded = _PCG64State(_pcg64_seed_state(self.seed, key, word))
            return np.random.Generator(np.random.PCG64(seeded))
        seq = np.random.SeedSequence([self.seed, key, word])
        return np.random.Generator(np.random.PCG64(seq))


class _PCG64State(ISeedSequence):
    """A seed sequence whose only state is the one a PCG64 asks of it (4 x 64 bits)."""

    __slots__ = ("state",)

    def __init__(self, state: np.ndarray) -> None:
        self.state = state

    def generate_state(self, n_words: int, dtype: type = np.uint32) -> np.ndarray:
        """The state computed for a PCG64: 4 words of ``uint64``, nothing else."""
        if n_words != len(self.state) or np.dtype(dtype) != np.uint64:
            raise ValueError(f"expected 4 uint64 words (PCG64), got {n_words} of {dtype}")
        return self.state


# numpy.random.SeedSequence's constants (O'Neill's seed_seq alternative, pool of 4 words).
_U = np.uint64
_MASK = _U(0xFFFFFFFF)
_INIT_A, _MULT_A = _U(0x43B0D7E5), _U(0x931E8875)
_INIT_B, _MULT_B = _U(0x8B51F9DD), _U(0x58F38DED)
_MIX_L, _MIX_R = _U(0xCA01F9DD), _U(0x4973F715)
_SHIFT = _U(16)


@numba.njit(cache=True)
def _pcg64_seed_state(w0: int, w1: int, w2: int) -> np.ndarray:  # pragma: no cover - compiled
    """``SeedSequence(np.array([w0, w1, w2], np.uint32)).generate_state(4, np.uint64)``.

    NumPy's algorithm, word for word (uint32 arithmetic, kept in uint64 and masked): hash
    the entropy into a pool of four words, mix every word into every other, then draw eight
    32-bit words and pair them little-endian. ``tests/test_mechanisms.py`` checks it against
    NumPy.
    """
    entropy = np.array([w0, w1, w2], np.uint64)
    pool = np.zeros(4, np.uint64)
    hash_a = _INIT_A
    for i in range(4):
        value = entropy[i] if i < 3 else _U(0)
        value ^= hash_a
        hash_a = (hash_a * _MULT_A) & _MASK
        value = (value * hash_a) & _MASK
        pool[i] = value ^ (value >> _SHIFT)
    for src in range(4):
        for dst in range(4):
            if src != dst:
                value = pool[src] ^ hash_a
                hash_a = (hash_a * _MULT_A) & _MASK
                value = (value * hash_a) & _MASK
                value ^= value >> _SHIFT
                mixed = ((_MIX_L * pool[dst]) - (_MIX_R * value)) & _MASK
                pool[dst] = mixed ^ (mixed >> _SHIFT)
    state = np.zeros(4, np.uint64)
    hash_b = _INIT_B
    for i in range(8):
        value = pool[i % 4] ^ hash_b
        hash_b = (hash_b * _MULT_B) & _MASK
        value = (value * hash_b) & _MASK
        value ^= value >> _SHIFT
        state[i // 2] |= value << _U(32 * (i % 2))
    return state
