"""The networks this process trained last, to continue them without a rebuild.

``warm_start`` and ``partial_fit`` resume from the estimator's arrays, which
build a new Keras network (building, compiling and tracing its training step
take a second or more). When those arrays are the very objects the last fits
of this process returned (every weight, bias and optimizer and generator
state array, each read-only), the network that produced them still holds
exactly those values and can continue at once; an estimator whose arrays
were replaced, or copied by pickling or loading, gets a new network built
from them. A network is taken out of here when a fit continues it and put
back only when that fit ends well, so a failed or interrupted fit never
leaves a network whose values differ from the estimator's arrays. At most two
networks are kept, and none beyond the life of the arrays it produced.
"""

import weakref
from collections import OrderedDict

_MAX_KEPT = 2
_kept = OrderedDict()  # id(first kernel) -> (weak references, spec, model)


def _arrays(state):
    """Every array of a ``state`` (coefs, intercepts, optimizer, generators)."""
    return [array for key in sorted(state) for array in state[key]]


def remember(model, state, spec):
    """Keep ``model``, the network of ``spec`` whose arrays are ``state``."""
    arrays = _arrays(state)
    key = id(arrays[0])

    def forget(_, key=key):
        _kept.pop(key, None)

    refs = [weakref.ref(arrays[0], forget)] + [weakref.ref(a) for a in arrays[1:]]
    _kept[key] = (refs, spec, model)
    while len(_kept) > _MAX_KEPT:
        _kept.popitem(last=False)


def take(state, spec):
    """The kept network of ``spec`` whose arrays are exactly ``state``'s, or None."""
    arrays = _arrays(state)
    entry = _kept.pop(id(arrays[0]), None)
    if entry is None:
        return None
    refs, kept_spec, model = entry
    same = len(refs) == len(arrays) and all(
        ref() is array for ref, array in zip(refs, arrays)
    )
    return model if same and kept_spec == spec else None
