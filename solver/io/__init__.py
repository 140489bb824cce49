"""io: the formats at the edges, files in and files out.

Reads a case's files (CSV with any delimiter, decimal mark and encoding a spreadsheet writes, or one
workbook) into raw tables, by the schema (``schema.py``, the input format as data); writes output
tables as CSV and JSON for spreadsheets (fixed columns, formula-safe, all or nothing), converts a case
between a folder and a workbook, reads plantsplit's own outputs back, and knows where each command
writes (``folders.py``).

May import: ``solver.errors`` only. Nothing here knows what a plant or a lane means.
"""
