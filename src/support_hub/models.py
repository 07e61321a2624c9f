"""Every feature's models, imported in one place so migrations and tests see the whole schema."""

from support_hub.accounts import models as accounts_models
from support_hub.checkins import models as checkins_models
from support_hub.directory import models as directory_models
from support_hub.outbox import models as outbox_models
from support_hub.portal import models as portal_models
from support_hub.sms import models as sms_models

__all__ = [
    "accounts_models",
    "checkins_models",
    "directory_models",
    "outbox_models",
    "portal_models",
    "sms_models",
]
