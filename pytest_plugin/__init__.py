"""pytest plugin of pyst-sim (registered under the ``pytest11`` entry point as ``pyst_sim``)."""
