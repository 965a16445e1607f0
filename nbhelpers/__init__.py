"""nbhelpers: the math, plots and panels behind the backpropagation notebooks.

Notation (the notes' symbol, then the code name):

=================  ==========  =================================================
notes              code        meaning
=================  ==========  =================================================
x_i1, x_i2         x1, x2      inputs of row i: iq and cgpa
w^1_11, w^1_21     w1_11 ...   weight from input j to hidden neuron k (w^l_jk)
w^1_12, w^1_22     w1_12 ...
b_11, b_12         b_11 ...    biases of hidden neurons 1 and 2 (b_lk)
w^2_11, w^2_21     w2_11 ...   weights from hidden neuron j to the output
b_21               b_21        bias of the output neuron
z_11, z_12         z_11 ...    hidden pre-activations
o_11, o_12         o_11 ...    hidden outputs (= z in the notes: linear neurons)
z_f                z           output pre-activation
y_hat              y_hat       prediction: z (regression) or sigma(z)
L, J               loss        (y - y_hat)^2, or binary cross-entropy
eta                eta         learning rate
=================  ==========  =================================================

Importing this package changes no global state (no plotting style, no seeds) and imports no widget code. The
layers, each of which imports only from itself and the layers before it in this list (README.md, "Architecture"):

1. data and parameters: ``params``, ``notation`` (the symbol tables), ``validate``, ``data``
2. the network math: ``activations``, ``loss_functions``, ``arguments``, ``network``, ``backprop``, ``training``,
   ``matrix_form`` (the same network with any number of hidden neurons, as matrices)
3. computations for the lessons: ``lessons``, ``landscape`` (the loss over a grid of two parameters), and
   ``exercises`` (the checker of a learner's answers)
4. pictures and tables: ``plots`` (a package), ``tables``
5. widget panels: ``panels`` (a package; the only importer of ipywidgets)
"""

from .backprop import chain_rule, gradient_check, gradients, numerical_gradients, relative_error
from .data import Dataset, Scaler, fit_scaler, load_csv, load_dataset, standardise
from .network import Forward, forward, loss, losses
from .params import PARAM_NAMES, Params
from .plots.style import use_notebook_style
from .training import DIVERGENCE_LIMIT, History, sgd_step, train
from .validate import HIDDEN, TASKS

__all__ = [
    "PARAM_NAMES",
    "Params",
    "Dataset",
    "Scaler",
    "load_dataset",
    "load_csv",
    "fit_scaler",
    "standardise",
    "Forward",
    "forward",
    "loss",
    "losses",
    "chain_rule",
    "gradients",
    "numerical_gradients",
    "relative_error",
    "gradient_check",
    "History",
    "sgd_step",
    "train",
    "DIVERGENCE_LIMIT",
    "TASKS",
    "HIDDEN",
    "use_notebook_style",
]
