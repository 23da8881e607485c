"""A CPU-weighted stack sampler for a benchmark's daphne, without py-spy.

    BENCH_SAMPLE_FILE=/tmp/x.txt python -m daphne ... bench.sampler:application
    .venv/bin/python bench/sampler.py /tmp/x.txt          # the top frames, self and inclusive

`application` is `server.asgi.application` with a daemon thread that, every
BENCH_SAMPLE_MS (5) ms, reads each thread's CPU clock (`time.pthread_getcpuclockid`) and stack
(`sys._current_frames()`), and adds the CPU the thread used since the last sample to its stack:
a thread waiting on a lock, a queue or the network uses no CPU and is not counted. Collapsed
stacks ("frame;frame;frame <microseconds>") are written to BENCH_SAMPLE_FILE every 2 s and on
exit (`kill -TERM` the daphne is fine: the last 2 s are lost). The sampler's own cost is a few %.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent


def _stack(frame: FrameType | None) -> str:
    names = []
    while frame is not None:
        code = frame.f_code
        module = Path(code.co_filename).stem
        names.append(f"{module}.{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    return ";".join(reversed(names))


def sample_forever(path: Path, interval: float) -> None:
    me = threading.get_ident()
    clocks: dict[int, int] = {}
    last: dict[int, float] = {}
    counts: Counter[str] = Counter()
    written = time.monotonic()
    while True:
        time.sleep(interval)
        frames = sys._current_frames()
        for ident, frame in frames.items():
            if ident == me:
                continue
            try:
                clock = clocks.get(ident)
                if clock is None:
                    clock = clocks[ident] = time.pthread_getcpuclockid(ident)
                used = time.clock_gettime(clock)
            except OSError:  # the thread ended meanwhile
                continue
            before = last.get(ident)
            last[ident] = used
            if before is not None and used > before:
                counts[_stack(frame)] += int((used - before) * 1e6)
        if time.monotonic() - written > 2.0:
            written = time.monotonic()
            lines = [f"{stack} {micros}" for stack, micros in counts.most_common()]
            path.write_text("\n".join(lines) + "\n")


def start() -> None:
    target = os.environ.get("BENCH_SAMPLE_FILE")
    if not target:
        return
    interval = float(os.environ.get("BENCH_SAMPLE_MS", "5")) / 1000
    thread = threading.Thread(
        target=sample_forever, args=(Path(target), interval), name="bench-sampler", daemon=True
    )
    thread.start()


def summary(path: Path, top: int = 40, match: str = "") -> str:
    """Self and inclusive CPU per frame (file:function, line numbers dropped) of a sample file."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, micros_text = line.rpartition(" ")
        micros = int(micros_text)
        total += micros
        frames = [f.rsplit(":", 1)[0] for f in stack.split(";")]
        own[frames[-1]] += micros
        for name in set(frames):
            inclusive[name] += micros
    out = [f"total CPU sampled: {total / 1e6:.2f} s", "-- self --"]
    out += [f"{m / total:6.1%}  {n}" for n, m in own.most_common(top) if match in n]
    out.append("-- inclusive --")
    out += [f"{m / total:6.1%}  {n}" for n, m in inclusive.most_common(top * 3) if match in n]
    return "\n".join(out)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1]), match=sys.argv[2] if len(sys.argv) > 2 else ""))
else:
    start()
    from server.asgi import application  # noqa: F401
