"""The sub-commands, one module each; ``main.build_parser`` registers them in this order."""

from djdesk.cli.commands import auth, cache, enrich, export, library, paths, sandbox

ALL = (paths, cache, sandbox, auth, enrich, library, export)
