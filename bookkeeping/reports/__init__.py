"""Reports on the posted books of one company: each module is one report, a selector that
aggregates in the database (SUM ... GROUP BY over `bookkeeping_line`, posted lines only) and
answers small dataclasses with Decimal amounts, plus `table()` for the exports.

Amounts are in the company's currency: lines in another currency are left out of every report but
the trial balance, which lists them per currency (the books keep no converted amounts).
"""
