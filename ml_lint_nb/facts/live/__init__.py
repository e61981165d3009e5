"""Live facts: observed in the running kernel, from the objects a cell touched.

Everything here runs inside the user's kernel: it never mutates a user
object or a global option, never keeps a strong reference to user data past
the call, samples above a size cap, and never raises (a hostile object is
skipped and reported by the caller as a note).

The modules, lowest first (imports point down only):

- ``limits``, ``sampling``: the caps and the seeded row samples;
  ``spark_ml``, ``safe``: which objects may be read at all, by type;
- ``tables``: the one adapter for in-memory tables (pandas, polars, NumPy);
- ``row_hashes``, ``column_stats``, ``two_sample``, ``predictive``: the
  measures, on NumPy arrays (two-sample statistics serve every comparison
  of two sets of rows, in memory and lazy alike);
- the readers: ``frames`` (one frame's data checks), ``splits`` (a split's
  two parts), ``fit_records`` (a model's fit rows against its evaluation
  rows), ``values`` (evidence for the static rules), ``expressions`` (the
  objects a model call was given), ``estimators``, ``scoring``,
  ``model_calls``, ``warnings_capture``;
- the lazy layer, for frames that live elsewhere (Spark, polars
  LazyFrames): ``lazy_backend``, ``lazy_splits``, ``lazy_frames``.
"""
