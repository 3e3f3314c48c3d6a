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
networks are kept for their arrays, and none beyond the life of those arrays.

A network that is no longer kept (its arrays were dropped, or two newer ones
came) becomes a spare: a new fit of the same specification resets it to the
state a new build would have (``network.reset_network``) and trains it, so
that a grid search, a cross-validation or a loop of small fits builds,
compiles and traces each network shape once. With no spare, a new fit takes
the least recently kept network of its specification. At most two spares
are kept.
"""

import threading
import weakref
from collections import OrderedDict

_MAX_KEPT = 2
_MAX_SPARE = 2
_kept = OrderedDict()  # id(first kernel) -> (weak references, spec, model)
# Networks no estimator's arrays refer to any more, by (spec, seeded): a new
# fit of that spec resets one (network.reset_network) instead of building,
# compiling and tracing its own. The most recent last.
_spare = OrderedDict()  # id(model) -> ((spec, seeded), model)
# Weak-reference callbacks run in whichever thread drops the arrays, also
# during a fit: the two tables have a lock of their own.
_lock = threading.RLock()


def _arrays(state):
    """Every array of a ``state`` (coefs, intercepts, optimizer, generators)."""
    return [array for key in sorted(state) for array in state[key]]


def _to_spare(entry):
    _, spec, model, seeded = entry
    _spare[id(model)] = ((spec, seeded), model)
    while len(_spare) > _MAX_SPARE:
        _spare.popitem(last=False)


def remember(model, state, spec, *, seeded):
    """Keep ``model``, the network of ``spec`` whose arrays are ``state``.

    ``seeded`` tells whether it was trained under a seed (TensorFlow's op
    determinism on), which its compiled functions may depend on.
    """
    arrays = _arrays(state)
    key = id(arrays[0])

    def forget(_, key=key):
        with _lock:
            entry = _kept.pop(key, None)
            if entry is not None:
                _to_spare(entry)

    refs = [weakref.ref(arrays[0], forget)] + [weakref.ref(a) for a in arrays[1:]]
    with _lock:
        _kept[key] = (refs, spec, model, seeded)
        while len(_kept) > _MAX_KEPT:
            _to_spare(_kept.popitem(last=False)[1])


def take(state, spec):
    """The kept network of ``spec`` whose arrays are exactly ``state``'s, or None."""
    arrays = _arrays(state)
    with _lock:
        entry = _kept.pop(id(arrays[0]), None)
    if entry is None:
        return None
    refs, kept_spec, model, _ = entry
    same = len(refs) == len(arrays) and all(
        ref() is array for ref, array in zip(refs, arrays)
    )
    if same and kept_spec == spec:
        return model
    with _lock:
        _to_spare(entry)
    return None


def take_spare(spec, *, seeded):
    """A network of ``spec`` for a new fit to reset and train, or None.

    A spare one if there is one, else the least recently kept one (its
    estimator, if it continues later, gets a network set from its arrays).
    Its variables hold whatever its last fit left: the caller resets them.
    """
    with _lock:
        for key, (kind, model) in reversed(_spare.items()):
            if kind == (spec, seeded):
                del _spare[key]
                return model
        for key, (_, kept_spec, model, kept_seeded) in _kept.items():
            if (kept_spec, kept_seeded) == (spec, seeded):
                del _kept[key]
                return model
    return None
