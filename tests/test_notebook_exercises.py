"""The "Your turn" exercises of the notebooks: each names a real exercise, is committed unanswered, has one to three
hints and a solution, and passes with the right answer (worked by hand here, from the notes' tables) and with the
answer its own solution shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nbhelpers import exercises as ex

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("0[1-4]_*.ipynb"))
CALL = re.compile(r'^answer = \.\.\.  # .+\ncheck\("(\w+)", answer\)$')

# Worked by hand from the notes' tables at the notes' initialisation (every weight 1, every bias 0).
ROW2 = (294 * 70, 294 * 7, 294 * 70, 294 * 7, 294, 294, 294 * 77, 294 * 77, 294)  # dL/dy_hat = -2 (7 - 154) = 294
RIGHT = {
    "regression_forward_row2": (77, 77, 154, 147**2),
    "regression_mean_loss": (168**2 + 147**2 + 126**2 + 105**2) / 4,
    "regression_gradients_row2": ROW2,
    "regression_step_row2": tuple(v - 1e-5 * g for v, g in zip((1, 1, 1, 1, 0, 0, 1, 1, 0), ROW2)),
    "classification_forward_row4": (110, 110),  # z_f = 2 (50 + 5); J = 110 + log(1 + e^-110)
    "classification_mean_loss": (0 + 0 + 132 + 110) / 4,
    "classification_row4": (110, 1),  # dJ/dz_f = -(0 - 1)
    "classification_step_row4": tuple(
        v - 1e-3 * g for v, g in zip((1, 1, 1, 1, 0, 0, 1, 1, 0), (50, 5, 50, 5, 1, 1, 55, 55, 1))
    ),
}


def exercises_in(path: Path):
    """(exercise id, the markdown cell before its code cell, the code cell's source) for each exercise cell."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for before, cell in zip(cells, cells[1:]):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "check(" in source:
            match = CALL.match(source)
            assert match, f"{path.name}: an exercise cell reads {source!r}"
            yield match.group(1), "".join(before["source"]), source, cell


def all_exercises():
    return [(path.name, *found) for path in NOTEBOOKS for found in exercises_in(path)]


def test_every_notebook_ends_with_two_to_four_exercises():
    for path in NOTEBOOKS:
        ids = [found[0] for found in exercises_in(path)]
        assert 2 <= len(ids) <= 4, (path.name, ids)
    assert {found[1] for found in all_exercises()} <= set(ex.EXERCISES)


@pytest.mark.parametrize("notebook, exercise_id, text, source, cell", all_exercises(), ids=lambda v: str(v)[:30])
def test_exercise_cell(notebook, exercise_id, text, source, cell):
    hints = re.findall(r"<details><summary>Hint \d</summary>", text)
    assert 1 <= len(hints) <= 3 and text.count("<summary>Solution</summary>") == 1, (notebook, exercise_id)
    # committed unanswered: its output is the neutral box
    shown = "".join("".join(o.get("data", {}).get("text/plain", "")) for o in cell["outputs"])
    assert shown.startswith("[not answered]"), (notebook, exercise_id, shown)
    # the right answer, filled in as a learner would, passes
    namespace = {"check": ex.check}
    exec(source.replace("answer = ...", f"answer = {RIGHT[exercise_id]!r}", 1).rsplit("\n", 1)[0], namespace)
    feedback = ex.check(exercise_id, namespace["answer"])
    assert feedback.correct, (notebook, exercise_id, feedback.message)
    # and so does the answer the solution shows
    solution = text.split("<summary>Solution</summary>", 1)[1]
    (shown_answer,) = re.findall(r"`answer = ([^`]+)`", solution)
    assert ex.check(exercise_id, eval(shown_answer)).correct, (notebook, exercise_id, shown_answer)


def test_a_wrong_answer_in_a_notebook_cell_is_named():
    feedback = ex.check("regression_gradients_row2", tuple(g / 2 for g in ROW2))
    assert not feedback.correct and "factor 2 from the square is missing" in feedback.message


# --- notebook 05: the learner writes functions ----------------------------------------------------------------------
NOTEBOOK_05 = Path(__file__).resolve().parent.parent / "notebooks" / "05_backprop_yourself.ipynb"
FUNCTION_CELL = re.compile(r'^def (\w+)\((.*)\):\n    # your code: .+\n    return \.\.\.\n\n\ncheck\("(\w+)", \1\)$')
IDS_05 = ["forward", "regression_gradients", "classification_gradients", "sgd_step", "training_loop", "backward_layers"]


def exercises_05():
    """(exercise id, function name, the markdown before the cell, the cell) for each exercise of notebook 05."""
    cells = json.loads(NOTEBOOK_05.read_text(encoding="utf-8"))["cells"]
    found = []
    for before, cell in zip(cells, cells[1:]):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "check(" in source:
            match = FUNCTION_CELL.match(source)
            assert match, f"an exercise cell of 05 reads {source!r}"
            found.append((match.group(3), match.group(1), "".join(before["source"]), cell))
    return found


def test_notebook_05_has_the_six_exercises_in_order_committed_unanswered():
    found = exercises_05()
    assert [f[0] for f in found] == IDS_05
    for exercise_id, _, text, cell in found:
        hints = re.findall(r"<details><summary>Hint \d</summary>", text)
        assert 1 <= len(hints) <= 3 and text.count("<summary>Solution</summary>") == 1, exercise_id
        shown = "".join("".join(o.get("data", {}).get("text/plain", "")) for o in cell["outputs"])
        assert shown.startswith("[not answered]") and "still returns ..." in shown, (exercise_id, shown)


def test_notebook_05_solutions_pass_in_order_and_a_planted_slip_fails():
    """Each solution, run after the ones before it (they call each other, as a learner's would), passes its check."""
    import numpy as np

    import nbhelpers as nb

    namespace = {"np": np, "nb": nb, "check": ex.check}
    for exercise_id, name, text, _ in exercises_05():
        (solution,) = re.findall(r"```python\n(.*?)```", text.split("<summary>Solution</summary>", 1)[1], re.S)
        exec(solution, namespace)
        feedback = ex.check(exercise_id, namespace[name])
        assert feedback.correct, (exercise_id, feedback.message)
    # a slip planted in the forward pass (w¹₁₂ for w¹₂₁ in z_11): the gradients built on it fail too
    slipped = "z_11 = p.w1_11 * x1 + p.w1_12 * x2 + p.b_11"
    (forward_solution,) = re.findall(r"```python\n(.*?)```", exercises_05()[0][2].split("Solution", 1)[1], re.S)
    exec(forward_solution.replace("z_11 = p.w1_11 * x1 + p.w1_21 * x2 + p.b_11", slipped), namespace)
    for exercise_id, name in [("forward", "forward_pass"), ("regression_gradients", "regression_gradients")]:
        assert not ex.check(exercise_id, namespace[name]).correct, exercise_id
