"""Where ``MNISTPipeline`` lived in skmnist 0.2: an alias for saved models.

skops and pickle files written then name the class
``skmnist._streaming.MNISTPipeline``; this import keeps them loading (with
that name in skops' ``trusted`` list). The class is
:class:`skmnist.pipeline.MNISTPipeline`, the name new files record.
"""

from skmnist.pipeline import MNISTPipeline

__all__ = ["MNISTPipeline"]
