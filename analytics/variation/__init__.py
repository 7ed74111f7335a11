"""Variational analysis (Compare settings): an LA's tables of settings (schools), imported from its
own table or the DfE's school-level files (``imports``, ``dfe_files``), and the funnel analysis of
a measure against its base (``analysis``), shown and downloaded by ``views``."""
