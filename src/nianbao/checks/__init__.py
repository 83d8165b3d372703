"""The checks of a report: the expectation suites built from the declarations, the frames they run on, the
Great Expectations run and its result."""
