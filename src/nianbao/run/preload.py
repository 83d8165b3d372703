"""Imported last by a process pool's fork server, after what the workers need (``warm.IMPORTS``): what the fork
server holds then is left out of the garbage collector's scans (``gc.freeze``), there and in every worker forked from
it, so that a worker's collections neither walk those objects again nor touch, and so copy, the memory it shares
with the fork server."""

from nianbao.run.warm import settle

settle()
