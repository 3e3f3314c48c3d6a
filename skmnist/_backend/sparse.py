"""Training on a sparse X: each batch is made dense only when it is used.

scikeras and the in-graph loop of :class:`~skmnist._backend.fit_loop.DenseNetwork`
need dense arrays; a sparse X (a ``OneHotEncoder`` or ``TfidfVectorizer``
output) can be far larger dense than sparse. Here the network is fitted by
Keras' own ``fit`` on a :class:`SparseBatches` dataset, which densifies one
batch at a time, in the epoch's order drawn on the host (NumPy's global
state, which a seeded fit seeds, as the in-graph loop draws it).
"""

import keras
import numpy as np

from skmnist.preprocessing import OneHotLabelEncoder


class SparseBatches(keras.utils.PyDataset):
    """The batches ``(x, y[, sample_weight])`` of CSR rows, x made dense.

    With ``shuffle``, each epoch's order is drawn when Keras begins the epoch
    (not before: Keras reads a batch or two to learn their shapes first).
    """

    def __init__(self, X, Y, sample_weight, batch_size, shuffle):
        super().__init__()
        self.X, self.Y, self.sample_weight = X.tocsr(), Y, sample_weight
        self.batch_size, self.shuffle = int(batch_size), bool(shuffle)
        self.order = np.arange(self.X.shape[0])

    def on_epoch_begin(self):
        if self.shuffle:
            self.order = np.random.permutation(self.X.shape[0])

    def __len__(self):
        return -(-self.X.shape[0] // self.batch_size)

    def __getitem__(self, index):
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        x = self.X[rows].toarray()
        if self.sample_weight is None:
            return x, self.Y[rows]
        return x, self.Y[rows], self.sample_weight[rows]


def fit_sparse_network(
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
    """:func:`~skmnist._backend.scikeras_adapter.fit_network` for a sparse X.

    Same arguments and result; ``validation_data`` may hold a sparse X too.
    """
    from skmnist._backend.network import build_dense_network

    if model is None:
        model = build_dense_network(spec, plan.seed, state)

    def one_hot(labels):
        encoder = OneHotLabelEncoder(classes=classes).fit(labels)
        return encoder.transform(labels).astype(spec.dtype)

    batches = SparseBatches(X, one_hot(y), sample_weight, plan.batch_size, plan.shuffle)
    validation = None
    if validation_data is not None:
        X_val, Y_val, *w_val = validation_data
        validation = SparseBatches(
            X_val, Y_val.astype(spec.dtype), (w_val or [None])[0], plan.batch_size, False
        )
    history = keras.callbacks.History()
    model.fit(
        batches,
        epochs=plan.epochs,
        # The batches' order is SparseBatches' (Keras would shuffle the
        # batches again, with Python's random module).
        shuffle=False,
        verbose=plan.verbose,
        callbacks=[*callbacks, history],
        validation_data=validation,
    )
    return model, history.history
