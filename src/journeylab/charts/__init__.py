"""Charts: Result → Altair. Never queries; reads only the result's frames.

One look for all (:mod:`journeylab.charts.theme`) and drawn offline
(:mod:`journeylab.charts.offline`): importing this package enables the ``journeylab``
theme and renderer unless the user chose others.
"""

from journeylab.charts import offline, theme

__all__ = ["offline", "theme"]

offline.enable()
