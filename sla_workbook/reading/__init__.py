"""Stage 3, reading: a filled workbook (xlsx or ods, any program) back into frames."""
