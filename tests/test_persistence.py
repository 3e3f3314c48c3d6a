"""save_model / load_model: no pickle, identical predictions, clear errors."""

import json
import shutil
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from skmnist import (
    MNISTDenseClassifier,
    PixelScaler,
    load_model,
    make_mnist_pipeline,
    save_model,
)
from skmnist.persistence import ARRAYS_FILE, METADATA_FILE


@pytest.fixture(scope="module")
def fitted_pipeline(mnist):
    train, _ = mnist
    return make_mnist_pipeline(
        hidden_layer_sizes=(32,), epochs=2, early_stopping=True, random_state=0
    ).fit(train.images[:1500], train.target[:1500])


@pytest.fixture
def saved(fitted_pipeline, tmp_path):
    return save_model(fitted_pipeline, tmp_path / "model")


def test_pipeline_round_trip_is_identical(fitted_pipeline, saved, mnist):
    _, test = mnist
    loaded = load_model(saved)
    np.testing.assert_array_equal(
        loaded.predict_proba(test.images[:500]),
        fitted_pipeline.predict_proba(test.images[:500]),
    )
    assert loaded.get_params(deep=True).keys() == fitted_pipeline.get_params().keys()
    clf, original = loaded[-1], fitted_pipeline[-1]

    def plain(params):  # nested estimators (augmentation) by their params
        return {
            k: v.get_params() if hasattr(v, "get_params") else v
            for k, v in params.items()
        }

    assert plain(clf.get_params()) == plain(original.get_params())
    assert clf.history_ == original.history_
    assert clf.best_epoch_ == original.best_epoch_
    assert loaded[1].image_shape_ == (28, 28)
    assert sorted(p.name for p in saved.iterdir()) == [ARRAYS_FILE, METADATA_FILE]
    assert type(loaded) is type(fitted_pipeline)  # streams its predictions


def test_the_json_holds_no_pickle_and_names_only_known_classes(saved):
    metadata = json.loads((saved / METADATA_FILE).read_text())
    assert [s["class"] for s in metadata["steps"]] == [
        "PixelScaler",
        "DigitNormalizer",
        "ImageFlattener",
        "MNISTDenseClassifier",
    ]
    assert metadata["format_version"] == 2


def test_classifier_with_string_labels_round_trips(mnist_small, tmp_path):
    X, y, X_test, _ = mnist_small
    names = np.array(list("abcdefghij"))
    clf = MNISTDenseClassifier(hidden_layer_sizes=(16,), epochs=1, random_state=0)
    clf.fit(X[:500], names[y[:500]])
    loaded = load_model(save_model(clf, tmp_path / "clf"))
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    np.testing.assert_array_equal(loaded.predict(X_test), clf.predict(X_test))


def test_saving_again_replaces_the_model_atomically(fitted_pipeline, saved, tmp_path):
    save_model(fitted_pipeline, saved)
    assert load_model(saved) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_save_refuses_to_overwrite_a_folder_that_is_not_a_model(
    fitted_pipeline, tmp_path
):
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not an skmnist model folder"):
        save_model(fitted_pipeline, tmp_path / "precious")
    assert (tmp_path / "precious" / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious"]


def test_interrupted_save_leaves_nothing(fitted_pipeline, tmp_path, monkeypatch):
    # Interrupted after arrays.npz is written, while the JSON is.
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("skmnist.persistence.json.dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_model(fitted_pipeline, tmp_path / "model")
    assert list(tmp_path.iterdir()) == []


def test_save_rejects_foreign_estimators_and_unfitted_models(tmp_path):
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(TypeError, match="LogisticRegression"):
        save_model(LogisticRegression(), tmp_path / "m")
    with pytest.raises(NotFittedError):
        save_model(PixelScaler(), tmp_path / "m")


@pytest.mark.parametrize(
    "tamper, error, match",
    [
        (lambda d: shutil.rmtree(d), OSError, "is not a folder"),
        (lambda d: (d / METADATA_FILE).unlink(), OSError, "skmnist.json not found"),
        (lambda d: (d / ARRAYS_FILE).unlink(), OSError, "arrays.npz not found"),
        (
            lambda d: (d / METADATA_FILE).write_text("{not json"),
            ValueError,
            "skmnist.json is not valid JSON",
        ),
        (
            lambda d: (d / METADATA_FILE).write_text('{"format": "other"}'),
            ValueError,
            "not an skmnist model description",
        ),
        (
            lambda d: (d / ARRAYS_FILE).write_bytes(b"garbage"),
            ValueError,
            "arrays.npz is not a valid array file",
        ),
        (
            lambda d: (d / ARRAYS_FILE).write_bytes(
                (d / ARRAYS_FILE).read_bytes()[:2000]
            ),
            ValueError,
            "arrays.npz is not a valid array file",
        ),
        (
            lambda d: _swap_first_layer(d),
            ValueError,
            "the network's arrays do not fit together",
        ),
        (
            lambda d: _edit(d, lambda m: m["steps"][0].update({"class": "os.system"})),
            ValueError,
            "unknown estimator class 'os.system'",
        ),
        (
            lambda d: _edit(d, lambda m: m.update({"format_version": 99})),
            ValueError,
            "format version 99",
        ),
        (
            lambda d: _edit(d, lambda m: m["steps"][2]["params"].update({"bogus": 1})),
            ValueError,
            "bogus",
        ),
    ],
    ids=[
        "no-folder",
        "no-json",
        "no-arrays",
        "bad-json",
        "foreign-json",
        "garbage-arrays",
        "truncated-arrays",
        "inconsistent-arrays",
        "unknown-class",
        "newer-format",
        "unknown-param",
    ],
)
def test_tampered_or_broken_models_fail_clearly(saved, tamper, error, match):
    tamper(saved)
    with pytest.raises(error, match=match):
        load_model(saved)


def _swap_first_layer(folder):
    """Replace the first weight matrix with one of another shape."""
    with np.load(folder / ARRAYS_FILE) as archive:
        arrays = {key: archive[key] for key in archive.files}
    first = next(k for k, v in arrays.items() if v.ndim == 2)
    arrays[first] = np.zeros((100, 3), dtype=np.float32)
    np.savez(folder / ARRAYS_FILE, **arrays)


def _edit(folder, change):
    metadata = json.loads((folder / METADATA_FILE).read_text())
    change(metadata)
    (folder / METADATA_FILE).write_text(json.dumps(metadata))


def test_a_digit_normalizer_saved_before_its_new_steps_keeps_its_output(
    saved, fitted_pipeline, mnist, tmp_path
):
    # Files written before local_background and fill_outlines existed load
    # with both off, as they prepared then; files written now keep them on.
    def drop_new_params(metadata):
        for step in metadata["steps"]:
            if step["class"] == "DigitNormalizer":
                del step["params"]["local_background"], step["params"]["fill_outlines"]

    assert load_model(saved)[1].get_params()["local_background"] is True
    _edit(saved, drop_new_params)
    older = load_model(saved)[1]
    assert older.get_params()["local_background"] is False
    assert older.get_params()["fill_outlines"] is False
    # The same through pickle (and skops, which restores through __setstate__).
    normalizer = fitted_pipeline[1]
    state = dict(normalizer.__getstate__())
    del state["local_background"], state["fill_outlines"]
    restored = type(normalizer).__new__(type(normalizer))
    restored.__setstate__(state)
    _, test = mnist
    ramp = np.add.outer(np.linspace(0, 1, 28), np.linspace(0, 1, 28)) * 100
    fogged = np.clip(test.images[:50] * 0.7 + 20 + ramp, 0, 255)
    expected = clone(normalizer).set_params(local_background=False, fill_outlines=False)
    expected.fit(fogged)
    for loaded in (older, restored):
        np.testing.assert_array_equal(
            loaded.transform(fogged), expected.transform(fogged)
        )
    assert not np.array_equal(normalizer.transform(fogged), expected.transform(fogged))


def test_model_from_another_version_loads_with_a_warning(saved, fitted_pipeline, mnist):
    _edit(saved, lambda m: m.update({"skmnist_version": "0.0.1"}))
    with pytest.warns(UserWarning, match="saved by skmnist 0.0.1"):
        loaded = load_model(saved)
    _, test = mnist
    np.testing.assert_array_equal(
        loaded.predict(test.images[:100]), fitted_pipeline.predict(test.images[:100])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        save_model(loaded, saved)
        load_model(saved)
