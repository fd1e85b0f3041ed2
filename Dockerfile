# The platform's image: the web server (gunicorn), the Celery worker and beat all run
# from it (see docker-compose.yml). Configuration comes from the environment at run
# time; nothing secret is baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=mentoring.settings \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000

WORKDIR /app

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

# Exactly the versions CI tested.
COPY requirements.lock ./
RUN pip install --no-compile -r requirements.lock

COPY --chown=app:app . .
RUN mkdir -p "$VAR_DIR" "$STATIC_ROOT" && chown app:app "$VAR_DIR" "$STATIC_ROOT"

USER app

# Collect static files into the image. Production settings refuse to load without
# their secrets, so this one step gets throwaway values that exist only inside it.
RUN MENTORING_ENV=production \
    SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    FIELD_ENCRYPTION_KEY="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    ALLOWED_HOSTS=build.invalid \
    EMAIL_URL=smtp://build.invalid:25 \
    SITE_URL=https://build.invalid \
    DEFAULT_FROM_EMAIL=build@build.invalid \
    REDIS_URL=redis://build.invalid:6379/0 \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput

EXPOSE 8000

# Gunicorn caps the request line and headers; the body is capped by the application
# (MAX_REQUEST_BYTES, by its declared length, before it is read) and should be capped
# again by the reverse proxy in front (see the README).
CMD ["sh", "-c", "exec gunicorn mentoring.wsgi --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --limit-request-line 4094 --limit-request-fields 50 --limit-request-field_size 8190 --access-logfile - --no-control-socket"]
