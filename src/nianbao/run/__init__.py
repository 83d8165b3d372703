"""Running reports: the pipeline of one report, a batch of reports, the kernel, the build folder and its
publication, the incremental-run key, the manifest and the progress display."""
