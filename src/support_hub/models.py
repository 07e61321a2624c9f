"""Every feature's models, imported in one place so migrations and tests see the whole schema."""

from support_hub.directory import models as directory_models

__all__ = ["directory_models"]
