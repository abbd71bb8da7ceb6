"""Rich renderables for the CLI, one module per verb; functions return tables and text, commands print them.

User-derived text (column, file and series names, paths, dates from files) reaches Rich only
through `render.common.user_text`, never as markup.
"""
