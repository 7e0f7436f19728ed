"""Internals of the fake AMI server (:mod:`pyst_sim.ami_server`).

* :mod:`~pyst_sim.ami.builtin` - the built-in PBX emulation (Asterisk's checks and handlers);
* :mod:`~pyst_sim.ami.calls` - Originate, dialplan execution on channels, hangups;
* :mod:`~pyst_sim.ami.cli` - CLI commands for the ``Command`` action;
* :mod:`~pyst_sim.ami.perms` - permission classes, ``Privilege:`` strings, event filters;
* :mod:`~pyst_sim.ami.functions` - ``Getvar``/``Setvar`` and ``${}`` through the AGI
  simulator's dialplan functions;
* :mod:`~pyst_sim.ami.updateconfig` - ``UpdateConfig`` through pyst's config editor;
* :mod:`~pyst_sim.ami._spec` - action and event classes of Asterisk 22.10.1 (generated).
"""
