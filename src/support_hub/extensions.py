"""Unbound extensions; `create_app` binds them."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from support_hub.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
babel = Babel()
login_manager = LoginManager()
# Global: every POST/PUT/PATCH/DELETE needs a token, except views explicitly exempted
# (Twilio's webhooks, which are authenticated by signature instead).
csrf = CSRFProtect()
