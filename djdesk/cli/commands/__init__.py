"""The sub-commands, one module each; ``main.build_parser`` registers them in this order."""

from djdesk.cli.commands import auth, cache, config, enrich, export, library, paths, pin, sandbox

ALL = (paths, config, cache, sandbox, auth, enrich, library, pin, export)
