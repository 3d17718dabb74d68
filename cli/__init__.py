"""The ``quotes`` command line: a thin click layer over the ``quotes`` and ``index`` packages."""
