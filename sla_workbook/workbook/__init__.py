"""Stage 2, the workbook: the block registry, formulas, cached values, and the generator."""
