"""Korean–English glossary of the terms the course's Korean lecture notes use, each with a short
definition and the chapter that teaches it; `glossary_markdown` renders it as a table whose
chapter references are links where the chapter's notebook exists (see `outline.chapter_link`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .outline import chapter_link

__all__ = ["GLOSSARY", "Term", "find_term", "glossary_markdown"]


@dataclass(frozen=True)
class Term:
    ko: str  # the Korean term; alternatives used by the lecture notes separated by " / "
    en: str  # the English term
    chapter: int  # the chapter that teaches it (1..13)
    definition: str  # one or two sentences, in English

    @property
    def ko_variants(self) -> list[str]:
        return [v.strip() for v in self.ko.split("/")]


def _t(ko: str, en: str, chapter: int, definition: str) -> Term:
    return Term(ko, en, chapter, definition)


GLOSSARY: tuple[Term, ...] = (
    # 1: computer vision and the classic pipeline
    _t("컴퓨터 비전", "computer vision", 1,
       "Extracting information (classes, objects, positions, descriptions) from the pixel values "
       "of images."),
    _t("픽셀 / 화소", "pixel", 1,
       "One cell of the image grid; a grey image stores one value (0–255) per pixel, a colour "
       "image three."),
    _t("이미지 분류", "image classification", 1,
       "Giving a whole image one label from a fixed set."),
    _t("위치 추정", "localization", 1,
       "Classification plus the bounding box of the one main object."),
    _t("객체 탐지", "object detection", 1,
       "Finding every object of interest in an image, each with a class and a bounding box."),
    _t("분할", "segmentation", 1, "Giving every pixel a class."),
    _t("이미지 캡셔닝", "image captioning", 1, "Generating a sentence that describes an image."),
    _t("이미지 검색", "image retrieval", 1, "Finding the stored images most similar to a query."),
    _t("특징 / 특성", "feature", 1,
       "A measured property of the input (a gradient histogram, an edge, a learned map) that "
       "helps tell classes apart."),
    _t("특징 추출", "feature extraction", 1,
       "Turning raw pixels into a vector of features that makes the task easier: hand-crafted "
       "(SIFT, HOG, LBP) before CNNs, learned by the convolutional layers in a CNN."),
    _t("특징 묶음", "bag of features (bag of visual words)", 1,
       "An image described by a histogram of how often each local feature of a vocabulary "
       "occurs in it."),
    _t("서포트 벡터 머신", "support vector machine (SVM)", 1,
       "A classifier that separates two classes by the hyperplane with the largest margin to "
       "the nearest training points (the support vectors)."),
    _t("결정 경계", "decision boundary", 1,
       "The surface in feature space where a classifier's answer changes."),
    _t("초평면", "hyperplane", 1,
       "A flat decision boundary w·x + b = 0: a line in 2-D, a plane in 3-D."),
    _t("커널 트릭", "kernel trick", 1,
       "Making a linear method non-linear by replacing its dot products with a kernel function "
       "(an implicit map to a richer feature space)."),
    # 2: neural networks
    _t("퍼셉트론", "perceptron", 2,
       "One unit: a weighted sum of the inputs plus a bias, passed through a step function; a "
       "linear classifier."),
    _t("다층 퍼셉트론", "multi-layer perceptron (MLP)", 2,
       "Layers of units with non-linear activations in between; one hidden layer is enough to "
       "solve XOR, which no single line separates."),
    _t("은닉층", "hidden layer", 2, "A layer between input and output, whose values are learned."),
    _t("활성화 함수", "activation function", 2,
       "The non-linear function applied to each unit's weighted sum (sigmoid, tanh, ReLU); "
       "without it, stacked layers collapse into one linear map."),
    _t("렐루", "ReLU (rectified linear unit)", 2,
       "max(0, x): passes positive values, replaces negative ones by 0."),
    _t("계산 그래프", "computational graph", 2,
       "A computation drawn as nodes (operations) joined by the values they pass; gradients flow "
       "back along it."),
    _t("역전파", "backpropagation", 2,
       "Computing the gradient of the loss for every weight by the chain rule, backwards through "
       "the graph: downstream gradient = upstream gradient × local gradient."),
    _t("연쇄 법칙", "chain rule", 2,
       "d(f∘g)/dx = f′(g(x)) · g′(x): derivatives of nested functions multiply."),
    _t("완전 연결 층", "fully connected (dense) layer", 2,
       "Every output connected to every input, y = Wx + b; on a 32×32×3 image each unit needs "
       "3,072 weights and the spatial layout is lost."),
    _t("소프트맥스", "softmax", 2,
       "Turns class scores into probabilities: e^(z_i) / Σ_j e^(z_j), non-negative and summing "
       "to 1."),
    _t("교차 엔트로피", "cross-entropy", 2,
       "The classification loss: −log of the probability given to the correct class."),
    _t("경사 하강법", "gradient descent (SGD, Adam)", 2,
       "Training by small steps against the gradient of the loss, on minibatches (stochastic)."),
    _t("학습률", "learning rate", 2, "The size of each gradient-descent step."),
    # 3: convolution
    _t("단순 세포 / 복잡 세포", "simple / complex cells", 3,
       "Hubel and Wiesel's visual-cortex neurons (1959): simple cells answer to an edge at one "
       "orientation in a small field, complex cells to it over a wider area."),
    _t("합성곱 / 컨볼루션", "convolution", 3,
       "Sliding a small kernel over the input and taking, at each position, the sum of products "
       "plus a bias. Deep learning's convolution is cross-correlation (no kernel flip)."),
    _t("교차 상관", "cross-correlation", 3,
       "Convolution without flipping the kernel: what PyTorch's conv2d computes."),
    _t("필터 / 커널 / 마스크", "filter / kernel / mask", 3,
       "The small grid of weights a convolution slides over the input; its depth equals the "
       "input's number of channels."),
    _t("합성곱 층", "convolutional layer", 3,
       "A bank of filters applied to the same input; k filters give k feature maps."),
    _t("특징 지도 / 특성 맵 / 활성화 맵", "feature map / activation map", 3,
       "The 2-D output of one filter: how strongly its pattern is present at each position."),
    _t("채널", "channel", 3,
       "One 2-D slice of a volume: R, G or B of a photo, or one feature map. A layer's number "
       "of filters is its number of output channels."),
    _t("편향", "bias", 3, "The constant w₀ added to a filter's (or unit's) sum of products."),
    _t("가중치 / 파라미터 / 매개변수", "weight / parameter", 3,
       "The numbers training adjusts: filter values, biases, dense-layer weights."),
    _t("소벨 필터", "Sobel filter", 3,
       "3×3 kernels that estimate horizontal and vertical brightness change: edge detectors."),
    _t("에지 / 가장자리", "edge", 3, "A place where brightness changes quickly."),
    _t("가중치 공유", "parameter sharing", 3,
       "One filter is applied at every position, so a convolution's parameter count does not "
       "depend on the image size."),
    _t("공간적 계층 구조", "feature hierarchy", 3,
       "Layer after layer, edges combine into corners and blobs, then parts, then objects."),
    # 4: padding, stride, receptive field
    _t("패딩 / 제로 패딩", "padding / zero padding", 4,
       "Rows and columns of zeros around the input, so the output keeps its size and the border "
       "pixels are used as often as the others; P = (F − 1)/2 keeps the size at stride 1."),
    _t("밸리드 / 세임", "'valid' / 'same' padding", 4,
       "Keras's names: no padding (the output shrinks) or the padding that keeps the size."),
    _t("스트라이드 / 보폭", "stride", 4,
       "How many pixels the kernel moves between positions; stride 2 halves the output."),
    _t("출력 크기", "output size", 4, "(N − F + 2P)/S + 1 along each axis (PyTorch rounds down)."),
    _t("수용 영역", "receptive field", 4,
       "The part of the input that one output unit depends on: K×K for one K×K convolution, "
       "1 + L(K − 1) for L of them."),
    # 5: pooling
    _t("풀링", "pooling", 5,
       "Replacing each block of a feature map by one representative value; no parameters, the "
       "number of channels unchanged."),
    _t("다운샘플링 / 서브샘플링", "downsampling / subsampling", 5,
       "Making feature maps smaller, by pooling or by a stride > 1."),
    _t("최대값 풀링", "max pooling", 5, "Keeps the largest value of each block."),
    _t("평균값 풀링", "average pooling", 5, "Keeps the mean of each block."),
    _t("확률적 풀링", "stochastic pooling", 5,
       "In training, picks one value of each block with probability proportional to its size; "
       "at inference, takes the probability-weighted sum."),
    _t("전역 평균 풀링", "global average pooling", 5,
       "The mean of each whole feature map: (H, W, C) → (C,), in place of large dense layers."),
    _t("겹치는 풀링", "overlapping pooling", 5,
       "Pooling windows larger than the stride (3×3, stride 2 in AlexNet)."),
    _t("이동 불변성", "translation invariance", 5,
       "The answer does not change when the input shifts a little; shared filters detect a "
       "pattern anywhere and pooling discards small shifts."),
    # 6: overfitting, regularization, dropout
    _t("과적합 / 과대적합", "overfitting", 6,
       "Fitting the training data, noise included, so closely that accuracy on new data "
       "suffers: a gap between training and test accuracy."),
    _t("규제 / 정칙화", "regularization", 6,
       "Anything that discourages overfitting: weight penalties, dropout, augmentation. (Korean "
       "texts also write 정규화, the word for normalization.)"),
    _t("L1 규제 / L2 규제", "L1 / L2 regularization", 6,
       "λ Σ|w| or λ Σ w² added to the loss: large weights cost more."),
    _t("가중치 감쇠", "weight decay", 6,
       "Shrinking every weight a little at each step; for SGD the same as an L2 penalty."),
    _t("드롭아웃", "dropout", 6,
       "In training, each unit is zeroed with probability p and the others scaled by "
       "1/(1 − p); at test time all units are used."),
    _t("앙상블", "ensemble", 6,
       "Averaging the answers of several models; dropout trains many thinned networks at once."),
    _t("학습 모드 / 평가 모드", "training / evaluation mode", 6,
       "model.train() and model.eval(): dropout and batch normalization behave differently in "
       "each; evaluation also runs under torch.no_grad()."),
    # 7: batch normalization
    _t("배치 정규화", "batch normalization", 7,
       "Normalizing each channel by the minibatch's mean and variance, then scaling by γ and "
       "shifting by β (learned); running averages replace the batch statistics at test time."),
    _t("미니배치", "minibatch", 7, "The small group of examples used for one training step."),
    _t("기울기 소실", "vanishing gradient", 7,
       "Gradients shrinking layer by layer on the way back (saturated sigmoids), so early layers "
       "barely learn."),
    _t("지수 이동 평균", "exponential moving average", 7,
       "A running mean that weights recent values more: m ← (1 − α) m + α x."),
    # 8: data
    _t("전처리", "preprocessing", 8,
       "Preparing inputs before training: scaling 0–255 to [0, 1], normalizing channels."),
    _t("정규화", "normalization (of inputs)", 8,
       "Subtracting the training set's per-channel mean and dividing by its standard deviation; "
       "the test set uses the same numbers."),
    _t("데이터 증강 / 데이터 증식", "data augmentation", 8,
       "Making more training examples from each image by random changes that keep its label "
       "(flips, rotations, shifts, crops, colour changes, erasing, mixing)."),
    _t("데이터셋", "dataset", 8,
       "A collection of labelled examples: MNIST, CIFAR-10/100, ImageNet, COCO."),
    _t("훈련 / 검증 / 테스트 세트", "training / validation / test set", 8,
       "Data to learn from, data to choose settings with, and data kept apart for the final "
       "measurement."),
    _t("레이블 오류", "label error", 8, "A wrongly labelled example in a dataset's test set."),
    # 9: architectures
    _t("아키텍처", "architecture", 9,
       "A network's layout: which layers, in which order, of which sizes."),
    _t("국소 응답 정규화", "local response normalization (LRN)", 9,
       "AlexNet's normalization of each activation by its neighbours in nearby channels."),
    _t("인셉션 모듈", "Inception module", 9,
       "GoogLeNet's block: 1×1, 3×3 and 5×5 convolutions and a pooling path side by side, "
       "concatenated."),
    _t("1×1 합성곱", "1×1 convolution", 9,
       "A convolution that mixes channels at each position; used to reduce the channel count "
       "before expensive convolutions."),
    _t("스템 네트워크", "stem network", 9,
       "The first layers of a network, which quickly shrink the input (e.g. a 7×7 stride-2 "
       "convolution and pooling)."),
    _t("보조 분류기", "auxiliary classifier", 9,
       "An extra softmax head on an intermediate layer (GoogLeNet) that adds gradient to the "
       "early layers during training."),
    _t("모델 복잡도", "model complexity", 9,
       "A model's cost: parameters, multiply-adds (FLOPs) and memory."),
    _t("연산량", "number of operations (multiply-adds, FLOPs)", 9,
       "How many multiply-adds one forward pass needs."),
    # 10: ResNet
    _t("성능 저하 문제", "degradation problem", 10,
       "Deeper plain networks reaching a higher *training* error than shallower ones: an "
       "optimization difficulty, not overfitting."),
    _t("잔차 학습", "residual learning", 10,
       "Letting layers learn F(x) = H(x) − x and adding x back: H(x) = F(x) + x."),
    _t("단축 연결 / 스킵 연결", "shortcut / skip connection", 10,
       "A path that adds a block's input to its output, skipping its layers."),
    _t("항등 단축", "identity shortcut", 10,
       "A shortcut that adds the input unchanged (the shapes already match)."),
    _t("사영 단축", "projection shortcut", 10,
       "A shortcut through a 1×1 convolution that matches a changed shape."),
    _t("병목 구조", "bottleneck", 10,
       "1×1 reduce → 3×3 → 1×1 expand: a deep block that stays cheap."),
    # 11: transfer learning
    _t("전이학습", "transfer learning", 11,
       "Reusing a network trained on a large dataset as the start for a new, smaller task."),
    _t("사전훈련된 네트워크", "pretrained network", 11,
       "A network already trained on a large dataset (e.g. ImageNet) whose weights are reused."),
    _t("합성곱 기반층", "convolutional base", 11,
       "The convolutional part of a pretrained network, kept when its classifier is replaced."),
    _t("특성 추출 (전이학습)", "feature extraction (transfer learning)", 11,
       "Running the frozen pretrained base once over the data and training only a new head on "
       "its features."),
    _t("동결 / 동결 해제", "freezing / unfreezing", 11,
       "Excluding layers from training (requires_grad = False), or including them again."),
    _t("미세조정", "fine-tuning", 11,
       "After the new head is trained, unfreezing the top layers of the base and training them "
       "a little more with a low learning rate."),
    _t("최상위 분류기", "head (top classifier)", 11,
       "The layers on top of the convolutional base that turn its features into the task's "
       "class scores; replaced by a new, trainable one when a network is transferred."),
    _t("대리 손실 함수", "surrogate loss function", 11,
       "The loss actually minimized (cross-entropy) in place of the quantity one cares about "
       "(accuracy), which has no useful gradient."),
    # 12: visualization
    _t("중간 활성화 시각화", "visualizing intermediate activations", 12,
       "Drawing each layer's feature maps for one input."),
    _t("필터 시각화", "filter visualization", 12,
       "Drawing first-layer filters as images, or finding each filter's preferred input by "
       "gradient ascent."),
    _t("경사 상승법", "gradient ascent", 12,
       "Changing the input (not the weights) step by step along the gradient to increase a "
       "filter's response."),
    _t("클래스 활성화 히트맵", "class activation heatmap (CAM, Grad-CAM)", 12,
       "A map of how much each part of the image supports a class; Grad-CAM weights a layer's "
       "maps by their mean gradient of the class score."),
)


def find_term(text: str) -> Term:
    """The entry whose Korean variant or English term equals `text` (case-insensitive English)."""
    for term in GLOSSARY:
        if text in term.ko_variants or text.lower() == term.en.lower():
            return term
    raise ValueError(f"{text!r} is not in the glossary")


def glossary_markdown(chapters_dir: str | Path = ".") -> str:
    """The glossary as a Markdown table (Korean, English, meaning, chapter), in chapter order.

    Chapter numbers are links to chapters/NN_slug.ipynb where that notebook exists in
    `chapters_dir`, plain text otherwise.
    """
    rows = ["| 한국어 | English | Meaning | Taught in |", "|---|---|---|---|"]
    for term in sorted(GLOSSARY, key=lambda t: t.chapter):  # stable: listing order within one
        cells = [term.ko, term.en, term.definition, chapter_link(term.chapter, chapters_dir)]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)
