"""glibc's allocator, told to keep what it frees: training at the machine's speed.

A training step allocates and frees the same large buffers (activations, gradients) every time.
glibc serves buffers above its mmap threshold with fresh ``mmap`` calls and returns them with
``munmap``, and trims the heap's top above its trim threshold, so every step faults its buffers' pages
back in (BENCHMARKS.md, "Training": the page faults a step with glibc's defaults and with this). The
threshold adapts upwards as buffers are freed, so a process escapes this only by the accident of its
allocation history.

:func:`hold_freed_memory` sets both thresholds once (``mallopt(M_MMAP_THRESHOLD, 32 MiB)``, the
largest glibc accepts on 64-bit, and ``mallopt(M_TRIM_THRESHOLD, 1 GiB)``): buffers up to 32 MiB come
from the heap, and freed memory stays mapped for the next step. The trainer and the study's workers
call it. Elsewhere than glibc (macOS, musl, Windows) it does nothing and says so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h
MMAP_THRESHOLD = 32 * 2**20  # HEAP_MAX_SIZE / 2 on 64-bit glibc: mallopt refuses more
TRIM_THRESHOLD = 2**30


@functools.cache
def hold_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds (see the module docstring) for this process, once: True
    when both were set, False where the C library is not glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
