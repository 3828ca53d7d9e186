# Cairn production image: gunicorn serving Django; the same image runs the Celery worker and beat.
FROM python:3.11-slim AS base

# The image alone fails closed: production guards on (DEBUG off, no SQLite, and start-up is
# refused until a real SECRET_KEY of 50+ characters is given at run time).
ENV CAIRN_ENV=production \
    DEBUG=false \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    PATH="/opt/venv/bin:$PATH"

RUN pip install --no-cache-dir "uv==0.13.9" \
 && useradd --create-home --uid 10001 cairn

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# collectstatic needs settings but no database; a throwaway key keeps the production guard happy.
RUN CAIRN_ENV=production DEBUG=false SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
    DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput

USER cairn
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "okr_project.wsgi:application"]
