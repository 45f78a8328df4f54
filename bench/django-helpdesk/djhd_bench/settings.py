"""A minimal Django project serving django-helpdesk for the Aftersail benchmark.

Production-like: DEBUG off, PostgreSQL, persistent database connections (CONN_MAX_AGE, the
analogue of Aftersail's pool), no debug toolbar, console e-mail backend swapped for a dummy
one so that no mail is written anywhere during the run.
"""

import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = os.environ.get("DJHD_SECRET_KEY", "aftersail-bench-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "djhd_bench.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "djhd_bench.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["DJHD_DATABASE"],
        "USER": os.environ.get("DJHD_DB_USER", "postgres"),
        "HOST": os.environ.get("DJHD_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DJHD_DB_PORT", "5432"),
        "CONN_MAX_AGE": 600,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(os.environ.get("DJHD_WORK", "/tmp/djhd-bench"), "static")
MEDIA_ROOT = os.path.join(os.environ.get("DJHD_WORK", "/tmp/djhd-bench"), "media")

LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# django-helpdesk: the public form and the API on (its defaults). The knowledge base stays
# on (its default): 2.6.1's urls.py fails to import with it off. It is empty here.
HELPDESK_SUBMIT_A_TICKET_PUBLIC = True
HELPDESK_VIEW_A_TICKET_PUBLIC = True
HELPDESK_KB_ENABLED = True
# Teams need pinax-teams; Aftersail's comparison does not use them.
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_API_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The API's client authenticates with a token (DRF's TokenAuthentication, the analogue of
# Aftersail's bearer tokens): HTTP basic auth would hash the password (PBKDF2, 1M rounds) on
# every request, which measures the hasher, not the helpdesk.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
}
