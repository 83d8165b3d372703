"""Reading one report's inputs: params, the raw counts and prose as the format declares them, and published
text imported into data files. Nothing here renders or runs a check."""
