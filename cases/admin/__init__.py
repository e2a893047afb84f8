"""The admin of cases, in Vietnamese.

Importing this package (the admin's autodiscovery does) runs every registration.
"""

from . import casework, incidents, referrals, transfers

__all__ = ["casework", "incidents", "referrals", "transfers"]
