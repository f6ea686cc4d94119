"""lesson_bot.reports: the files and pictures the report figures become.

`tables` is the neutral model the report services fill (a Workbook of Tables, one per level); `xlsx` and `csv`
write it, both through `safe.safe_cell` against formula injection. `record_docx` lays a meeting record out as the
paper 会议记录 (`pdf` converts it where LibreOffice is installed). `charts` draws the figures as PNG with a CJK font
from `fonts`. Layer: uses services and below; only cli, bootstrap, bot and web may use it.
"""
