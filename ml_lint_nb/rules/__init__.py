"""Rules: one rule per module, grouped by family in packages.

``hygiene`` (ML1xx), ``leakage`` (ML2xx), ``design`` (ML3xx), ``evaluation``
(ML4xx) and ``reproducibility`` (ML5xx) each re-export their rule classes;
helpers one family shares sit in that family's package, helpers several
families share in ``common``, ``data_evidence`` and ``base``. The registry
lists the rules explicitly in code order.
"""
