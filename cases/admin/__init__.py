"""The admin of cases, in Vietnamese: the registry (``registry``), case management (``casework``)
and the pages of their own models (incidents, referrals, transfers).

Importing this package (the admin's autodiscovery does) runs every registration.
"""

from . import casework, incidents, referrals, registry, transfers

__all__ = ["casework", "incidents", "referrals", "registry", "transfers"]
