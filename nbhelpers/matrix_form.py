"""The same network in matrix form, for any number of hidden neurons: the bridge to real libraries.

The notes write one equation per neuron. Libraries write one per layer, with the weights of a layer in a matrix
whose row k holds the weights *entering* neuron k (PyTorch's ``nn.Linear`` convention):

    W¹ (m × 2)   W¹[k, j] = w¹_(j+1)(k+1)   (the notes' w¹_jk goes from input j to hidden neuron k: row k, column j)
    b¹ (m,)      b¹[k]    = b_1(k+1)
    W² (1 × m)   W²[0, k] = w²_(k+1)1
    b² (1,)      b²[0]    = b_21

Forward:  z¹ = W¹ x + b¹,  o¹ = g(z¹),  z_f = W² o¹ + b²,  ŷ = z_f or σ(z_f).
Backward: δ² = ∂L/∂z_f,  δ¹ = (W²ᵀ δ²) ⊙ g′(z¹),
          ∂L/∂W² = δ² o¹ᵀ,  ∂L/∂b² = δ²,  ∂L/∂W¹ = δ¹ xᵀ,  ∂L/∂b¹ = δ¹,  and ∂L/∂x = W¹ᵀ δ¹.

With m = 2 these are exactly the nine lines of ``backprop.chain_rule`` (``to_layers`` / ``from_layers`` convert).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS
from .loss_functions import OUTPUTS
from .params import Params, as_params


class Layers(NamedTuple):
    """The parameters of a 2-m-1 network as arrays: ``W1`` (m, 2), ``b1`` (m,), ``W2`` (1, m), ``b2`` (1,)."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    @property
    def width(self) -> int:
        return len(self.b1)


def to_layers(params) -> Layers:
    """The nine parameters of the notes' network as ``Layers`` of width 2."""
    p = as_params(params)
    return Layers(
        np.array([[p.w1_11, p.w1_21], [p.w1_12, p.w1_22]]),  # row k: the weights entering hidden neuron k
        np.array([p.b_11, p.b_12]),
        np.array([[p.w2_11, p.w2_21]]),
        np.array([p.b_21]),
    )


def from_layers(layers: Layers) -> Params:
    """``Layers`` of width 2 as the notes' nine parameters (the inverse of ``to_layers``)."""
    W1, b1, W2, b2 = (np.asarray(a, dtype=float) for a in layers)
    if W1.shape != (2, 2) or b1.shape != (2,) or W2.shape != (1, 2) or b2.shape != (1,):
        raise ValueError(
            "from_layers: the notes' network has width 2: W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,); got "
            f"{W1.shape}, {b1.shape}, {W2.shape}, {b2.shape}"
        )
    return Params(W1[0, 0], W1[0, 1], W1[1, 0], W1[1, 1], b1[0], b1[1], W2[0, 0], W2[0, 1], b2[0])


def random_layers(width: int, rng: np.random.Generator, scale: float = 1.0) -> Layers:
    """A 2-``width``-1 network with every parameter drawn from N(0, scale²)."""
    return Layers(
        rng.normal(0.0, scale, (width, 2)),
        rng.normal(0.0, scale, width),
        rng.normal(0.0, scale, (1, width)),
        rng.normal(0.0, scale, 1),
    )


class LayerForward(NamedTuple):
    z1: np.ndarray  # (m,) hidden pre-activations
    o1: np.ndarray  # (m,) hidden outputs
    z_f: np.ndarray  # (1,) output pre-activation


def forward_layers(layers: Layers, x, hidden: str = "linear") -> LayerForward:
    """z¹ = W¹ x + b¹, o¹ = g(z¹), z_f = W² o¹ + b² for one row ``x`` (two inputs)."""
    W1, b1, W2, b2 = layers
    z1 = W1 @ np.asarray(x, dtype=float) + b1
    o1 = ACTIVATIONS[hidden].g_array(z1)
    return LayerForward(z1, o1, W2 @ o1 + b2)


def layers_loss(layers: Layers, x, y, task: str = "regression", hidden: str = "linear") -> float:
    """The loss of one row: (y − ŷ)² for regression, the cross-entropy for classification."""
    z_f = forward_layers(layers, x, hidden).z_f
    return float(OUTPUTS[task].loss_array(z_f, float(y))[0])


def backward_layers(layers: Layers, x, y, task: str = "regression", hidden: str = "linear") -> Layers:
    """The gradients of one row's loss, with the same shapes as ``layers``: the backward method, layer by layer."""
    W1, b1, W2, b2 = layers
    x = np.asarray(x, dtype=float)
    z1, o1, z_f = forward_layers(layers, x, hidden)
    delta2 = OUTPUTS[task].dL_dz_array(z_f, float(y))  # δ² = ∂L/∂z_f, shape (1,)
    delta1 = (W2.T @ delta2) * ACTIVATIONS[hidden].g_prime_array(z1)  # δ¹ = (W²ᵀ δ²) ⊙ g′(z¹), shape (m,)
    return Layers(np.outer(delta1, x), delta1, np.outer(delta2, o1), delta2)


def input_gradient(layers: Layers, x, y, task: str = "regression", hidden: str = "linear") -> np.ndarray:
    """∂L/∂x = W¹ᵀ δ¹: each input reaches the loss through every hidden neuron, and the paths add."""
    delta1 = backward_layers(layers, x, y, task, hidden).b1  # ∂L/∂b¹ = δ¹
    return layers.W1.T @ delta1


def multiplication_counts(widths) -> tuple[int, int]:
    """Multiplications for every weight and bias gradient of a fully connected net with these layer widths
    (inputs first, one output last), with a non-linear g′ at every hidden neuron:

    - ``separate``: each derivative as its own chain product, ∂L/∂z_f · (w · g′ per hop, summed over every path
      to the output) · the input the weight multiplies; ∂L/∂z_f = −2(y − ŷ) costs 1 each time;
    - ``once`` (backpropagation): ∂L/∂z_f once (1); each hidden neuron's δ = g′ · Σ w δ, one multiplication per
      outgoing edge plus one for g′; then one multiplication per weight (δ × its input), none per bias.
    """
    widths = [int(w) for w in widths]
    if len(widths) < 2 or widths[-1] != 1 or min(widths) < 1:
        raise ValueError(f"widths: inputs first, at least one layer, one output last; got {widths}")
    layers = len(widths) - 1  # layers of weights
    separate = 0
    for layer in range(layers):  # the weights entering layer + 1
        hops = layers - 1 - layer  # hidden layers between this neuron and the output
        paths = int(np.prod(widths[layer + 2 :])) if hops else 1  # paths from one neuron of layer + 1 to the output
        per_neuron = 1 + paths * 2 * hops  # ∂L/∂z_f, then w · g′ for every hop of every path
        neurons = widths[layer + 1]
        separate += neurons * (widths[layer] * (per_neuron + 1) + per_neuron)  # weights (× input) and the bias
    once = 1 + sum(widths[k] * (widths[k + 1] + 1) for k in range(1, layers))  # the δ of every neuron
    once += sum(widths[k] * widths[k + 1] for k in range(layers))  # one product per weight
    return separate, once
