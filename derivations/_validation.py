"""The one :class:`InvalidArgument` of the project, as :mod:`derivations` raises it.

The class is defined once, in :mod:`numerics` (the bottom layer); :mod:`derivations` and
:mod:`theory` re-export the same object, so a bad argument is caught by one ``except`` whatever
package raised it. A derivation that *fails* (a term not of the expected form, no closed
recursion) still raises a plain :class:`ValueError`: that is a finding, not a bad argument.
"""

from numerics import InvalidArgument

__all__ = ["InvalidArgument"]
