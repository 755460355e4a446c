# The cencomm-cug server on the embedded SQLite database, or on PostgreSQL when
# CENCOMM_DATABASE_URL names one. The data folder is the volume /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --user-group --uid 10001 --no-create-home cencomm \
    && mkdir /data \
    && chown cencomm:cencomm /data

WORKDIR /srv/cencomm
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY clients/web ./clients/web
RUN pip install .

# Production refuses to start without a CENCOMM_SECRET_KEY of 32 or more
# characters; pass it with `docker run -e CENCOMM_SECRET_KEY=...`.
ENV CENCOMM_ENVIRONMENT=production \
    CENCOMM_DATA_DIR=/data \
    CENCOMM_WEB_DIR=/srv/cencomm/clients/web
VOLUME /data
USER cencomm
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]

CMD ["cencomm", "serve", "--host", "0.0.0.0", "--port", "8000"]
