"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied to document
recognition", Proc. IEEE 1998), in two forms: the paper's own (sparse C3 connection table,
trainable subsampling, scaled tanh, RBF output: exactly 60,000 trainable parameters) and the
simplified form most textbooks use (dense C3, plain average pooling, linear output: 61,706).
"""

from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["C3_TABLE", "LeNet5", "RBFOutput", "ScaledTanh", "SparseConv2d", "Subsampling"]

# Table I of the paper: which of the six S2 maps feed each of the sixteen C3 maps. Six C3 maps
# see 3 contiguous maps, six see 4 contiguous, three see 4 non-contiguous and one sees all six.
# Breaking the symmetry makes the maps learn different features and saves connections.
C3_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)


class ScaledTanh(nn.Tanh):
    """f(a) = A·tanh(S·a) with A = 1.7159, S = 2/3 (the paper's Appendix A): f(±1) = ±1.
    A subclass of nn.Tanh, so tools that look for activation layers recognise it."""

    def __init__(self, amplitude: float = 1.7159, slope: float = 2 / 3) -> None:
        super().__init__()
        self.amplitude, self.slope = amplitude, slope

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.amplitude * torch.tanh(self.slope * x)


class SparseConv2d(nn.Module):
    """A convolution where output map j sees only the input maps listed in `table[j]`.

    Only the used weights are parameters (C3: 1,500 weights + 16 biases = 1,516). Forward scatters
    them into a dense (C_out, C_in, k, k) kernel that is zero elsewhere and calls `F.conv2d`.
    x: (N, C_in, H, W) → (N, len(table), H − k + 1, W − k + 1).
    """

    def __init__(self, in_channels: int, table: tuple[tuple[int, ...], ...],
                 kernel_size: int) -> None:
        super().__init__()
        self.in_channels, self.out_channels = in_channels, len(table)
        self.kernel_size = (kernel_size, kernel_size)
        pairs = [(j, i) for j, inputs in enumerate(table) for i in inputs]
        self.register_buffer("index", torch.tensor(pairs, dtype=torch.long), persistent=False)
        fan_in = [len(table[j]) * kernel_size**2 for j, _ in pairs]  # per connected (j, i) pair
        # LeCun's initialization: uniform in ±2.4 / fan_in (Appendix A), fan_in per output map.
        bound = torch.tensor([2.4 / f for f in fan_in])[:, None, None]
        self.weight = nn.Parameter((torch.rand(len(pairs), kernel_size, kernel_size) * 2 - 1)
                                   * bound)
        self.bias = nn.Parameter(torch.zeros(len(table)))

    def dense_weight(self) -> torch.Tensor:
        """The (C_out, C_in, k, k) kernel, zero where the table has no connection."""
        w = self.weight.new_zeros(self.out_channels, self.in_channels, *self.kernel_size)
        return w.index_put((self.index[:, 0], self.index[:, 1]), self.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.dense_weight(), self.bias)

    def mult_adds(self, inputs: tuple, output: torch.Tensor) -> int:
        """Multiply-adds for one sample: each output position of map j uses k² · |table[j]|."""
        positions = output.shape[-2] * output.shape[-1]
        return positions * self.weight.numel()


class Subsampling(nn.Module):
    """The paper's S-layers: 2×2 average, times one trainable coefficient per map, plus a bias.

    x: (N, C, H, W) → (N, C, H/2, W/2); 2·C parameters (S2: 12, S4: 32). The squashing function
    follows as a separate module.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # (N, C, H/2, W/2): the paper adds the four inputs; the mean differs by a constant 4.
        pooled = F.avg_pool2d(x, 2)
        return pooled * self.weight[:, None, None] + self.bias[:, None, None]


class RBFOutput(nn.Module):
    """Euclidean radial basis units: y_i = ‖x − c_i‖², with fixed (non-trainable) prototypes c_i.

    The paper's prototypes are ±1 bitmaps of 7×12 stylized characters; those bitmaps are not
    published as data, so here each class gets a random ±1 code of the same length (84). Returns
    −y as logits: the nearest prototype wins. x: (N, in_features) → (N, num_classes).
    """

    def __init__(self, in_features: int = 84, num_classes: int = 10, seed: int = 0) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        codes = torch.randint(0, 2, (num_classes, in_features), generator=g).float() * 2 - 1
        self.register_buffer("prototypes", codes)  # a buffer: saved, never trained

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return -torch.cdist(x, self.prototypes).pow(2)  # (N, num_classes)

    def mult_adds(self, inputs: tuple, output: torch.Tensor) -> int:
        return output.shape[-1] * self.prototypes.shape[1]


class LeNet5(nn.Module):
    """LeNet-5: 1×32×32 → C1 6@28×28 → S2 6@14×14 → C3 16@10×10 → S4 16@5×5 → C5 120 → F6 84 → 10.

    x: (N, in_channels, 32, 32) → (N, num_classes). MNIST's 28×28 digits are padded to 32×32 in
    the paper. `paper=True` builds the 1998 network: sparse C3 (C3_TABLE), trainable subsampling,
    the scaled tanh 1.7159·tanh(2a/3) and RBF outputs; it has 60,000 trainable parameters, the
    paper's own count. `paper=False` (the default) is the usual simplification: dense C3, plain
    2×2 average pooling, tanh and a linear output layer (61,706 parameters). C5 is a 5×5
    convolution over 5×5 maps, so it is fully connected to S4 but stays a convolution.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, paper: bool = False) -> None:
        super().__init__()
        self.paper = paper

        def act() -> nn.Module:
            return ScaledTanh() if paper else nn.Tanh()

        def pool(channels: int) -> nn.Module:
            return Subsampling(channels) if paper else nn.AvgPool2d(2)

        c3 = SparseConv2d(6, C3_TABLE, 5) if paper else nn.Conv2d(6, 16, 5)
        self.features = nn.Sequential(OrderedDict(
            c1=nn.Conv2d(in_channels, 6, 5), act1=act(),  # (6, 28, 28)
            s2=pool(6), act2=act() if paper else nn.Identity(),  # (6, 14, 14)
            c3=c3, act3=act(),  # (16, 10, 10)
            s4=pool(16), act4=act() if paper else nn.Identity(),  # (16, 5, 5)
            c5=nn.Conv2d(16, 120, 5), act5=act(),  # (120, 1, 1)
        ))
        self.classifier = nn.Sequential(OrderedDict(
            flatten=nn.Flatten(),  # (120,)
            f6=nn.Linear(120, 84), act6=act(),
            output=RBFOutput(84, num_classes) if paper else nn.Linear(84, num_classes),
        ))
        if paper:
            self._lecun_init()

    def _lecun_init(self) -> None:
        # Appendix A: weights uniform in ±2.4 / F_i (F_i the unit's fan-in), which keeps the
        # weighted sums in the range where the scaled tanh is neither flat nor linear.
        for m in self.modules():
            if isinstance(m, nn.Conv2d | nn.Linear):
                fan_in = m.weight[0].numel()
                nn.init.uniform_(m.weight, -2.4 / fan_in, 2.4 / fan_in)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-2:] != (32, 32):
            raise ValueError(f"LeNet-5 takes 32×32 inputs, got {tuple(x.shape[-2:])}: pad "
                             "28×28 MNIST digits by 2 pixels on each side first")
        return self.classifier(self.features(x))

