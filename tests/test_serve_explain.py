"""``POST /api/predict?explain=1``: the attributions in the JSON answer.

The served network's arrays come from scikit-learn's MLPClassifier fitted on
3,000 real MNIST digits (the same names and shapes as ours), in the standard
pipeline: no Keras is needed to serve or to explain it.
"""

import io

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")

from PIL import Image  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from skmnist import MNISTDenseClassifier, make_mnist_pipeline  # noqa: E402
from skmnist.inspection import pixel_attributions  # noqa: E402
from skmnist.serve import create_app  # noqa: E402


@pytest.fixture(scope="module")
def pipeline(mnist):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    train, test = mnist
    X = (train.data[:3000] / 255).astype(np.float32)
    with pytest.warns(ConvergenceWarning):
        mlp = MLPClassifier((32,), max_iter=20, random_state=0).fit(
            X, train.target[:3000]
        )
    clf = MNISTDenseClassifier(hidden_layer_sizes=(32,))
    clf.coefs_ = [w.astype(np.float32) for w in mlp.coefs_]
    clf.intercepts_ = [b.astype(np.float32) for b in mlp.intercepts_]
    clf.classes_, clf.n_features_in_ = mlp.classes_, 784
    pipe = make_mnist_pipeline(hidden_layer_sizes=(32,))
    pipe.steps[-1] = (pipe.steps[-1][0], clf)
    pipe[:-1].fit(test.images[:10])
    return pipe


@pytest.fixture(scope="module")
def client(pipeline):
    with TestClient(create_app(pipeline)) as client:
        yield client


def test_explain_adds_the_attributions_of_prediction_against_runner_up(
    client, pipeline, mnist
):
    _, test = mnist
    for digit in test.images[:5]:
        plain = client.post("/api/predict", json={"pixels": digit.tolist()}).json()
        answer = client.post(
            "/api/predict?explain=1", json={"pixels": digit.tolist()}
        ).json()
        assert "explanation" not in plain
        explanation = answer.pop("explanation")
        assert answer == plain
        proba = pipeline.predict_proba(digit.reshape(1, -1))[0]
        best, second = np.argsort(proba)[[-1, -2]]
        assert explanation["target"] == answer["label"] == int(best)
        assert explanation["versus"] == int(second)
        assert explanation["method"] == "integrated_gradients"
        assert explanation["n_steps"] == 32
        attributions = np.array(explanation["attributions"])
        assert attributions.shape == (28, 28)
        expected = pixel_attributions(
            pipeline, np.stack([digit, digit]), target=[best, second]
        )
        np.testing.assert_allclose(
            attributions,
            expected.attributions[0] - expected.attributions[1],
            rtol=1e-5,
            atol=1e-6,
        )
        # Completeness: the map adds up to the change of the logit margin.
        change = explanation["score"] - explanation["baseline_score"]
        assert attributions.sum() == pytest.approx(change, abs=0.05 * abs(change))
        assert explanation["score"] > 0  # the prediction beats the runner-up
        # Black pixels of what the network sees (the prepared digit): nothing.
        assert np.all(attributions[expected.images[0] == 0] == 0)


def test_explain_works_on_pictures_and_drawings(client, mnist):
    _, test = mnist
    buffer = io.BytesIO()
    Image.fromarray(255 - test.images[0]).resize((84, 84)).save(buffer, "PNG")
    answer = client.post(
        "/api/predict?explain=true",
        content=buffer.getvalue(),
        headers={"Content-Type": "image/png"},
    ).json()
    assert np.array(answer["explanation"]["attributions"]).shape == (28, 28)
    drawing = (255 - np.kron(test.images[1], np.ones((3, 3)))).astype(int).tolist()
    answer = client.post("/api/predict?explain=1", json={"drawing": drawing}).json()
    assert answer["explanation"]["target"] == answer["label"]


def test_explain_0_and_bad_values(client, mnist):
    _, test = mnist
    body = {"pixels": test.images[0].tolist()}
    assert "explanation" not in client.post("/api/predict?explain=0", json=body).json()
    response = client.post("/api/predict?explain=yes", json=body)
    assert response.status_code == 400
    assert response.json() == {"error": "explain must be 0 or 1; got 'yes'."}


def test_the_card_says_whether_the_model_explains(client, digits_model):
    assert client.get("/api/model").json()["explainable"] is True
    clf, X, _ = digits_model
    with TestClient(create_app(clf)) as other:
        assert other.get("/api/model").json()["explainable"] is False


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_models_that_cannot_explain_answer_400(mnist):
    from sklearn.linear_model import LogisticRegression

    train, _ = mnist
    X, y = train.data[:200], train.target[:200]
    model = LogisticRegression(max_iter=50).fit(X / 255, y)
    with TestClient(create_app(model)) as client:
        body = {"pixels": X[0].tolist()}
        assert client.post("/api/predict", json=body).status_code == 200
        response = client.post("/api/predict?explain=1", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "explain=1 needs an MNISTDenseClassifier or a Pipeline ending in one; "
        "this model is a LogisticRegression."
    )
