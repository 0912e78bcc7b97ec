"""Stage 5, update: rewrite a filled workbook with new inputs (an imported lead log),
keeping everything the user typed and refusing to drop what it cannot carry over."""
