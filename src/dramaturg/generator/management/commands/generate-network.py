"""`dramaturg generate-network`: the spelling of issue 15, the same command."""

from dramaturg.generator.management.commands.generate_network import Command

__all__ = ["Command"]
