"""ResNet (course_lib.models.resnet): the paper's Table 1 (multiply-adds) and the usual parameter
counts of ResNet-18 … 152, the CIFAR-10 networks of §4.2, the three shortcut options and plain
counterparts, and the block arithmetic the chapter quotes (73,728 vs 69,632 weights).
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_lib.complexity import summary
from course_lib.models import BasicBlock, Bottleneck, cifar_resnet, layer_table, resnet
from course_lib.models.published import CIFAR_RESNET_TABLE6, RESNET_FLOPS

# torchvision's published counts for its resnet18 … resnet152 (shortcut option B).
PARAMS = {18: 11_689_512, 34: 21_797_672, 50: 25_557_032, 101: 44_549_160, 152: 60_192_808}


@pytest.fixture(scope="module")
def imagenet():
    """Layer tables of the five ImageNet ResNets, built once on the meta device."""
    return {d: layer_table(f"ResNet-{d}") for d in PARAMS}


def _weights(module: nn.Module) -> int:
    return sum(m.weight.numel() for m in module.modules() if isinstance(m, nn.Conv2d))


def test_imagenet_resnets_parameters_and_flops(imagenet):
    for depth, t in imagenet.items():
        assert t.summary.total_params == PARAMS[depth]
        # Table 1 gives 2 significant digits (3.66 and 3.86 print as 3.6 and 3.8): within 0.07.
        assert abs(t.summary.total_mult_adds / 1e9 - RESNET_FLOPS[depth]) < 0.07, depth
    assert [round(t.summary.total_params / 1e6, 1) for t in imagenet.values()] == [
        11.7, 21.8, 25.6, 44.5, 60.2]


def test_imagenet_stage_shapes_follow_table1(imagenet):
    for depth, t in imagenet.items():
        out = {g.name: g.output_shape for g in t.groups}
        expansion = 4 if depth >= 50 else 1
        assert out["stem"] == (64, 56, 56)  # conv1 (112×112) then the 3×3/2 max pool
        for i, side in enumerate((56, 28, 14, 7)):
            assert out[f"conv{i + 2}_x"] == (64 * 2**i * expansion, side, side), depth
        assert out["fc"] == (1000,)


def test_stride_placement_changes_mult_adds_not_parameters():
    with torch.device("meta"):
        v1, v15 = resnet(50), resnet(50, stride_in_1x1=False)
    s1, s15 = summary(v1, (3, 224, 224), device="meta"), summary(v15, (3, 224, 224), device="meta")
    assert s1.total_params == s15.total_params
    assert round(s1.total_mult_adds / 1e9, 2) == 3.86  # the paper's network
    assert round(s15.total_mult_adds / 1e9, 2) == 4.09  # torchvision's "v1.5"


def test_plain_counterparts_drop_only_the_projections():
    with torch.device("meta"):
        res, plain = resnet(34), resnet(34, plain=True)
        res_a = resnet(34, shortcut="A")
    projections = sum(_weights(m.shortcut) + 2 * m.shortcut.bn.num_features
                      for m in res.modules() if isinstance(m, BasicBlock)
                      and isinstance(m.shortcut, nn.Sequential))
    n_res, n_plain = (sum(p.numel() for p in m.parameters()) for m in (res, plain))
    # Three 1×1 projections (64→128, 128→256, 256→512) and their BatchNorms.
    assert n_res - n_plain == projections == 172_032 + 2 * (128 + 256 + 512)
    # Option A (zero padding) adds nothing: the paper's Table 2 ResNets vs plain networks.
    assert sum(p.numel() for p in res_a.parameters()) == n_plain
    assert all(m.shortcut is None for m in plain.modules() if isinstance(m, BasicBlock))


def test_block_weights_basic_vs_bottleneck():
    basic = BasicBlock(64, 64)
    bottleneck = Bottleneck(256, 64)
    assert _weights(basic) == 2 * 3 * 3 * 64 * 64 == 73_728
    assert _weights(bottleneck) == 256 * 64 + 3 * 3 * 64 * 64 + 64 * 256 == 69_632
    assert isinstance(basic.shortcut, nn.Identity) and isinstance(bottleneck.shortcut, nn.Identity)


@pytest.mark.parametrize("row", CIFAR_RESNET_TABLE6, ids=lambda r: f"resnet{r.depth}")
def test_cifar_resnets_match_table6(row):
    with torch.device("meta"):
        res, plain = cifar_resnet(row.depth), cifar_resnet(row.depth, plain=True)
    n = sum(p.numel() for p in res.parameters())
    assert round(n / 1e6, 2 if n < 1e6 else 1) == row.params_millions
    assert n == sum(p.numel() for p in plain.parameters())  # option A: no extra parameters
    convs = [m for m in res.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) + 1 == row.depth  # 6n + 1 convolutions and the linear layer


def test_cifar_resnet20_exact_count_and_real_forward():
    model = cifar_resnet(20)
    assert sum(p.numel() for p in model.parameters()) == 269_722
    s = summary(model, (3, 32, 32))
    assert [r.output_shape for r in s.rows if r.name.endswith("block3.relu2")] == [
        (16, 32, 32), (32, 16, 16), (64, 8, 8)]
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    with pytest.raises(ValueError, match="6n"):
        cifar_resnet(21)


def test_shortcut_options():
    x = torch.randn(2, 16, 8, 8)
    a = BasicBlock(16, 32, stride=2, shortcut="A")
    pad = a.shortcut(x)
    assert pad.shape == (2, 32, 4, 4)
    assert torch.equal(pad[:, :16], x[:, :, ::2, ::2]) and not pad[:, 16:].any()
    assert sum(p.numel() for p in a.shortcut.parameters()) == 0
    b = BasicBlock(16, 32, stride=2, shortcut="B")
    assert b.shortcut.conv.kernel_size == (1, 1) and b.shortcut.conv.stride == (2, 2)
    assert isinstance(BasicBlock(16, 16, shortcut="B").shortcut, nn.Identity)
    assert isinstance(BasicBlock(16, 16, shortcut="C").shortcut, nn.Sequential)
    with pytest.raises(ValueError, match="shortcut"):
        BasicBlock(16, 16, shortcut="D")


@pytest.mark.parametrize("block", [BasicBlock(8, 8), Bottleneck(32, 8)],
                         ids=["basic", "bottleneck"])
def test_residual_block_with_zero_residual_is_the_identity(block):
    # H(x) = F(x) + x: when F is pushed to 0 (last BN scale 0) the block passes x through.
    last_bn = block.bn3 if isinstance(block, Bottleneck) else block.bn2
    nn.init.zeros_(last_bn.weight)
    x = torch.relu(torch.randn(2, block.conv1.in_channels, 6, 6))  # a previous block's output
    block.eval()
    with torch.no_grad():
        assert torch.allclose(block(x), x)
        block.shortcut = None  # the plain block with F = 0 outputs zeros instead
        assert not block(x).any()
