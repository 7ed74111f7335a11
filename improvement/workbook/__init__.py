"""A whole improvement plan as an XLSX workbook: exported, imported as a new plan or as an update of
the same plan (matched by reference), and a template to start from. docs/improvement.md, “Import and
export a whole plan”.

- ``columns``: the sheets and their columns, and how each cell is written and read back
- ``reader``: the uploaded workbook, sheet by sheet, through the project's hardened reader
- ``export``: a plan as a workbook
- ``importer``: a workbook checked row by row, then written all at once (or nothing)
- ``template``: the empty workbook with a "Read me" sheet and one example row per sheet
- ``forms``: the two upload forms"""
