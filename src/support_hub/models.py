"""Every feature's models, imported in one place so migrations and tests see the whole schema."""

from support_hub.accounts import models as accounts_models
from support_hub.directory import models as directory_models
from support_hub.portal import models as portal_models

__all__ = ["accounts_models", "directory_models", "portal_models"]
