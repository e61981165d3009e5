"""What a leak costs: the model's score with the leak and refitted the honest way.

Measured only on request (``%mlcheck impact MODEL``, ``ml-lint-nb check
--execute --impact``); the hook never refits. For each leak or evaluation
finding attached to a model, a clone of the model is refitted the honest way
on copies of the data and scored with the notebook's own metric, on the same
evaluation rows wherever they stay valid; the two scores and a verdict
(material, small, none) become the finding's ``impact``.

- :mod:`.plan`: what a measurement is given (how the model was fitted and
  scored, and its leaks), found by the kernel side
  (:mod:`ml_lint_nb.ipython.impact`);
- :mod:`.data`: copies, rows and columns of frames and arrays;
- :mod:`.metrics`: the notebook's metric, applied again;
- :mod:`.refits`: clones fitted within a budget, with progress;
- :mod:`.strategies`: the honest refit of each kind of leak;
- :mod:`.verdict`: the difference against the noise of the evaluation rows;
- :mod:`.measure`: all of it for one model.
"""
