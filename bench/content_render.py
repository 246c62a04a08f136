"""How long loading and rendering the whole course takes (once per process, at start-up).

    .venv/bin/python -m bench.content_render
"""
import time

from app.content.course import build_course
from tests.conftest import REPO

if __name__ == "__main__":
    build_course(REPO)  # imports and warm caches
    times = []
    for _ in range(5):
        started = time.perf_counter()
        course, problems = build_course(REPO)
        times.append(time.perf_counter() - started)
    print(f"build_course: best {min(times):.2f} s, median {sorted(times)[2]:.2f} s over 5 "
          f"({len(course.modules)} modules, {len(course.question_bank.questions)} questions, "
          f"{len(course.scenarios)} dilemmas)")
