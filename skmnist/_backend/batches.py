"""Training by Keras' own ``fit`` on batches: sparse X, multilabel y.

scikeras and the in-graph loop of :class:`~skmnist._backend.fit_loop.DenseNetwork`
need dense arrays and class labels. A sparse X (a ``OneHotEncoder`` or
``TfidfVectorizer`` output) can be far larger dense than sparse, and a
multilabel y is already the indicator matrix the network learns. Here the
network is fitted by Keras' own ``fit`` on a :class:`Batches` dataset, which
makes one batch dense at a time, in the epoch's order drawn on the host
(NumPy's global state, which a seeded fit seeds, as the in-graph loop draws
it).
"""

import keras
import numpy as np

from skmnist.preprocessing import OneHotLabelEncoder


class Batches(keras.utils.PyDataset):
    """The batches ``(x, y[, sample_weight])`` of X's rows (CSR made dense).

    With ``shuffle``, each epoch's order is drawn when Keras begins the epoch
    (not before: Keras reads a batch or two to learn their shapes first).
    """

    def __init__(self, X, Y, sample_weight, batch_size, shuffle):
        super().__init__()
        self.X = X.tocsr() if hasattr(X, "tocsr") else X
        self.Y, self.sample_weight = Y, sample_weight
        self.batch_size, self.shuffle = int(batch_size), bool(shuffle)
        self.order = np.arange(self.X.shape[0])

    def on_epoch_begin(self):
        if self.shuffle:
            self.order = np.random.permutation(self.X.shape[0])

    def __len__(self):
        return -(-self.X.shape[0] // self.batch_size)

    def __getitem__(self, index):
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        x = self.X[rows]
        x = x.toarray() if hasattr(x, "toarray") else x
        if self.sample_weight is None:
            return x, self.Y[rows]
        return x, self.Y[rows], self.sample_weight[rows]


def fit_on_batches(
    X,
    y,
    *,
    classes,
    spec,
    plan,
    callbacks,
    state=None,
    sample_weight=None,
    validation_data=None,
    model=None,
):
    """:func:`~skmnist._backend.scikeras_adapter.fit_network` on :class:`Batches`.

    Same arguments and result; ``X`` (and the validation data's) may be
    sparse, ``y`` labels or (multilabel) an indicator matrix.
    """
    from skmnist._backend.network import build_dense_network

    if model is None:
        model = build_dense_network(spec, plan.seed, state)

    def one_hot(labels):
        encoder = OneHotLabelEncoder(classes=classes).fit(labels)
        return encoder.transform(labels).astype(spec.dtype)

    Y = y.astype(spec.dtype) if y.ndim == 2 else one_hot(y)
    batches = Batches(X, Y, sample_weight, plan.batch_size, plan.shuffle)
    validation = None
    if validation_data is not None:
        X_val, Y_val, *w_val = validation_data
        validation = Batches(
            X_val,
            Y_val.astype(spec.dtype),
            (w_val or [None])[0],
            plan.batch_size,
            False,
        )
    history = keras.callbacks.History()
    model.fit(
        batches,
        epochs=plan.epochs,
        # The batches' order is Batches' (Keras would shuffle the
        # batches again, with Python's random module).
        shuffle=False,
        verbose=plan.verbose,
        callbacks=[*callbacks, history],
        validation_data=validation,
    )
    return model, history.history
