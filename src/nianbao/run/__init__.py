"""Running reports: the run of one report as a sequence of steps (pipeline), its context, its build folder and
lock (build), a batch of reports (batch), the kernel, the incremental-run key (cache), the manifest, the stages
and statuses of a run (status) and the progress display."""
