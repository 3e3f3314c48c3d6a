"""The networks this process trained last, to continue them without a rebuild.

``warm_start`` and ``partial_fit`` resume from the estimator's arrays, which
build a new Keras network (building, compiling and tracing its training step
take a second or more). When those arrays are the very ones the last fits of
this process returned, the network that produced them still holds exactly
those values and can continue at once. A network is taken out of here when a
fit continues it and put back only when that fit ends well, so a failed or
interrupted fit never leaves a network whose values differ from the
estimator's arrays. At most two networks are kept, and none beyond the life
of the arrays it produced.
"""

import weakref
from collections import OrderedDict

_MAX_KEPT = 2
_kept = OrderedDict()  # id(first kernel) -> (weak reference to it, params, model)


def remember(model, first_kernel, params):
    """Keep ``model``, the network whose first kernel is ``first_kernel``."""
    key = id(first_kernel)

    def forget(_, key=key):
        _kept.pop(key, None)

    _kept[key] = (weakref.ref(first_kernel, forget), dict(params), model)
    while len(_kept) > _MAX_KEPT:
        _kept.popitem(last=False)


def take(first_kernel, params):
    """The kept network that produced ``first_kernel`` with ``params``, or None."""
    entry = _kept.pop(id(first_kernel), None)
    if entry is None:
        return None
    ref, kept_params, model = entry
    if ref() is not first_kernel or kept_params != params:
        return None
    return model
