"""course_lib.models.dropout_cnn: the lecture's dropout CNN (corrected), and dropout acting in
training only."""

from __future__ import annotations

import torch

from course_lib.complexity import summary
from course_lib.models import DropoutCNN


def _params(model):
    return sum(p.numel() for p in model.parameters())


def test_dropout_cnn_is_the_lectures_model_corrected():
    model = DropoutCNN()
    assert model(torch.zeros(2, 3, 32, 32)).shape == (2, 10)
    assert model.fc_layer[0].in_features == 32 * 7 * 7 == 1568
    dropouts = [m for m in model.modules() if isinstance(m, torch.nn.Dropout)]
    assert [d.p for d in dropouts] == [0.2, 0.2]
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [c.kernel_size for c in convs] == [(3, 3)] * 6
    assert _params(model) == 448 + 4640 + 4 * 9248 + 156_900 + 1010
    assert "(32, 7, 7)" in str(summary(model, (3, 32, 32)))


def test_dropout_changes_training_outputs_only():
    model = DropoutCNN(p=0.5)
    x = torch.rand(4, 3, 32, 32)
    model.train()
    assert not torch.equal(model(x), model(x))
    model.eval()
    with torch.no_grad():
        assert torch.equal(model(x), model(x))
