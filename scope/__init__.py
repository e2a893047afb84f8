"""The one scoping mechanism and the surfaces built on it (see ``docs/architecture.md``).

``scope.core`` decides which rows a user sees and writes; ``scope.admin``, ``scope.api`` and
``scope.resources`` are the bases every admin page, API view and import-export resource inherits;
``scope.archive`` is archiving instead of deleting; ``scope.downloads`` and ``scope.uploads`` keep
files behind the scoped view; ``scope.reads`` is how the surfaces log reads of personal data.
It knows units (``locations``) and nothing above them: users are reached through their attributes
(``unit``, ``is_superuser``, ``sees_only_own_records``), not through the accounts app.
"""
