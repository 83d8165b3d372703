"""Data entry: a new report's files (``nianbao new``) and the Excel workbook the analyst fills in.

- ``layout``: the sheets of a format's workbook, cell by cell (label cells, merged cells, value cells), built from
  the declarations; the writer and the reader both use it, so that they cannot disagree;
- ``formulas``: the live check cells, written from the identity declarations;
- ``writer``: the workbook (openpyxl): layout, styles, cell validation and check cells;
- ``reader``: the workbook read back into the data files, cell by cell (``nianbao import book.xlsx``);
- ``newyear``: the params, blank data files, prose stubs and workbook of a new report.
"""
