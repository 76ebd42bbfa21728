"""Model runs made from an as-of view of the data: the orchestration layer.

Between the data (``qtlab.store``) and the analyses (``qtlab.analyses``): each module
reads what a run needs from a RunContext into the plain, typed inputs of the model
packages (``policy``, ``portfolio``, ``prepay``, ``engine``, ``balance``, ``impact``)
and runs them. Units: USD bn, percent, calendar months.

- :mod:`qtlab.runs.context`: :class:`RunContext`, the one explicit context every run and
  analysis takes: one :class:`~qtlab.store.Dataset` view, each input read once and
  recorded, and the runs made from it (there is no process-wide cache);
- :mod:`qtlab.runs.runoff`: the engine from the CUSIP files in view under a policy
  (paydown sources, taper purchases, TIPS accrual: ``engine_inputs``);
- :mod:`qtlab.runs.backtest`: the runoff backtest (E2);
- :mod:`qtlab.runs.options`: typed run options and the parsers of their text forms;
- :mod:`qtlab.runs.ladder`: the maturity ladder of today's holdings;
- :mod:`qtlab.runs.mbs`, :mod:`qtlab.runs.mbs_settlement`: MBS data, the prepayment
  model's paydowns and the settlement of purchases;
- :mod:`qtlab.runs.mbs_projection`: the paydown projection at a vantage against the cap
  (B3, ``qtlab prepay``) and the 2022 baseline against the NY Fed's outlook;
- :mod:`qtlab.runs.tips`: TIPS inflation compensation along an inflation assumption;
- :mod:`qtlab.runs.inputs`: the monthly inputs of the liability side and the impact models;
- :mod:`qtlab.runs.liability_backtest`: the liability model's conditional backtest along
  the realized total assets (the benchmark and the tests share it);
- :mod:`qtlab.runs.remittances`: the Reserve Banks' net income and the deferred asset
  fitted at a vantage, an optional piece of the liability model's block;
- :mod:`qtlab.runs.baseline`, :mod:`qtlab.runs.baseline_liabilities`: the one baseline of
  a vantage C2, C3, D1-D3, F1 and F2 share (asset path, liability side with the liability
  model fitted at the vantage, reserve target, inflation assumption), stated once;
- :mod:`qtlab.runs.endpoint`: the projection with its ample-reserve stop (C3);
- :mod:`qtlab.runs.liabilities`: the liability side along an asset path (C2), where runoff
  has to stop (C3) and the path stopped there (D1-D3); :mod:`qtlab.runs.liabilities_fitted`:
  C2's scenario of the liability model the baseline carries;
- :mod:`qtlab.runs.forward`, :mod:`qtlab.runs.forward_policy`,
  :mod:`qtlab.runs.forward_checks`: F1's carry-forward, alternatives and the checks of
  the carry-forward against the data;
- :mod:`qtlab.runs.sweep`: the start of F2's Monte Carlo sweep from the data;
- :mod:`qtlab.runs.yield_recipes`: the named D2 specifications;
- :mod:`qtlab.runs.yield_spec`, :mod:`qtlab.runs.yield_forecast`: the D2 specification
  chosen out of sample, and the yield forecast made with it (``chosen_forecasts``, the
  recipe D2, D3, the scorecard and ``qtlab fit-yield`` share).
"""

from qtlab.runs.context import Read, RunContext, as_context

__all__ = ["Read", "RunContext", "as_context"]
