"""The pipeline diagram has one box per layer with its computed output shape."""

from __future__ import annotations

from torch import nn

from course_lib.models import KerasMNISTCNN
from course_lib.pipeline_diagram import pipeline_diagram, pipeline_stages


def test_stages_follow_the_summary_and_split_features_from_classifier():
    stages = pipeline_stages(KerasMNISTCNN(), (1, 28, 28))
    assert stages[0] == ("input", "1×28×28", "input")
    assert stages[1] == ("Conv2d", "32×26×26", "features")
    assert ("MaxPool2d", "32×13×13", "features") in stages
    assert stages[-2] == ("Linear", "10", "classifier")
    assert stages[-1] == ("Softmax", "10\nprobabilities", "classifier")
    assert [s[2] for s in stages].index("classifier") == 9  # Flatten after 8 feature layers


def test_diagram_draws_a_box_and_a_shape_per_stage():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))
    fig = pipeline_diagram(model, (1, 8, 8), title="tiny")
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "4×6×6" in texts and "3\nprobabilities" in texts and "classifier" in texts
    boxes = [p for p in ax.patches if type(p).__name__ == "FancyBboxPatch"]
    assert len(boxes) == 6  # input, 4 layers, softmax
