"""The one argument preamble of the network math's public functions.

``forward``, ``losses``, ``gradients``, ``sgd_step``, ``train`` and the lessons' computations all take the same
arguments (parameters, a task, a hidden activation, inputs and targets). ``resolve`` checks them and looks up what
they name, in one call; a bad argument is a ValueError that names it as the calling function calls it (``x`` for
one row, ``X`` for a batch, ``y``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS, Activation
from .loss_functions import OUTPUTS, Output
from .params import Params, as_params
from .validate import check_hidden, check_task, check_X, check_y

NO_TARGET = object()  # resolve(..., y=NO_TARGET): a function without targets (forward)


class Arguments(NamedTuple):
    p: Params
    out: Output  # the output neuron and its loss, for the task
    act: Activation  # the hidden activation
    X: np.ndarray  # (n, 2)
    y: np.ndarray | None  # (n,), or None without targets
    single: bool  # X came as one row of shape (2,)


def resolve(params, task, hidden, X, y=NO_TARGET, *, X_name="X", y_name="y", one_row=False) -> Arguments:
    """Check the arguments and look up the task's output neuron and the hidden activation.

    ``one_row=True``: ``X`` must be a single row of shape (2,) (``sgd_step``'s ``x``).
    """
    p = as_params(params)
    out = OUTPUTS[check_task(task)]
    act = ACTIVATIONS[check_hidden(hidden)]
    X_arr, single = check_X(X, X_name)
    if one_row and not single:
        raise ValueError(f"{X_name} must be one row of shape (2,) (iq, cgpa), got shape {np.shape(X)}")
    y_arr = None if y is NO_TARGET else check_y(y, len(X_arr), task, y_name, X_name)
    return Arguments(p, out, act, X_arr, y_arr, single)
