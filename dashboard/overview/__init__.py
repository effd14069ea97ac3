"""The patient overview and its printable summary, in three steps:

    loader     the queries: a fixed number whatever the history, returning ``OverviewData``
    assembler  pure: ``OverviewData`` -> ``PatientOverview``, the page's view model
    chart      the view model's trend -> the SVG chart (``symptoms.charts``)

The view runs ``assembler.build_overview(loader.load_overview(patient, range_key))`` and the
templates draw the chart with ``{% overview_chart overview %}``.
"""
